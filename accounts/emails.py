"""E-mails of accounts: each builder renders a plain-text template and queues the message once the current
transaction commits (nothing is sent for a change that was rolled back)."""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.tasks import send_plain_email


def absolute_url(path):
    return f"{settings.PLATFORM_URL}{path}"


def send_after_commit(*, subject, body, recipient_list):
    """Queue a plain-text e-mail when the surrounding transaction commits."""
    recipients = sorted({address for address in recipient_list if address})
    if not recipients:
        return
    subject = " ".join(subject.split())

    def enqueue():
        send_plain_email.enqueue(subject=subject, body=body, recipient_list=recipients)

    transaction.on_commit(enqueue)


def _render(template, context):
    context = {
        "platform_name": settings.PLATFORM_NAME,
        "platform_url": settings.PLATFORM_URL,
        "platform_contact_email": settings.PLATFORM_CONTACT_EMAIL,
        **context,
    }
    return render_to_string(f"accounts/emails/{template}", context)


def send_invitation_email(invitation, token):
    """The single-use link, to the invited address."""
    body = _render(
        "invitation.txt",
        {
            "invitation": invitation,
            "accept_url": absolute_url(reverse("accounts:invitation_accept", args=[token])),
            "validity_days": settings.INVITATION_VALIDITY_DAYS,
        },
    )
    send_after_commit(
        subject=f"Invitation à rejoindre {invitation.organization} sur {settings.PLATFORM_NAME}",
        body=body,
        recipient_list=[invitation.email],
    )


def send_invitation_renewal_request_email(invitation, recipients):
    """Tell the inviter and the organisation's admins that the invited person asks for a new link."""
    body = _render(
        "invitation_renewal_request.txt",
        {"invitation": invitation, "invitation_list_url": absolute_url(reverse("accounts:invitation_list"))},
    )
    send_after_commit(
        subject=f"Nouvelle invitation demandée par {invitation.email}",
        body=body,
        recipient_list=recipients,
    )


def send_lockout_email(user):
    """Tell the account holder that their account is locked for a while after repeated failures."""
    body = _render(
        "lockout.txt",
        {
            "user": user,
            "minutes": settings.LOGIN_LOCKOUT_MINUTES,
            "password_reset_url": absolute_url(reverse("accounts:password_reset")),
        },
    )
    send_after_commit(
        subject=f"Connexion bloquée temporairement sur {settings.PLATFORM_NAME}",
        body=body,
        recipient_list=[user.email],
    )
