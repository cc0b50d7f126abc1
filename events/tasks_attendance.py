"""Background work of attendance. Tasks take plain JSON values only (the database queue stores them)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task


@task
def send_certificate_email(*, registration_id, subject, body, recipient_list):
    """One plain-text e-mail with the attendance certificate attached, the PDF being made by the worker."""
    from events import documents
    from events.models import Registration

    registration = (
        Registration.objects.select_related("session__event__organizer", "session__event__series", "session__place")
        .select_related("relay_site__place", "person")
        .get(pk=registration_id)
    )
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipient_list)
    message.attach(
        documents.certificate_filename(registration), documents.certificate_pdf(registration), "application/pdf"
    )
    message.send(fail_silently=False)
