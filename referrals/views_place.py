"""The place's side: the inboxes of the places a user works for, the answer pages (examine, accept, decline, set
the appointment, close with the outcome, transfer) and the public page of the signed answer link.

Rules: a referral is read through `Referral.objects.visible_to(user)` (outside it: 404), then the side is checked
(`acts_for_place`, `can_transfer`: 403); every write is one service call, whose refusal (a transition outside
`ReferralWorkflow`) is shown on the page in French, nothing changed. The answer link shows no personal data
before the place accepts; an unusable link answers 410 « Ce lien n'est plus valable » and shows nothing of the
referral."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Min, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.pagination import paginate
from places.models import Place
from referrals import links, services
from referrals.forms_place import (
    ALL,
    OPEN,
    AcceptForm,
    AppointmentForm,
    CloseForm,
    DeclineForm,
    InboxFilterForm,
    TransferForm,
)
from referrals.models import COOP_THEMES, Referral
from referrals.permissions import PLACE_SIDE_ROLES, acts_for_place, can_see_some_inbox, can_transfer
from referrals.ranking import rank_places
from referrals.services import ReferralWorkflow

S = Referral.Status
WAITING_STATUSES = [S.SENT, S.UNDER_REVIEW]
TRANSFER_CHOICES = 10


# Inboxes -----------------------------------------------------------------------------------------------------


def _place_side_places(user):
    """The places run by the organisations where `user` is a mediator or an organisation admin."""
    organization_ids = {m.organization_id for m in user.cached_memberships if m.role in PLACE_SIDE_ROLES}
    return Place.objects.filter(organization_id__in=organization_ids)


def _status_count(status):
    return Count("referrals", filter=Q(referrals__status=status))


def place_inboxes(request):
    """Every place of the user's organisations with its open counts, in one aggregated query; the published ones,
    and any other that still holds open referrals. With a single place, straight to its inbox."""
    if not can_see_some_inbox(request.user):
        raise PermissionDenied
    places = list(
        _place_side_places(request.user)
        .annotate(
            sent_count=_status_count(S.SENT),
            review_count=_status_count(S.UNDER_REVIEW),
            accepted_count=_status_count(S.ACCEPTED),
            in_progress_count=_status_count(S.IN_PROGRESS),
            oldest_waiting=Min("referrals__sent_at", filter=Q(referrals__status__in=WAITING_STATUSES)),
        )
        .filter(
            Q(status=Place.Status.PUBLISHED)
            | Q(sent_count__gt=0)
            | Q(review_count__gt=0)
            | Q(accepted_count__gt=0)
            | Q(in_progress_count__gt=0)
        )
        .order_by("name", "pk")
    )
    if len(places) == 1:
        return redirect("referrals:inbox", place_pk=places[0].pk)
    return render(request, "referrals/place/inboxes.html", {"places": places})


def _short_name(person):
    """« Camille M. »: enough to recognise the person in a list."""
    if person.is_anonymized:
        return "Personne anonymisée"
    initial = f"{person.last_name[:1]}." if person.last_name else ""
    return " ".join(part for part in (person.first_name, initial) if part) or f"Personne n° {person.pk}"


def place_inbox(request, place_pk):
    """A place's referrals, filtered by status (default: the open ones, oldest first; a final status: newest
    first) and urgency, with the counts per status (one aggregate query). 404 unless the user works for the
    place's organisation."""
    place = get_object_or_404(_place_side_places(request.user), pk=place_pk)
    form = InboxFilterForm(request.GET or None)
    status, urgency = form.filters()
    counts = dict(
        Referral.objects.filter(target_place=place).order_by().values_list("status").annotate(total=Count("pk"))
    )
    referrals = Referral.objects.visible_to(request.user)
    if status == OPEN:
        referrals = referrals.inbox(place)
    else:
        referrals = referrals.filter(target_place=place).order_by("-sent_at", "-pk")
        if status != ALL:
            referrals = referrals.filter(status=status)
    if urgency:
        referrals = referrals.filter(urgency=urgency)
    page = paginate(request, referrals.select_related("person", "person__commune"), per_page=25)
    today = timezone.localdate()
    for referral in page.object_list:
        referral.short_name = _short_name(referral.person)
        referral.days = (today - timezone.localdate(referral.sent_at)).days
        referral.is_waiting = referral.status in WAITING_STATUSES
    return render(
        request,
        "referrals/place/inbox.html",
        {
            "place": place,
            "form": form,
            "page": page,
            "counts": [(value, label, counts.get(value, 0)) for value, label in S.choices],
            "open_count": sum(counts.get(value, 0) for value in Referral.OPEN_STATUSES),
            "status": status,
            "breadcrumbs": [("Orientations reçues", reverse("referrals:place_inboxes"))],
        },
    )


# Answer pages ------------------------------------------------------------------------------------------------


def _referral(request, pk, predicate=acts_for_place):
    referral = get_object_or_404(
        Referral.objects.visible_to(request.user).select_related(
            "person", "person__commune", "target_place", "prescriber", "prescriber_organization"
        ),
        pk=pk,
    )
    if not predicate(request.user, referral):
        raise PermissionDenied
    return referral


def _refusal(referral, target):
    """The French message of ReferralWorkflow when `referral` cannot go to `target`, else ""."""
    try:
        ReferralWorkflow.action(referral.status, target)
    except ValidationError as error:
        return error.messages[0]
    return ""


def _action_page(request, referral, form, *, target, perform, success, page):
    """GET: the summary and the form (or why the answer is no longer possible). POST: one service call, then the
    referral's page with `success`; a refusal from the service is shown on the form, nothing changed."""
    if request.method == "POST" and form.is_valid():
        try:
            perform(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, success)
            return redirect("referrals:detail", pk=referral.pk)
    refusal = _refusal(referral, target) if target else ""
    return render(
        request,
        "referrals/place/action.html",
        {
            "referral": referral,
            "form": form,
            "refusal": refusal,
            "breadcrumbs": _breadcrumbs(referral),
            **page,
        },
    )


def _breadcrumbs(referral):
    links_ = [("Orientations reçues", reverse("referrals:place_inboxes"))]
    if referral.target_place_id:
        links_.append((referral.target_place.name, reverse("referrals:inbox", args=[referral.target_place_id])))
    links_.append((str(referral), reverse("referrals:detail", args=[referral.pk])))
    return links_


@require_POST
def referral_review(request, pk):
    """« Je prends connaissance »: the referral goes « en cours d'examen » (POST only)."""
    referral = _referral(request, pk)
    try:
        services.start_review(referral, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Vous examinez cette orientation. Acceptez-la ou refusez-la dès que possible.")
    return redirect("referrals:detail", pk=referral.pk)


def referral_accept(request, pk):
    referral = _referral(request, pk)
    return _action_page(
        request,
        referral,
        AcceptForm(request.POST or None),
        target=S.ACCEPTED,
        perform=lambda data: services.accept_referral(referral, acting_user=request.user, note=data["note"]),
        success="L'orientation est acceptée : le prescripteur est prévenu. Fixez le premier rendez-vous.",
        page={
            "title": "Accepter l'orientation",
            "intro": "Le prescripteur sera prévenu. Vous pourrez ensuite fixer le premier rendez-vous.",
            "submit_label": "Accepter l'orientation",
        },
    )


def referral_decline(request, pk):
    referral = _referral(request, pk)
    return _action_page(
        request,
        referral,
        DeclineForm(request.POST or None),
        target=S.DECLINED,
        perform=lambda data: services.decline_referral(
            referral, acting_user=request.user, reason=data["reason"], details=data["details"]
        ),
        success="L'orientation est refusée : le prescripteur est prévenu, avec votre motif.",
        page={
            "title": "Refuser l'orientation",
            "intro": "Le prescripteur lira votre motif pour orienter la personne ailleurs. "
            "Si un autre lieu convient mieux, vous pouvez aussi transférer l'orientation.",
            "submit_label": "Refuser l'orientation",
            "danger": True,
        },
    )


def referral_appointment(request, pk):
    """Sets the first appointment of an accepted referral, or moves the one of an accompaniment in progress."""
    referral = _referral(request, pk)
    initial = {}
    if referral.appointment_at:
        local = timezone.localtime(referral.appointment_at)
        initial = {"date": local.date(), "time": local.time().replace(second=0, microsecond=0)}
    moving = referral.status == S.IN_PROGRESS
    return _action_page(
        request,
        referral,
        AppointmentForm(request.POST or None, initial=initial),
        target=None if moving else S.IN_PROGRESS,
        perform=lambda data: services.set_appointment(
            referral, acting_user=request.user, appointment_at=data["appointment_at"]
        ),
        success="Le rendez-vous est enregistré : le prescripteur est prévenu.",
        page={
            "title": "Déplacer le rendez-vous" if moving else "Fixer le premier rendez-vous",
            "intro": "Convenez du rendez-vous avec la personne, puis notez-le ici : le prescripteur sera prévenu "
            "et pourra imprimer la fiche à remettre à la personne.",
            "submit_label": "Enregistrer le rendez-vous",
        },
    )


def referral_close(request, pk):
    """Closes the accompaniment with its outcome (La Coop's themes and autonomy levels)."""
    referral = _referral(request, pk)
    themes = dict(COOP_THEMES)
    form = CloseForm(
        request.POST or None, initial={"themes_covered": [need for need in referral.needs if need in themes]}
    )
    return _action_page(
        request,
        referral,
        form,
        target=S.CLOSED,
        perform=lambda data: services.close_referral(referral, acting_user=request.user, **data),
        success="L'accompagnement est terminé : le prescripteur reçoit le résultat.",
        page={
            "title": "Terminer l'accompagnement",
            "intro": "Le résultat est transmis au prescripteur et compte dans les chiffres du réseau.",
            "submit_label": "Terminer l'accompagnement",
        },
    )


def _transfer_choices(referral):
    """rank_places() for the referral's needs around the person's commune (else the current place), without the
    current place."""
    person, place = referral.person, referral.target_place
    # rank_places only reads `.point`: the current place stands in when the person's commune is unknown.
    origin = next((item for item in (person.commune, place) if item is not None and item.point is not None), None)
    ranked = rank_places(
        needs=referral.needs,
        commune=origin,
        specific_needs=person.specific_needs,
        days=referral.availability,
        limit=TRANSFER_CHOICES + 1,
    )
    return [row for row in ranked if row[0].pk != referral.target_place_id][:TRANSFER_CHOICES]


def referral_transfer(request, pk):
    """Transfers to another published place, chosen among the nearest places offering the needs."""
    referral = _referral(request, pk, predicate=can_transfer)
    ranked = _transfer_choices(referral) if referral.target_place_id else []
    form = TransferForm(request.POST or None, ranked=ranked)

    def perform(data):
        new = services.transfer_referral(referral, acting_user=request.user, to_place=data["place"], note=data["note"])
        messages.info(request, f"« {new.target_place.name} » reçoit l'orientation et en est prévenu.")

    return _action_page(
        request,
        referral,
        form,
        target=S.TRANSFERRED,
        perform=perform,
        success="L'orientation est transférée. Le prescripteur est prévenu.",
        page={
            "title": "Transférer à un autre lieu",
            "intro": "Les lieux publiés les plus proches qui proposent les services demandés, les mieux adaptés "
            "d'abord. L'orientation passe « transférée » ici, et le nouveau lieu la reçoit.",
            "submit_label": "Transférer l'orientation",
            "no_choice": not ranked,
        },
    )


# The signed answer link (public) -----------------------------------------------------------------------------


def _link_invalid(request, token):
    return render(request, "referrals/place/link_invalid.html", {"used": links.was_used(token)}, status=410)


@login_not_required
@never_cache
def answer_link(request, token):
    """GET shows what the place needs to decide, without personal data (mail scanners follow links: a GET only
    writes the access log). POST answers once: accept shows the person's contact, decline thanks."""
    action = request.POST.get("action") if request.method == "POST" else None
    accept_form = AcceptForm(request.POST if action == links.ACCEPT else None, prefix="accept")
    decline_form = DeclineForm(request.POST if action == links.DECLINE else None, prefix="decline")
    link = links.resolve(token)
    if link is None:
        return _link_invalid(request, token)
    form = {links.ACCEPT: accept_form, links.DECLINE: decline_form}.get(action)
    if form is not None and form.is_valid():
        try:
            referral = links.answer(token, action, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if referral is None:
                return _link_invalid(request, token)
            referral = Referral.objects.select_related(
                "person", "target_place", "prescriber", "prescriber_organization"
            ).get(pk=referral.pk)
            return render(
                request, "referrals/place/answer_done.html", {"referral": referral, "accepted": action == links.ACCEPT}
            )
    elif request.method == "GET":
        links.note_link_opened(link)
    referral = Referral.objects.select_related("person__commune", "target_place").get(pk=link.referral_id)
    return render(
        request,
        "referrals/place/answer_link.html",
        {"referral": referral, "accept_form": accept_form, "decline_form": decline_form},
    )
