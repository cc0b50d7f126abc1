"""Attendance: who checks people in, the check-in itself (a list ticked by the host, or the registration's QR code
scanned), and the attendance certificates of trainings.

Rules:
- A pool of seats (the session itself, or one relay site) is checked in by its host — the relay site's host for a
  relay site — or by the event's organisers (`permissions.can_manage_event`). A relay-site host sees only the list
  of their own site.
- Only confirmed registrations are checked in; checking someone in twice changes nothing (idempotent).
- The ticked list is the whole truth for the pool: ticked → present (arrival time kept if already known),
  not ticked → absent. One history row per registration whose attendance changes.
- Certificates: for trainings only, one per registration marked present, sent once (`certificate_sent_at`,
  claimed with a conditional UPDATE) by e-mail through the task queue, after commit.
"""

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from accounts.models import Role
from core import history
from events import permissions
from events.models import Event, Registration, RelaySite, Session

R = Registration.Status
HOSTING_ROLES = {Role.MEDIATOR, Role.ORG_ADMIN, Role.PRESCRIBER}


# Who may do what -----------------------------------------------------------------------------------------------


def can_check_in(user, session, relay_site=None):
    """The organisers of the event (`can_manage_event`) check in every pool of its sessions; the host of a relay
    site checks in that site's registrants only."""
    if not user.is_authenticated:
        return False
    if permissions.can_manage_event(user, session.event):
        return True
    return relay_site is not None and relay_site.host_id == user.pk


def may_host_sessions(user):
    """Who may be named host of a relay site (mediators, prescribers, organisation admins) and the organisers:
    they see « Accueil des séances » in the menu (the page lists only what they really host)."""
    if not user.is_authenticated:
        return False
    return permissions.can_manage_events(user) or any(m.role in HOSTING_ROLES for m in user.cached_memberships)


def can_issue_certificates(user, event):
    """The organisers of a training (`can_manage_event`)."""
    return event.kind == Event.Kind.TRAINING and permissions.can_manage_event(user, event)


def sessions_to_check_in(user):
    """The sessions whose registrants `user` may check in: those of the events they manage, and those with a relay
    site they host."""
    if not user.is_authenticated:
        return Session.objects.none()
    return Session.objects.filter(
        Q(event__in=Event.objects.managed_by(user))
        | Q(relay_sites__host=user, relay_sites__status=RelaySite.Status.ACTIVE)
    ).distinct()


def pool_or_404(user, session_pk, relay_site_pk=None):
    """(session, relay_site) for the check-in pages: a session `user` has nothing to check in answers 404, and so
    does a relay site of another host; the session's own pool (no relay site) asks for an organiser (403)."""
    session = get_object_or_404(
        Session.objects.filter(pk__in=sessions_to_check_in(user).values("pk")).select_related(
            "event__organizer", "place"
        ),
        pk=session_pk,
    )
    relay_site = None
    if relay_site_pk is not None:
        relay_site = get_object_or_404(
            RelaySite.objects.active().select_related("place", "host"), pk=relay_site_pk, session=session
        )
    if not can_check_in(user, session, relay_site):
        if relay_site is not None:
            raise Http404
        raise PermissionDenied
    return session, relay_site


def pool_registrations(session, relay_site):
    """The registrations of a pool, confirmed first (then waiting, then cancelled), by name."""
    return (
        Registration.objects.in_pool(session, relay_site)
        .select_related("person", "checked_in_by")
        .order_by("status", "last_name", "first_name", "pk")
    )


# The QR code ---------------------------------------------------------------------------------------------------

CHECK_IN_SALT = "events.check_in"


def check_in_token(registration):
    """The value in the registration's QR code: its number and random key, signed with a salt of its own (the code
    checks in, it does not give the cancellation link)."""
    return signing.dumps({"r": registration.pk, "k": registration.cancel_token}, salt=CHECK_IN_SALT, compress=True)


def check_in_path(registration):
    return reverse("events:check_in_scan", args=[check_in_token(registration)])


def registration_from_check_in_token(token):
    """The registration the QR code designates, or None (forged or altered)."""
    try:
        value = signing.loads(token, salt=CHECK_IN_SALT)
        registration = (
            Registration.objects.select_related("session__event", "session__place", "relay_site__place", "person")
            .filter(pk=int(value["r"]))
            .first()
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if registration is None or not constant_time_compare(registration.cancel_token, str(value.get("k", ""))):
        return None
    return registration


# Check-in ------------------------------------------------------------------------------------------------------


def _refuse(message, code):
    raise ValidationError(message, code=code)


@transaction.atomic
def check_in(registration, *, acting_user, now=None):
    """Mark `registration` present on arrival (the QR code). Idempotent: a second scan changes nothing. Returns
    True when it was recorded now, False when it already was."""
    now = now or timezone.now()
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("session__event", "relay_site")
        .get(pk=registration.pk)
    )
    if not can_check_in(acting_user, registration.session, registration.relay_site):
        raise PermissionDenied
    if registration.status != R.CONFIRMED:
        _refuse(
            f"Cette inscription est « {registration.get_status_display().lower()} » : on ne pointe que les "
            "inscriptions confirmées.",
            "not_confirmed",
        )
    if registration.session.status == Session.Status.CANCELLED:
        _refuse("Cette séance est annulée.", "cancelled")
    if registration.checked_in_at is not None:
        return False
    registration.attended = True
    registration.checked_in_at = now
    registration.checked_in_by = acting_user
    registration.save(update_fields=["attended", "checked_in_at", "checked_in_by"])
    history.record(registration, "event_registration_checked_in", acting_user=acting_user)
    return True


@transaction.atomic
def record_attendance(session, *, acting_user, present_ids, relay_site=None, now=None):
    """The host's ticked list for one pool: the confirmed registrations in `present_ids` are present, the others
    absent. Returns the number of registrations whose attendance changed."""
    now = now or timezone.now()
    if not can_check_in(acting_user, session, relay_site):
        raise PermissionDenied
    if session.status == Session.Status.CANCELLED:
        _refuse("Cette séance est annulée : il n'y a pas de présence à noter.", "cancelled")
    present_ids = {int(pk) for pk in present_ids}
    registrations = list(
        Registration.objects.select_for_update().in_pool(session, relay_site).confirmed().order_by("pk")
    )
    unknown = present_ids - {r.pk for r in registrations}
    if unknown:
        _refuse("Une des personnes cochées n'est pas inscrite (confirmée) à cette séance.", "unknown")
    changed = 0
    for registration in registrations:
        present = registration.pk in present_ids
        if registration.attended is present:
            continue
        registration.attended = present
        if present:
            registration.checked_in_at = registration.checked_in_at or now
            registration.checked_in_by = registration.checked_in_by or acting_user
        else:
            registration.checked_in_at = None
            registration.checked_in_by = None
        registration.save(update_fields=["attended", "checked_in_at", "checked_in_by"])
        history.record(
            registration,
            "event_registration_checked_in" if present else "event_registration_absent",
            acting_user=acting_user,
        )
        changed += 1
    return changed


# Certificates ----------------------------------------------------------------------------------------------------


def certificates_due(session):
    """The present registrations of a training session whose certificate has not been sent."""
    return (
        Registration.objects.filter(session=session, status=R.CONFIRMED, attended=True, certificate_sent_at=None)
        .select_related("session__event__organizer", "session__place", "relay_site__place", "person", "registered_by")
        .order_by("pk")
    )


@transaction.atomic
def send_certificates(session, *, acting_user, now=None):
    """Send (once) the attendance certificate of every present registrant of a training session that has started,
    by e-mail with the PDF attached, after commit. Returns (sent, without_address)."""
    from events import emails_attendance

    now = now or timezone.now()
    session = Session.objects.select_related("event").get(pk=session.pk)
    if acting_user is not None and not can_issue_certificates(acting_user, session.event):
        raise PermissionDenied
    if session.event.kind != Event.Kind.TRAINING:
        _refuse("Les attestations de présence sont pour les formations.", "not_training")
    if session.starts_at > now:
        _refuse("La séance n'a pas encore eu lieu : notez d'abord les présences.", "not_yet")
    sent, without_address = 0, 0
    for registration in certificates_due(session):
        if not emails_attendance.certificate_recipient(registration):
            without_address += 1
            continue
        claimed = Registration.objects.filter(pk=registration.pk, certificate_sent_at=None).update(
            certificate_sent_at=now
        )
        if not claimed:
            continue
        history.record(registration, "event_certificate_sent", acting_user=acting_user)
        emails_attendance.send_certificate(registration)
        sent += 1
    return sent, without_address
