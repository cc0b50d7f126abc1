"""Background work of accounts. Tasks take plain JSON values only (the database queue stores them)."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.tasks import task

from core import sms


@task
def send_plain_email(*, subject, body, recipient_list):
    """Send a plain-text e-mail to each address of `recipient_list`, one message each: no recipient ever sees the
    others' addresses (they often belong to other organisations). Queued by `accounts.emails.send_after_commit`."""
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipient_list]
    send_mass_mail(messages, fail_silently=False)


@task
def send_sms(*, to, text):
    """Send one SMS through `core.sms` (SMS_BACKEND). Queued by `accounts.notify.notify_user`, run by the worker."""
    sms.send_sms(to, text)
