"""E-mails (and reminder SMS) to registrants: plain text, queued once the transaction commits. A registration made
on someone's behalf goes to the person's own address when they may be contacted directly, otherwise to the
professional who registered them; the message never names the person to a third party."""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.emails import absolute_url, send_after_commit
from accounts.tasks import send_sms
from core.sms import normalize_phone
from events import icalendar, links
from events.tasks import send_email_with_calendar

SUBJECTS = {
    "confirmed": "Inscription confirmée : {title}",
    "waitlisted": "Vous êtes sur la liste d'attente : {title}",
    "promoted": "Une place s'est libérée : votre inscription est confirmée ({title})",
    "moved": "Vous êtes sur la liste d'attente : {title}",
    "session_cancelled": "Séance annulée : {title}",
    "relay_site_removed": "Lieu relais retiré, inscription annulée : {title}, {when}",
    "session_changed": "Séance modifiée : {title}, {when}",
    "reminder": "Rappel : {title}, {when}",
}


def recipient(registration):
    """(address, on_behalf): the registrant's address, or the registering professional's."""
    address = registration.contact_email
    if address:
        return address, False
    if registration.registered_by_id and registration.registered_by.email:
        return registration.registered_by.email, True
    return "", False


def when_label(session):
    local = timezone.localtime(session.starts_at)
    return local.strftime("%d/%m/%Y à %Hh%M")


def context_for(registration, kind):
    session = registration.session
    token = links.token_for(registration)
    return {
        "kind": kind,
        "registration": registration,
        "session": session,
        "event": session.event,
        "when": when_label(session),
        "where": icalendar.location_of(session, registration.relay_site),
        "event_url": absolute_url(session.event.get_absolute_url()),
        "cancel_url": absolute_url(reverse("events:cancel", args=[token])),
        "registration_url": absolute_url(reverse("events:registration", args=[token])),
        "calendar_url": absolute_url(reverse("events:registration_ics", args=[token])),
        "platform_name": settings.PLATFORM_NAME,
    }


def _send(registration, kind, *, with_calendar=False):
    address, on_behalf = recipient(registration)
    if not address:
        return False
    context = {**context_for(registration, kind), "on_behalf": on_behalf}
    subject = SUBJECTS[kind].format(title=registration.session.event.title, when=context["when"])
    body = render_to_string("events/emails/registration.txt", context)
    if with_calendar:
        calendar = icalendar.calendar_for(
            [registration.session],
            title=registration.session.event.title,
            relay_sites={registration.session_id: registration.relay_site},
        )
        subject = " ".join(subject.split())
        transaction.on_commit(
            lambda: send_email_with_calendar.enqueue(
                subject=subject, body=body, recipient_list=[address], calendar=calendar
            )
        )
    else:
        send_after_commit(subject=subject, body=body, recipient_list=[address])
    return True


def send_registration_received(registration):
    kind = "confirmed" if registration.status == registration.Status.CONFIRMED else "waitlisted"
    return _send(registration, kind, with_calendar=kind == "confirmed")


def send_promoted(registration):
    return _send(registration, "promoted", with_calendar=True)


def send_moved_to_waitlist(registration):
    return _send(registration, "moved")


def send_session_changed(registration):
    return _send(registration, "session_changed", with_calendar=True)


def send_session_cancelled(registration):
    return _send(registration, "session_cancelled")


def send_relay_site_removed(registration):
    """The e-mail (to the registrant, else to whoever registered them) and, when the registrant gave a mobile number,
    an SMS. Returns what was sent."""
    sent = ["e-mail"] if _send(registration, "relay_site_removed") else []
    mobile = normalize_phone(registration.contact_phone)
    if mobile:
        session = registration.session
        text = (
            f"{registration.relay_site.place.name[:60]} ne diffuse plus « {session.event.title[:60]} » "
            f"le {when_label(session)} : inscription annulée. Autres lieux : "
            f"{absolute_url(session.event.get_absolute_url())}"
        )
        transaction.on_commit(lambda: send_sms.enqueue(to=mobile, text=text))
        sent.append("SMS")
    return sent


def send_reminder(registration):
    """The reminder e-mail and, when the registrant gave a mobile number, an SMS. Returns what was sent."""
    sent = []
    if _send(registration, "reminder"):
        sent.append("e-mail")
    mobile = normalize_phone(registration.contact_phone)
    if mobile:
        session = registration.session
        text = (
            f"Rappel : {session.event.title[:60]}, le {when_label(session)}, "
            f"{icalendar.location_of(session, registration.relay_site)[:80]}. "
            f"Empêché ? Annulez : {context_for(registration, 'reminder')['cancel_url']}"
        )
        transaction.on_commit(lambda: send_sms.enqueue(to=mobile, text=text))
        sent.append("SMS")
    return sent
