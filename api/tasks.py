"""Background work of the API app. Tasks take plain JSON values only (the database queue stores them)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task

from accounts.models import Organization
from api import reports
from dashboards.exports import XLSX_TYPE


@task
def send_partner_report(*, organization_id, quarter, recipient_list):
    """Build the quarterly XLSX of one partner organisation (in the worker: the figures are computed when sent)
    and e-mail it as an attachment. Queued by `send_partner_reports`, which has already recorded the sending."""
    organization = Organization.objects.get(pk=organization_id)
    subject, body = reports.email_text(organization, quarter)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipient_list)
    message.attach(reports.file_name(organization, quarter), reports.build_report(organization, quarter), XLSX_TYPE)
    message.send(fail_silently=False)
