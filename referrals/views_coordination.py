"""The coordination's pages: every referral of the département (unanswered first), each place's response times,
and the dispatch of referrals sent « au réseau ». Only coordinators and administrators
(`permissions.can_see_all_referrals`): anyone else gets 403. The list shows a person by first name and initial."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from core.pagination import paginate
from referrals import reporting, services
from referrals.forms_coordination import CoordinationFilterForm, DispatchForm, PeriodForm, PlaceSearchForm
from referrals.models import Referral
from referrals.permissions import can_dispatch, can_see_all_referrals
from referrals.ranking import rank_places

LIST_FIELDS = [
    "pk",
    "status",
    "urgency",
    "sent_at",
    "needs",
    "person",
    "target_place",
    "prescriber_organization",
    "channel",
    "target_place__name",
    "target_place__commune_name",
    "person__first_name",
    "person__last_name",
    "person__anonymized_at",
    "prescriber_organization__name",
]


def _require_coordination(user):
    if not can_see_all_referrals(user):
        raise PermissionDenied


def short_name(person):
    """« Fatima B. »: enough for the list, no more."""
    if person.anonymized_at:
        return "Personne anonymisée"
    initial = f" {person.last_name.strip()[:1].upper()}." if person.last_name.strip() else ""
    return f"{person.first_name}{initial}".strip() or f"Personne n° {person.pk}"


def _breadcrumbs(*extra):
    return [("Toutes les orientations", reverse("referrals:coordination")), *extra]


def all_referrals(request):
    _require_coordination(request.user)
    form = CoordinationFilterForm(request.GET or None)
    referrals = Referral.objects.visible_to(request.user)
    counts = reporting.summary(referrals)
    listed = referrals.select_related("person", "target_place", "prescriber_organization").only(*LIST_FIELDS)
    if form.is_bound and form.is_valid():
        listed = form.filter(listed)
    page = paginate(request, listed.unanswered_first(), per_page=30)
    overdue_limit = reporting.overdue_limit()
    for referral in page.object_list:
        referral.person_label = short_name(referral.person)
        referral.is_overdue = referral.is_waiting and referral.sent_at < overdue_limit
    return render(
        request,
        "referrals/coordination/list.html",
        {
            "form": form,
            "page": page,
            "counts": counts,
            "reminder_days": reporting.reminder_days(),
            "filtered": any(request.GET.get(name) for name in form.fields),
        },
    )


def response_times(request):
    _require_coordination(request.user)
    form = PeriodForm(request.GET or None)
    months = form.months()
    since = reporting.period_start(months)
    rows = reporting.response_times(since=since)
    if request.GET.get("format") == "csv":
        return _response_times_csv(rows, months)
    return render(
        request,
        "referrals/coordination/response_times.html",
        {
            "form": form,
            "page": paginate(request, rows, per_page=30),
            "since": since,
            "reminder_days": reporting.reminder_days(),
            "csv_query": f"period={months}&format=csv",
            "breadcrumbs": _breadcrumbs(),
        },
    )


def _response_times_csv(rows, months):
    """Semicolon-separated, UTF-8 with a byte order mark and decimal commas: it opens as is in French spreadsheets."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="delais-de-reponse-{months}-mois-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(reporting.CSV_HEADER)
    for entry in rows:
        writer.writerow(reporting.csv_row(entry))
    return response


def referral_dispatch(request, pk):
    if not can_dispatch(request.user):
        raise PermissionDenied
    referral = get_object_or_404(
        Referral.objects.visible_to(request.user).select_related(
            "person__commune", "prescriber", "prescriber_organization", "target_place"
        ),
        pk=pk,
    )
    context = {"referral": referral, "breadcrumbs": _breadcrumbs(), "person_label": short_name(referral.person)}
    if referral.target_place_id is not None or referral.status != Referral.Status.SENT:
        if request.method == "POST":
            messages.error(request, "Cette orientation n'est pas à attribuer : rien n'a été modifié.")
        return render(request, "referrals/coordination/dispatch_closed.html", context)
    form = DispatchForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        place = form.cleaned_data["place"]
        try:
            services.dispatch_referral(referral, acting_user=request.user, place=place)
        except ValidationError as error:
            form.add_error("place", error)
        else:
            messages.success(request, f"L'orientation est attribuée à « {place.name} », qui en est informé.")
            return redirect("referrals:detail", pk=referral.pk)
    person = referral.person
    search = PlaceSearchForm(request.GET or None)
    ranked = rank_places(
        needs=referral.needs,
        commune=person.commune,
        specific_needs=person.specific_needs,
        days=referral.availability,
    )
    candidates = [(place, reasons) for place, _score, reasons in ranked]
    ranked_ids = {place.pk for place, _reasons in candidates}
    found = [place for place in search.results() if place.pk not in ranked_ids]
    context |= {
        "form": form,
        "search": search,
        "candidates": candidates,
        "found": found,
        "selected": str(form["place"].value() or ""),
    }
    return render(request, "referrals/coordination/dispatch.html", context)
