"""Every write on events, sessions, relay sites and registrations.

Rules:
- Seats are counted under a lock on the session row (`select_for_update`): every registration, cancellation,
  promotion and capacity change of a session (and of its relay sites) is serialised, so the confirmed
  registrations of a pool (the session itself, or one relay site) never outnumber its places.
- A registration is confirmed while its pool has a free seat, otherwise put on the waiting list; when a confirmed
  registration is cancelled, the first one waiting in the same pool is confirmed in the same transaction.
- Registering twice (same person or same e-mail), for a session that has started, is cancelled, or whose event is
  not published: a French `ValidationError`, nothing changed.
- Lowering a capacity below the confirmed registrations is refused, unless the caller explicitly asks to move the
  latest confirmed registrations to the front of the waiting list.
- A relay site removed before its session cancels its active registrations (each registrant told); it is deleted
  when no registration ever named it, otherwise withdrawn.
- A registration's status only moves along `RegistrationWorkflow.TRANSITIONS`.
- One history row per change; e-mails after commit.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import history
from events import emails
from events.models import Event, Registration, RelaySite, Series, Session

R = Registration.Status


class RegistrationWorkflow:
    """The allowed moves of a registration's status."""

    TRANSITIONS = {
        (R.WAITLISTED, R.CONFIRMED): "promotion (une place s'est libérée)",
        (R.CONFIRMED, R.CANCELLED): "annulation",
        (R.WAITLISTED, R.CANCELLED): "annulation",
        (R.CONFIRMED, R.WAITLISTED): "retour en liste d'attente (places réduites)",
    }

    @classmethod
    def check(cls, registration, target):
        if (registration.status, target) not in cls.TRANSITIONS:
            raise ValidationError(
                f"Cette inscription est « {registration.get_status_display().lower()} » : elle ne peut pas passer "
                f"à « {R(target).label.lower()} ».",
                code="transition",
            )


# Series, events, sessions, relay sites ------------------------------------------------------------------------


@transaction.atomic
def create_series(*, acting_user, name, description=""):
    series = Series.objects.create(name=name, description=description)
    history.record(series, "event_series_created", acting_user=acting_user)
    return series


EVENT_FIELDS = ["kind", "title", "description", "audience", "organizer", "series", "materials_url", "replay_url"]


@transaction.atomic
def create_event(*, acting_user, **fields):
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"Champs inconnus : {', '.join(sorted(unknown))}")
    event = Event.objects.create(created_by=acting_user, **fields)
    history.record(event, "event_created", acting_user=acting_user)
    return event


@transaction.atomic
def update_event(event, *, acting_user, **fields):
    event = Event.objects.select_for_update().get(pk=event.pk)
    before = history.snapshot(event, EVENT_FIELDS)
    for name, value in fields.items():
        if name not in EVENT_FIELDS:
            raise TypeError(f"Champ inconnu : {name}")
        setattr(event, name, value)
    event.full_clean()
    event.save(update_fields=list(fields))
    changes = history.diff(before, history.snapshot(event, EVENT_FIELDS))
    if changes:
        history.record(event, "event_updated", acting_user=acting_user, changes=changes)
    return event


@transaction.atomic
def publish_event(event, *, acting_user):
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != Event.Status.DRAFT:
        raise ValidationError("Seul un brouillon peut être publié.", code="not_draft")
    if not event.sessions.filter(status=Session.Status.SCHEDULED).exists():
        raise ValidationError("Ajoutez au moins une séance avant de publier l'événement.", code="no_session")
    event.status = Event.Status.PUBLISHED
    event.published_at = timezone.now()
    event.save(update_fields=["status", "published_at"])
    history.record(event, "event_published", acting_user=acting_user)
    return event


@transaction.atomic
def cancel_event(event, *, acting_user):
    """Cancel the event and its sessions still to come; their registrants are told by e-mail."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == Event.Status.CANCELLED:
        raise ValidationError("Cet événement est déjà annulé.", code="already_cancelled")
    event.status = Event.Status.CANCELLED
    event.save(update_fields=["status"])
    history.record(event, "event_cancelled", acting_user=acting_user)
    for session in event.sessions.upcoming().filter(status=Session.Status.SCHEDULED):
        _cancel_session_locked(Session.objects.select_for_update().get(pk=session.pk), acting_user=acting_user)
    return event


SESSION_FIELDS = ["title", "starts_at", "duration_minutes", "place", "online_url", "capacity", "speakers"]


@transaction.atomic
def create_session(event, *, acting_user, **fields):
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"Champs inconnus : {', '.join(sorted(unknown))}")
    if event.status == Event.Status.CANCELLED:
        raise ValidationError("Cet événement est annulé : on ne peut plus y ajouter de séance.", code="cancelled")
    session = Session(event=event, **fields)
    session.full_clean()
    session.save()
    history.record(session, "event_session_created", acting_user=acting_user)
    return session


NOTIFIED_SESSION_FIELDS = {"starts_at", "duration_minutes", "place", "online_url"}


@transaction.atomic
def update_session(session, *, acting_user, **fields):
    """Change a session's details (not its places: `change_capacity`). When the date, duration, place or link
    changes, the registrants get an e-mail with the new calendar file, and a new date re-arms the reminders."""
    unknown = set(fields) - (set(SESSION_FIELDS) - {"capacity"})
    if unknown:
        raise TypeError(f"Champs inconnus : {', '.join(sorted(unknown))}")
    session = _lock_session(session)
    if session.status == Session.Status.CANCELLED:
        _refuse("Cette séance est annulée : on ne peut plus la modifier.", "cancelled")
    before = history.snapshot(session, list(fields))
    for name, value in fields.items():
        setattr(session, name, value)
    session.full_clean()
    changes = history.diff(before, history.snapshot(session, list(fields)))
    if not changes:
        return session
    session.save(update_fields=list(changes))
    history.record(session, "event_session_updated", acting_user=acting_user, changes=changes)
    if "starts_at" in changes:
        session.registrations.update(reminder_2d_sent_at=None, reminder_2h_sent_at=None)
    if NOTIFIED_SESSION_FIELDS & set(changes):
        session.place  # noqa: B018 — loaded once here, shared by every registration below
        registrations = session.registrations.active().select_related("person", "registered_by", "relay_site__place")
        for registration in registrations:
            registration.session = session  # the updated session, its event and place already loaded
            emails.send_session_changed(registration)
    return session


@transaction.atomic
def cancel_session(session, *, acting_user):
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status == Session.Status.CANCELLED:
        raise ValidationError("Cette séance est déjà annulée.", code="already_cancelled")
    _cancel_session_locked(session, acting_user=acting_user)
    return session


def _cancel_session_locked(session, *, acting_user):
    session.status = Session.Status.CANCELLED
    session.save(update_fields=["status"])
    history.record(session, "event_session_cancelled", acting_user=acting_user)
    registrations = session.registrations.active().select_related(
        "person", "registered_by", "relay_site__place", "session__event", "session__place"
    )
    for registration in registrations:
        emails.send_session_cancelled(registration)


def _check_host(host, place):
    if host is not None and not host.memberships.filter(organization_id=place.organization_id).exists():
        raise ValidationError("Cette personne ne travaille pas dans la structure qui tient ce lieu.", code="host")


@transaction.atomic
def add_relay_site(session, *, acting_user, place, capacity, host=None):
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.relay_sites.active().filter(place=place).exists():
        raise ValidationError("Ce lieu relaie déjà cette séance.", code="duplicate")
    _check_host(host, place)
    relay_site = RelaySite(session=session, place=place, capacity=capacity, host=host)
    relay_site.full_clean()
    relay_site.save()
    history.record(relay_site, "event_relay_site_added", acting_user=acting_user, changes={"capacity": capacity})
    return relay_site


def _lock_relay_site(relay_site):
    """(session, relay_site), the session row locked; a withdrawn relay site is refused."""
    session = _lock_session(relay_site.session)
    relay_site = RelaySite.objects.select_related("place", "host").get(pk=relay_site.pk, session=session)
    if relay_site.status == RelaySite.Status.WITHDRAWN:
        _refuse("Ce lieu relais a été retiré de la séance.", "withdrawn")
    return session, relay_site


@transaction.atomic
def change_relay_site_host(relay_site, *, acting_user, host):
    """Name `host` (or nobody) to welcome people at `relay_site`: someone working in the organisation that runs the
    place. Its places change through `change_capacity`."""
    _session, relay_site = _lock_relay_site(relay_site)
    _check_host(host, relay_site.place)
    before = history.snapshot(relay_site, ["host"])
    relay_site.host = host
    changes = history.diff(before, history.snapshot(relay_site, ["host"]))
    if changes:
        relay_site.save(update_fields=["host"])
        history.record(relay_site, "event_relay_site_host_changed", acting_user=acting_user, changes=changes)
    return relay_site


@transaction.atomic
def remove_relay_site(relay_site, *, acting_user, now=None):
    """Take `relay_site` off its session, before the session starts. Its registrations still active (confirmed or
    waiting) are cancelled and each registrant is told; the site is deleted when no registration ever named it,
    otherwise withdrawn (rows kept for the history and the figures). Returns the cancelled registrations."""
    now = now or timezone.now()
    session, relay_site = _lock_relay_site(relay_site)
    if session.status == Session.Status.CANCELLED:
        _refuse("Cette séance est annulée : ses lieux relais ne changent plus.", "cancelled")
    if session.starts_at <= now:
        _refuse("Cette séance a déjà commencé ou est passée : on ne peut plus retirer ses lieux relais.", "past")
    cancelled = list(
        Registration.objects.in_pool(session, relay_site)
        .active()
        .select_related("person", "registered_by", "session__event", "session__place")
        .order_by("queued_at", "pk")
    )
    for registration in cancelled:
        RegistrationWorkflow.check(registration, R.CANCELLED)
        registration.status = R.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        history.record(registration, "event_registration_cancelled_relay_site_removed", acting_user=acting_user)
        registration.relay_site = relay_site
        emails.send_relay_site_removed(registration)
    if relay_site.registrations.exists():
        relay_site.status = RelaySite.Status.WITHDRAWN
        relay_site.save(update_fields=["status"])
        action = "event_relay_site_withdrawn"
    else:
        action = "event_relay_site_removed"
    history.record(relay_site, action, acting_user=acting_user, changes={"cancelled_registrations": len(cancelled)})
    if action == "event_relay_site_removed":
        relay_site.delete()
    return cancelled


# Seats --------------------------------------------------------------------------------------------------------


def _pool_capacity(session, relay_site):
    return relay_site.capacity if relay_site is not None else session.capacity


def _confirmed_in_pool(session, relay_site):
    return Registration.objects.in_pool(session, relay_site).confirmed().count()


def _lock_session(session):
    return Session.objects.select_for_update().select_related("event").get(pk=session.pk)


def _refuse(message, code):
    raise ValidationError(message, code=code)


@transaction.atomic
def register(
    session,
    *,
    acting_user=None,
    person=None,
    relay_site=None,
    first_name="",
    last_name="",
    email="",
    phone="",
    now=None,
):
    """Register `person` (on their behalf, by `acting_user`) or a public registrant (first name with an e-mail or a
    phone) for `session`, at `relay_site` for a relayed webinar. Confirmed while the pool has a free seat,
    otherwise on the waiting list."""
    now = now or timezone.now()
    session = _lock_session(session)
    if relay_site is not None:
        relay_site = RelaySite.objects.get(pk=relay_site.pk)
        if relay_site.session_id != session.pk or relay_site.status != RelaySite.Status.ACTIVE:
            _refuse("Ce lieu relais ne diffuse pas cette séance.", "relay_site")
    if session.event.status != Event.Status.PUBLISHED:
        _refuse("Cet événement n'est pas ouvert aux inscriptions.", "not_published")
    if session.status == Session.Status.CANCELLED:
        _refuse("Cette séance est annulée : on ne peut plus s'y inscrire.", "cancelled")
    if session.starts_at <= now:
        _refuse("Cette séance a déjà commencé ou est passée : on ne peut plus s'y inscrire.", "past")
    email = (email or "").strip().lower()
    if person is None and not (first_name and (email or phone)):
        _refuse("Indiquez un prénom et une adresse e-mail ou un numéro de téléphone.", "identity")
    existing = session.registrations.active()
    if person is not None and existing.filter(person=person).exists():
        _refuse("Cette personne est déjà inscrite à cette séance.", "duplicate")
    if email and existing.filter(email=email).exists():
        _refuse("Cette adresse e-mail est déjà inscrite à cette séance.", "duplicate")
    has_seat = _confirmed_in_pool(session, relay_site) < _pool_capacity(session, relay_site)
    registration = Registration(
        session=session,
        relay_site=relay_site,
        person=person,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email,
        phone=phone,
        registered_by=acting_user if acting_user is not None and acting_user.is_authenticated else None,
        status=R.CONFIRMED if has_seat else R.WAITLISTED,
        created_at=now,
        queued_at=now,
        confirmed_at=now if has_seat else None,
    )
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        _refuse("Cette personne est déjà inscrite à cette séance.", "duplicate")
    history.record(
        registration,
        "event_registration_confirmed" if has_seat else "event_registration_waitlisted",
        acting_user=acting_user,
    )
    emails.send_registration_received(registration)
    return registration


@transaction.atomic
def cancel_registration(registration, *, acting_user=None, now=None):
    """Cancel `registration`; a freed seat goes to the first one waiting in the same pool. Returns the promoted
    registration, or None."""
    now = now or timezone.now()
    session = _lock_session(registration.session)
    registration = Registration.objects.select_related("relay_site").get(pk=registration.pk)
    RegistrationWorkflow.check(registration, R.CANCELLED)
    was_confirmed = registration.status == R.CONFIRMED
    registration.status = R.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at"])
    history.record(registration, "event_registration_cancelled", acting_user=acting_user)
    if not was_confirmed:
        return None
    promoted = _promote(session, registration.relay_site, acting_user=acting_user, now=now)
    return promoted[0] if promoted else None


def _promote(session, relay_site, *, acting_user, now):
    """Confirm the first waiting registrations of the pool while it has free seats (the session row is locked)."""
    free = _pool_capacity(session, relay_site) - _confirmed_in_pool(session, relay_site)
    if free <= 0:
        return []
    promoted = list(Registration.objects.in_pool(session, relay_site).waitlisted().waiting_order()[:free])
    for waiting in promoted:
        RegistrationWorkflow.check(waiting, R.CONFIRMED)
        waiting.status = R.CONFIRMED
        waiting.confirmed_at = now
        waiting.save(update_fields=["status", "confirmed_at"])
        history.record(waiting, "event_registration_promoted", acting_user=acting_user)
        emails.send_promoted(waiting)
    return promoted


@transaction.atomic
def change_capacity(session, *, acting_user, capacity, relay_site=None, move_excess_to_waitlist=False, now=None):
    """Set the places of `session` (or of its `relay_site`). Raising them promotes people waiting; lowering them
    below the confirmed registrations is refused unless `move_excess_to_waitlist`, which puts the latest confirmed
    registrations back at the head of the waiting list (they are told by e-mail). Returns (promoted, moved)."""
    now = now or timezone.now()
    session = _lock_session(session)
    if capacity is None or capacity < 0:
        _refuse("Le nombre de places ne peut pas être négatif.", "negative")
    if relay_site is not None:
        relay_site = RelaySite.objects.active().get(pk=relay_site.pk, session=session)
        target = relay_site
    else:
        target = session
    old = target.capacity
    confirmed = list(Registration.objects.in_pool(session, relay_site).confirmed().order_by("confirmed_at", "pk"))
    excess = len(confirmed) - capacity
    if excess > 0 and not move_excess_to_waitlist:
        _refuse(
            f"{len(confirmed)} inscriptions sont confirmées : on ne peut pas réduire à {capacity} places sans "
            f"mettre {excess} personne{'s' if excess > 1 else ''} en liste d'attente. Cochez la case pour le faire, "
            "ou choisissez au moins " + str(len(confirmed)) + " places.",
            "below_confirmed",
        )
    target.capacity = capacity
    target.save(update_fields=["capacity"])
    history.record(target, "event_capacity_changed", acting_user=acting_user, changes={"capacity": [old, capacity]})
    moved = []
    if excess > 0:
        # They go back first in line: their rank (queued_at) is moved before everyone waiting.
        head = Registration.objects.in_pool(session, relay_site).waitlisted().waiting_order().first()
        first_waiting_at = head.queued_at if head else now
        for offset, registration in enumerate(reversed(confirmed[-excess:])):
            RegistrationWorkflow.check(registration, R.WAITLISTED)
            registration.status = R.WAITLISTED
            registration.confirmed_at = None
            registration.queued_at = first_waiting_at - timedelta(microseconds=offset + 1)
            registration.save(update_fields=["status", "confirmed_at", "queued_at"])
            history.record(registration, "event_registration_waitlisted_by_capacity", acting_user=acting_user)
            emails.send_moved_to_waitlist(registration)
            moved.append(registration)
    promoted = _promote(session, relay_site, acting_user=acting_user, now=now) if excess < 0 else []
    return promoted, moved
