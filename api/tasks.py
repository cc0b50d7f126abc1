"""Background work of the API app. Tasks take plain JSON values only (the database queue stores them)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task

from api import reports, services
from api.models import PartnerReport
from dashboards.exports import XLSX_TYPE


@task
def send_partner_report(*, report_id):
    """Build the quarterly XLSX of one partner organisation (in the worker: the figures are computed when sent),
    e-mail it as an attachment, then mark the report sent. Queued by `send_partner_reports`.

    Only a report still queued is sent, under a row lock: a duplicate task waits, then sends nothing. When sending
    fails the report is marked failed (error, attempts) and the next run of the command queues it again; the error
    is raised again so the task queue records it too."""
    try:
        with transaction.atomic():
            report = (
                PartnerReport.objects.select_for_update()
                .filter(pk=report_id, status=PartnerReport.Status.QUEUED)
                .first()
            )
            if report is None:
                return
            organization = report.organization
            subject, body = reports.email_text(organization, report.quarter)
            message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, report.recipients)
            content = reports.build_report(organization, report.quarter)
            message.attach(reports.file_name(organization, report.quarter), content, XLSX_TYPE)
            message.send(fail_silently=False)
            services.mark_partner_report_sent(report)
    except Exception as error:
        services.mark_partner_report_failed(report_id=report_id, error=error)
        raise
