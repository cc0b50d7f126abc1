"""Every write on referrals. Each service is atomic, locks the referral (`select_for_update`), checks the actor's side
(`referrals.permissions`: PermissionDenied) and the transition against `ReferralWorkflow` (anything else:
ValidationError, nothing changed), then writes a `ReferralTransition` row, a `core.history` row, touches the
person's `last_activity_at`, involves the place's organisation with the person once it has accepted (not before:
a place that declines never sees the record) and notifies after commit.

Transfer creates a follow-up referral: the original becomes « transférée » (final, kept in the first place's
history) and a new referral, `transferred_from` the original, is sent to the other place — each place sees only its
own referral and its answer times stay meaningful."""

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.history import record
from core.workflow import Workflow
from people.models import Involvement
from people.services import involve_organization
from places.models import Place
from referrals import notifications
from referrals.models import Referral, ReferralComment, ReferralTransition
from referrals.permissions import (
    acts_for_place,
    acts_for_prescriber,
    can_comment,
    can_dispatch,
    can_expire,
    can_send_referral,
    can_transfer,
)

S = Referral.Status


class ReferralWorkflow(Workflow):
    """The allowed status changes of a referral: (from, to) → history action. Anything else is refused.
    The place may accept straight from « envoyée » (opening it first, « en cours d'examen », is optional)."""

    STATUS = Referral.Status
    SUBJECT = "Une orientation"
    TRANSITIONS = {
        (S.SENT, S.UNDER_REVIEW): "referral_review_started",
        (S.SENT, S.ACCEPTED): "referral_accepted",
        (S.UNDER_REVIEW, S.ACCEPTED): "referral_accepted",
        (S.ACCEPTED, S.IN_PROGRESS): "referral_started",
        (S.IN_PROGRESS, S.CLOSED): "referral_closed",
        (S.SENT, S.DECLINED): "referral_declined",
        (S.UNDER_REVIEW, S.DECLINED): "referral_declined",
        (S.SENT, S.EXPIRED): "referral_expired",
        (S.UNDER_REVIEW, S.EXPIRED): "referral_expired",
        (S.SENT, S.CANCELLED): "referral_cancelled",
        (S.UNDER_REVIEW, S.CANCELLED): "referral_cancelled",
        (S.ACCEPTED, S.CANCELLED): "referral_cancelled",
        (S.SENT, S.TRANSFERRED): "referral_transferred",
        (S.UNDER_REVIEW, S.TRANSFERRED): "referral_transferred",
        (S.ACCEPTED, S.TRANSFERRED): "referral_transferred",
    }


def _lock(referral):
    return (
        Referral.objects.select_for_update(of=("self",)).select_related("target_place", "person").get(pk=referral.pk)
    )


def _notify_after_commit(referral, event):
    # robust: a failing notification is logged; it never turns the committed change into an error page.
    transaction.on_commit(partial(notifications.notify, referral, event), robust=True)


# Once the place has accepted, its organisation follows the person (and sees the record); not before.
PLACE_INVOLVED_STATUSES = {S.ACCEPTED, S.IN_PROGRESS, S.CLOSED}


def _involve(referral, acting_user, now):
    person = referral.person
    person.last_activity_at = now
    person.save(update_fields=["last_activity_at"])
    place = referral.target_place
    if place is not None and place.organization_id and referral.status in PLACE_INVOLVED_STATUSES:
        involve_organization(
            person, organization=place.organization, acting_user=acting_user, reason=Involvement.Reason.REFERRAL
        )


def _log(referral, before, *, action, acting_user, now, note="", changes=None):
    ReferralTransition.objects.create(
        referral=referral, from_status=before, to_status=referral.status, actor=acting_user, at=now, note=note
    )
    record(
        referral,
        action,
        acting_user=acting_user,
        changes={"status": [before, referral.status], **(changes or {})},
        message=note,
    )
    _involve(referral, acting_user, now)


def _move(referral, target, *, acting_user, allowed, event, note="", **fields):
    """Lock, check the side then the table (the wrong side learns nothing of the status), apply `fields`, log,
    notify. Returns the fresh referral."""
    referral = _lock(referral)
    if not allowed(referral):
        raise PermissionDenied
    action = ReferralWorkflow.action(referral.status, target)
    now = timezone.now()
    before = referral.status
    referral.status = target
    for name, value in fields.items():
        setattr(referral, name, value(now) if callable(value) else value)
    referral.full_clean()
    referral.save(update_fields=["status", *fields, "modified_at"])
    _log(
        referral,
        before,
        action=action,
        acting_user=acting_user,
        now=now,
        note=note,
        changes={name: str(getattr(referral, name)) for name in fields},
    )
    if event:
        _notify_after_commit(referral, event)
    return referral


def _now(now):
    return now


@transaction.atomic
def send_referral(
    *,
    acting_user,
    person,
    prescriber_organization,
    needs,
    target_place=None,
    urgency=Referral.Urgency.NORMAL,
    free_text="",
    contact_preference=Referral.ContactPreference.PHONE,
    availability=(),
):
    """Send `person` to `target_place` (a published place) or « au réseau » (`target_place=None`). The prescriber
    acts for their organisation, which must see the person."""
    from people.models import Person

    if not can_send_referral(acting_user, prescriber_organization):
        raise PermissionDenied
    if not Person.objects.visible_to(acting_user).filter(pk=person.pk).exists():
        raise PermissionDenied
    if not needs:
        raise ValidationError("Indiquez au moins un besoin.", code="needs")
    if target_place is not None and target_place.status != Place.Status.PUBLISHED:
        raise ValidationError("Ce lieu n'est pas publié dans l'annuaire.", code="place")
    now = timezone.now()
    referral = Referral(
        person=person,
        prescriber=acting_user,
        prescriber_organization=prescriber_organization,
        target_place=target_place,
        needs=list(needs),
        urgency=urgency,
        free_text=free_text,
        contact_preference=contact_preference,
        availability=list(availability),
        status=S.SENT,
        created_at=now,
        sent_at=now,
    )
    referral.full_clean()
    referral.save()
    involve_organization(
        person, organization=prescriber_organization, acting_user=acting_user, reason=Involvement.Reason.REFERRAL
    )
    _log(
        referral,
        "",
        action="referral_sent",
        acting_user=acting_user,
        now=now,
        changes={"lieu": target_place.name if target_place else "au réseau", "besoins": referral.needs},
    )
    _notify_after_commit(referral, "sent" if target_place is not None else "to_network")
    return referral


@transaction.atomic
def receive_callback_request(*, person, needs, availability=(), free_text="", contact_preference=None):
    """The public « être rappelé » form: a referral « au réseau » with no prescriber (channel « demande de rappel »),
    for the coordination to dispatch like any other. The coordination is told after commit."""
    if contact_preference is None:
        contact_preference = Referral.ContactPreference.PHONE
    now = timezone.now()
    referral = Referral(
        person=person,
        channel=Referral.Channel.CALLBACK,
        needs=list(needs),
        free_text=free_text,
        contact_preference=contact_preference,
        availability=list(availability),
        status=S.SENT,
        created_at=now,
        sent_at=now,
    )
    referral.full_clean()
    referral.save()
    _log(referral, "", action="referral_sent", acting_user=None, now=now, changes={"origine": "demande de rappel"})
    _notify_after_commit(referral, "to_network")
    return referral


@transaction.atomic
def start_review(referral, *, acting_user):
    """The place opens the referral (« en cours d'examen »)."""
    return _move(
        referral, S.UNDER_REVIEW, acting_user=acting_user, allowed=partial(acts_for_place, acting_user), event=None
    )


def _place_side(acting_user, via_link):
    """Who answers for the place: a logged-in member of its organisation, or — `via_link`, a locked and usable
    `ReferralLink` (see `referrals.links.answer`) with `acting_user=None` — whoever holds the link e-mailed to the
    place, for that referral and that place only."""
    if via_link is None:
        return partial(acts_for_place, acting_user)
    if acting_user is not None:
        raise ValueError("Une réponse par lien n'a pas d'utilisateur connecté (acting_user=None).")
    return lambda referral: via_link.referral_id == referral.pk and via_link.place_id == referral.target_place_id


def _link_note(via_link, note):
    """The transition's note names the address the link was sent to (the actor is « Système »)."""
    if via_link is None:
        return note
    prefix = f"Réponse par le lien envoyé à {via_link.sent_to}."
    return f"{prefix}\n{note}" if note else prefix


@transaction.atomic
def accept_referral(referral, *, acting_user, note="", via_link=None):
    """The place accepts the referral (`via_link`: answered from the e-mailed link, see `_place_side`)."""
    return _move(
        referral,
        S.ACCEPTED,
        acting_user=acting_user,
        allowed=_place_side(acting_user, via_link),
        event="accepted",
        note=_link_note(via_link, note),
        answered_at=_now,
    )


@transaction.atomic
def decline_referral(referral, *, acting_user, reason, details="", via_link=None):
    """The place declines the referral, with a reason from the list (and text, required for « autre raison »);
    `via_link`: answered from the e-mailed link, see `_place_side`."""
    if reason not in Referral.DeclineReason.values:
        raise ValidationError("Choisissez un motif de refus dans la liste.", code="reason")
    if reason == Referral.DeclineReason.OTHER and not details.strip():
        raise ValidationError("Précisez la raison du refus.", code="details")
    return _move(
        referral,
        S.DECLINED,
        acting_user=acting_user,
        allowed=_place_side(acting_user, via_link),
        event="declined",
        note=_link_note(via_link, details),
        answered_at=_now,
        decline_reason=reason,
        decline_details=details,
    )


@transaction.atomic
def set_appointment(referral, *, acting_user, appointment_at):
    """The place sets the first appointment: an accepted referral becomes « accompagnement en cours »; on one in
    progress the appointment is simply moved (history row, no status change)."""
    locked = _lock(referral)
    if locked.status == S.IN_PROGRESS:
        if not acts_for_place(acting_user, locked):
            raise PermissionDenied
        before = locked.appointment_at
        locked.appointment_at = appointment_at
        locked.save(update_fields=["appointment_at", "modified_at"])
        record(
            locked,
            "referral_appointment_changed",
            acting_user=acting_user,
            changes={"appointment_at": [str(before), str(appointment_at)]},
        )
        _involve(locked, acting_user, timezone.now())
        _notify_after_commit(locked, "started")
        return locked
    return _move(
        locked,
        S.IN_PROGRESS,
        acting_user=acting_user,
        allowed=partial(acts_for_place, acting_user),
        event="started",
        appointment_at=appointment_at,
    )


@transaction.atomic
def close_referral(referral, *, acting_user, sessions_count, themes_covered=(), autonomy="", further_orientation=""):
    """The place closes the accompaniment with its outcome; the prescriber is told."""
    if sessions_count is None or sessions_count < 1:
        raise ValidationError("Indiquez le nombre de séances (au moins une).", code="sessions")
    return _move(
        referral,
        S.CLOSED,
        acting_user=acting_user,
        allowed=partial(acts_for_place, acting_user),
        event="closed",
        closed_at=_now,
        sessions_count=sessions_count,
        themes_covered=list(themes_covered),
        autonomy=autonomy,
        further_orientation=further_orientation,
    )


@transaction.atomic
def cancel_referral(referral, *, acting_user, reason=""):
    """The prescriber's side cancels a referral not yet in progress."""
    return _move(
        referral,
        S.CANCELLED,
        acting_user=acting_user,
        allowed=partial(acts_for_prescriber, acting_user),
        event="cancelled",
        note=reason,
        closed_at=_now,
    )


@transaction.atomic
def expire_referral(referral, *, acting_user=None):
    """No answer in time: the timer (`acting_user=None`) or a coordinator expires a sent or reviewed referral."""
    return _move(
        referral,
        S.EXPIRED,
        acting_user=acting_user,
        allowed=lambda _referral: can_expire(acting_user),
        event="expired",
        closed_at=_now,
    )


@transaction.atomic
def transfer_referral(referral, *, acting_user, to_place, note=""):
    """Transfer to another published place: the referral becomes « transférée » and a follow-up referral, with the
    same request, is sent to `to_place`. Returns the new referral."""
    if to_place.status != Place.Status.PUBLISHED:
        raise ValidationError("Ce lieu n'est pas publié dans l'annuaire.", code="place")
    if referral.target_place_id == to_place.pk:
        raise ValidationError("Choisissez un autre lieu que le lieu actuel.", code="same_place")
    old = _move(
        referral,
        S.TRANSFERRED,
        acting_user=acting_user,
        allowed=partial(can_transfer, acting_user),
        event="transferred",
        note=note or f"Transférée à « {to_place.name} ».",
        closed_at=_now,
    )
    now = timezone.now()
    new = Referral.objects.create(
        person=old.person,
        prescriber=old.prescriber,
        prescriber_organization=old.prescriber_organization,
        target_place=to_place,
        needs=old.needs,
        urgency=old.urgency,
        free_text=old.free_text,
        contact_preference=old.contact_preference,
        availability=old.availability,
        status=S.SENT,
        created_at=now,
        sent_at=now,
        transferred_from=old,
    )
    _log(
        new,
        "",
        action="referral_sent",
        acting_user=acting_user,
        now=now,
        note=f"Suite du transfert de l'{old}.",
        changes={"lieu": to_place.name, "transferee_depuis": old.pk},
    )
    _notify_after_commit(new, "sent")
    return new


@transaction.atomic
def dispatch_referral(referral, *, acting_user, place):
    """The coordination gives a referral sent « au réseau » to a published place (it stays « envoyée »)."""
    if not can_dispatch(acting_user):
        raise PermissionDenied
    referral = _lock(referral)
    if referral.target_place_id is not None or referral.status != S.SENT:
        raise ValidationError("Seule une orientation « au réseau » encore en attente peut être attribuée.")
    if place.status != Place.Status.PUBLISHED:
        raise ValidationError("Ce lieu n'est pas publié dans l'annuaire.", code="place")
    now = timezone.now()
    referral.target_place = place
    referral.save(update_fields=["target_place", "modified_at"])
    _log(
        referral,
        S.SENT,
        action="referral_dispatched",
        acting_user=acting_user,
        now=now,
        note=f"Attribuée à « {place.name} ».",
        changes={"lieu": place.name},
    )
    _notify_after_commit(referral, "dispatched")
    return referral


@transaction.atomic
def add_comment(referral, *, acting_user, body):
    """A message in the thread; the other side is told."""
    if not can_comment(acting_user, referral):
        raise PermissionDenied
    body = body.strip()
    if not body:
        raise ValidationError("Le message est vide.", code="empty")
    if acts_for_place(acting_user, referral):
        side, event = ReferralComment.Side.PLACE, "comment_to_prescriber"
    elif acts_for_prescriber(acting_user, referral):
        side, event = ReferralComment.Side.PRESCRIBER, "comment_to_place"
    else:
        side, event = ReferralComment.Side.COORDINATION, "comment_to_prescriber"
    comment = ReferralComment.objects.create(referral=referral, author=acting_user, side=side, body=body)
    record(referral, "referral_commented", acting_user=acting_user)
    _notify_after_commit(referral, event)
    return comment
