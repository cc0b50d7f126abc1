"""Background work of events. Tasks take plain JSON values only (the database queue stores them)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task


@task
def send_email_with_calendar(*, subject, body, recipient_list, calendar):
    """One plain-text e-mail with the session's iCalendar file attached (« evenement.ics »)."""
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipient_list)
    message.attach("evenement.ics", calendar, "text/calendar")
    message.send(fail_silently=False)
