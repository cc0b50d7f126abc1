"""Background work of accounts. Tasks take plain JSON values only (the database queue stores them)."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task

from core import sms


@task
def send_plain_email(*, subject, body, recipient_list):
    """Send one plain-text e-mail. Queued by `accounts.emails.send_after_commit`, run by the worker."""
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipient_list, fail_silently=False)


@task
def send_sms(*, to, text):
    """Send one SMS through `core.sms` (SMS_BACKEND). Queued by `accounts.notify.notify_user`, run by the worker."""
    sms.send_sms(to, text)
