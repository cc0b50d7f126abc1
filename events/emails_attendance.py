"""E-mails after a session: the attendance certificate (PDF attached, made by the worker) and the link to the
satisfaction survey. Plain text, queued once the transaction commits; same recipient rule as `events.emails`
(the person's own address, else the professional who registered them, without naming the person)."""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.emails import absolute_url, send_after_commit
from events import emails
from events.tasks_attendance import send_certificate_email


def certificate_recipient(registration):
    return emails.recipient(registration)[0]


def _context(registration, on_behalf):
    session = registration.session
    return {
        "registration": registration,
        "session": session,
        "event": session.event,
        "when": emails.when_label(session),
        "on_behalf": on_behalf,
        "platform_name": settings.PLATFORM_NAME,
    }


def send_certificate(registration):
    address, on_behalf = emails.recipient(registration)
    if not address:
        return False
    body = render_to_string(
        "events/emails/certificate.txt", {**_context(registration, on_behalf), "kind": "certificate"}
    )
    subject = f"Votre attestation de présence : {registration.session.event.title}"
    registration_id = registration.pk
    transaction.on_commit(
        lambda: send_certificate_email.enqueue(
            registration_id=registration_id, subject=subject, body=body, recipient_list=[address]
        )
    )
    return True


def send_survey(registration, token):
    address, on_behalf = emails.recipient(registration)
    if not address:
        return False
    context = {
        **_context(registration, on_behalf),
        "survey_url": absolute_url(reverse("events:survey", args=[token])),
    }
    body = render_to_string("events/emails/survey.txt", context)
    send_after_commit(
        subject=f"Votre avis sur « {registration.session.event.title} » (2 minutes)",
        body=body,
        recipient_list=[address],
    )
    return True
