"""Attendance pages: the sessions a user checks in (« Accueil des séances »), the check-in list of a session or of
one relay site (one form of checkboxes, works without JavaScript), the QR code's page, the sign-in sheet (PDF),
the attendance certificates of trainings, the satisfaction survey (public, signed link) and its results, and the
figures with their exports.

A session the user has nothing to check in answers 404, and so does another host's relay site; the session's own
list asks for an organiser (403). Figures: organisers and partner viewers, others 403."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.pagination import paginate
from events import attendance, documents, figures, permissions, surveys
from events.forms_attendance import FiguresFilterForm, SurveyForm
from events.models import Event, Registration, RelaySite, Session, SurveyAnswer

R = Registration.Status
HOSTING_PAST_DAYS = 30


def _crumbs(*extra):
    return [("Accueil des séances", reverse("events:hosting")), *extra]


def _pool_url(name, session, relay_site):
    if relay_site is None:
        return reverse(f"events:{name}", args=[session.pk])
    return reverse(f"events:{name}_site", args=[session.pk, relay_site.pk])


def hosting(request):
    """The sessions of the last 30 days and to come that the user checks in, one line per pool they may check."""
    if not attendance.may_host_sessions(request.user):
        raise PermissionDenied
    since = timezone.now() - timedelta(days=HOSTING_PAST_DAYS)
    sessions = (
        attendance.sessions_to_check_in(request.user)
        .filter(starts_at__gte=since)
        .select_related("event__organizer", "place")
        .order_by("starts_at", "pk")
    )
    page = paginate(request, sessions, per_page=20)
    sessions = list(page.object_list)
    sites = (
        RelaySite.objects.active()
        .filter(session__in=[s.pk for s in sessions])
        .select_related("place", "host")
        .annotate(confirmed=Count("registrations", filter=Q(registrations__status=R.CONFIRMED)))
    )
    by_session = {}
    for site in sites:
        by_session.setdefault(site.session_id, []).append(site)
    lines = []
    for session in sessions:
        organiser = permissions.can_manage_event(request.user, session.event)
        pools = []
        if organiser:
            pools.append(("Sur place" if session.place_id else "En ligne", None))
        for site in by_session.get(session.pk, []):
            if organiser or site.host_id == request.user.pk:
                pools.append((f"{site.place.name} ({site.place.commune_name})", site))
        lines.append(
            {
                "session": session,
                "pools": [
                    {
                        "label": label,
                        "check_in_url": _pool_url("check_in_list", session, site),
                        "sheet_url": _pool_url("sign_in_sheet", session, site),
                    }
                    for label, site in pools
                ],
            }
        )
    return render(request, "events/attendance/hosting.html", {"page": page, "lines": lines})


def _check_in(request, session_pk, relay_site_pk=None):
    session, relay_site = attendance.pool_or_404(request.user, session_pk, relay_site_pk)
    if request.method == "POST":
        try:
            changed = attendance.record_attendance(
                session,
                acting_user=request.user,
                present_ids=[pk for pk in request.POST.getlist("present") if pk.isdigit()],
                relay_site=relay_site,
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request,
                f"Présences enregistrées ({changed} changement{'s' if changed > 1 else ''}).",
            )
            return redirect(request.path)
    registrations = list(attendance.pool_registrations(session, relay_site))
    confirmed = [r for r in registrations if r.status == R.CONFIRMED]
    confirmed.sort(key=lambda r: documents.full_name(r).lower())
    organiser = permissions.can_manage_event(request.user, session.event)
    where = f"{relay_site.place.name} ({relay_site.place.commune_name})" if relay_site else None
    crumbs = (
        [
            ("Gestion des événements", reverse("events:manage_list")),
            (session.event.title, reverse("events:manage_event", args=[session.event.pk])),
            (str(session), reverse("events:manage_session", args=[session.pk])),
        ]
        if organiser
        else _crumbs()
    )
    return render(
        request,
        "events/attendance/check_in.html",
        {
            "session": session,
            "event": session.event,
            "relay_site": relay_site,
            "where": where or ("En ligne" if session.place_id is None else session.place.name),
            "confirmed": [(r, documents.full_name(r)) for r in confirmed],
            "waitlisted": [(r, documents.full_name(r)) for r in registrations if r.status == R.WAITLISTED],
            "present_count": sum(1 for r in confirmed if r.attended),
            "sheet_url": _pool_url("sign_in_sheet", session, relay_site),
            "organiser": organiser,
            "certificates": organiser and session.event.kind == Event.Kind.TRAINING,
            "breadcrumbs": crumbs,
        },
    )


def check_in_list(request, pk):
    return _check_in(request, pk)


def check_in_list_site(request, pk, site_pk):
    return _check_in(request, pk, site_pk)


def _sign_in_sheet(request, session_pk, relay_site_pk=None):
    session, relay_site = attendance.pool_or_404(request.user, session_pk, relay_site_pk)
    response = HttpResponse(documents.sign_in_sheet_pdf(session, relay_site), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{documents.sheet_filename(session, relay_site)}"'
    return response


def sign_in_sheet(request, pk):
    return _sign_in_sheet(request, pk)


def sign_in_sheet_site(request, pk, site_pk):
    return _sign_in_sheet(request, pk, site_pk)


def check_in_scan(request, token):
    """The page the registration's QR code opens: who it is, and a button to record the arrival (a scan alone does
    not change anything, so that a link opened by mistake records nothing)."""
    registration = attendance.registration_from_check_in_token(token)
    if registration is None:
        raise Http404
    if not attendance.can_check_in(request.user, registration.session, registration.relay_site):
        if not attendance.sessions_to_check_in(request.user).filter(pk=registration.session_id).exists():
            raise Http404
        raise PermissionDenied
    if request.method == "POST":
        try:
            recorded = attendance.check_in(registration, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            name = documents.full_name(registration)
            messages.success(
                request, f"Arrivée de {name} enregistrée." if recorded else f"{name} était déjà pointé·e."
            )
            return redirect(_pool_url("check_in_list", registration.session, registration.relay_site))
    return render(
        request,
        "events/attendance/scan.html",
        {
            "registration": registration,
            "name": documents.full_name(registration),
            "session": registration.session,
            "event": registration.session.event,
            "where": documents.where_label(registration.session, registration.relay_site),
            "list_url": _pool_url("check_in_list", registration.session, registration.relay_site),
            "breadcrumbs": _crumbs(),
        },
    )


# Certificates -------------------------------------------------------------------------------------------------


def certificate(request, pk):
    registration = get_object_or_404(
        Registration.objects.filter(session__event__in=Event.objects.managed_by(request.user)).select_related(
            "session__event__organizer", "session__event__series", "session__place", "relay_site__place", "person"
        ),
        pk=pk,
    )
    if not attendance.can_issue_certificates(request.user, registration.session.event):
        raise PermissionDenied
    if not (registration.status == R.CONFIRMED and registration.attended):
        raise Http404
    response = HttpResponse(documents.certificate_pdf(registration), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{documents.certificate_filename(registration)}"'
    return response


@require_POST
def certificates_send(request, pk):
    session = get_object_or_404(
        Session.objects.filter(event__in=Event.objects.managed_by(request.user)).select_related("event"), pk=pk
    )
    if not attendance.can_issue_certificates(request.user, session.event):
        raise PermissionDenied
    try:
        sent, without_address = attendance.send_certificates(session, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        text = f"{sent} attestation{'s' if sent > 1 else ''} envoyée{'s' if sent > 1 else ''} par e-mail."
        if without_address:
            text += f" {without_address} personne(s) sans adresse e-mail : téléchargez leur attestation."
        if not sent and not without_address:
            text = "Aucune attestation à envoyer : notez d'abord les présences (déjà envoyées une seule fois)."
        messages.success(request, text)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("events:manage_session", args=[session.pk])
    return redirect(target)


# Satisfaction survey --------------------------------------------------------------------------------------------


@login_not_required
def survey(request, token):
    registration = surveys.registration_from(token)
    if registration is None or not (registration.status == R.CONFIRMED and registration.attended):
        raise Http404
    event = registration.session.event
    answered = SurveyAnswer.objects.filter(registration=registration).exists()
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not answered and form.is_valid():
        try:
            surveys.answer_survey(registration, **form.cleaned_data)
        except ValidationError:
            pass
        answered = True
        form = None
    return render(
        request,
        "events/attendance/survey.html",
        {"form": form, "answered": answered, "event": event, "session": registration.session},
    )


def survey_results(request, pk):
    session = get_object_or_404(
        Session.objects.filter(event__in=Event.objects.managed_by(request.user)).select_related("event", "place"),
        pk=pk,
    )
    return render(
        request,
        "events/attendance/survey_results.html",
        {
            "session": session,
            "event": session.event,
            "results": surveys.results_for(session),
            "breadcrumbs": [
                ("Gestion des événements", reverse("events:manage_list")),
                (session.event.title, reverse("events:manage_event", args=[session.event.pk])),
                (str(session), reverse("events:manage_session", args=[session.pk])),
            ],
        },
    )


# Figures --------------------------------------------------------------------------------------------------------


def _figures_data(request):
    if not figures.can_read_figures(request.user):
        raise PermissionDenied
    form = FiguresFilterForm(request.GET or None)
    grouping, filters = form.values()
    registrations = figures.filtered(figures.registrations_for(request.user), **filters)
    return form, grouping, registrations


def figures_page(request):
    form, grouping, registrations = _figures_data(request)
    page = paginate(request, figures.table(registrations, grouping), per_page=50)
    rows = [
        {
            "label": figures.row_label(row, grouping),
            "pool": figures.pool_label(row) if grouping == "seance" else "",
            "session_id": row.get("g_session_id"),
            "values": row,
            "rate": figures.rate(row),
        }
        for row in page.object_list
    ]
    total = figures.totals(registrations)
    query = request.GET.urlencode()
    return render(
        request,
        "events/attendance/figures.html",
        {
            "form": form,
            "grouping": grouping,
            "grouping_label": figures.GROUPINGS[grouping].label,
            "page": page,
            "rows": rows,
            "total": total,
            "total_rate": figures.rate(total),
            "links": figures.sees_names(request.user),
            "csv_url": reverse("events:figures_csv") + (f"?{query}" if query else ""),
            "xlsx_url": reverse("events:figures_xlsx") + (f"?{query}" if query else ""),
        },
    )


def figures_csv(request):
    _form, grouping, registrations = _figures_data(request)
    response = HttpResponse("\ufeff" + figures.to_csv(registrations, grouping), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="chiffres-evenements-{grouping}.csv"'
    return response


def figures_xlsx(request):
    _form, _grouping, registrations = _figures_data(request)
    response = HttpResponse(
        figures.to_xlsx(registrations),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="chiffres-evenements.xlsx"'
    return response
