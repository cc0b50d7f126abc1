"""send_partner_reports: one XLSX per partner organisation and quarter, masked, e-mailed through the task queue; a
dry run changes nothing, a report is marked sent only once its e-mail has left, a failed sending is sent again by
the next run, and nothing is ever sent twice."""

import datetime as dt
import io
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook

from api import reports
from api.models import PartnerReport
from api.tasks import send_partner_report
from dashboards import registry
from tests.accounts.factories import OrganizationFactory

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def provider():
    scopes = []

    def figures(scope):
        scopes.append(scope)
        return registry.Section(
            key="essai",
            title="Essai",
            figures=[registry.Figure("people", "Personnes", 3), registry.Figure("visits", "Visites", 42)],
            tables=[
                registry.Table("communes", "Par commune", ["Commune", "Personnes"], [["Agen", 2], ["Nérac", 9]], (1,))
            ],
        )

    registry.register("essai", "Essai", figures, order=999)
    yield scopes
    registry._providers.pop("essai", None)


@pytest.fixture
def partner(user_with_role):
    organization = OrganizationFactory(name="Centre social du Pin", is_partner=True, email="contact@pin.example.org")
    user_with_role("partner_viewer", organization=organization, email="lecture@pin.example.org")
    user_with_role("mediator", organization=organization, email="mediateur@pin.example.org")
    return organization


def run(*args):
    output = io.StringIO()
    call_command("send_partner_reports", *args, stdout=output)
    return output.getvalue()


def test_dry_run_changes_nothing(partner, provider):
    OrganizationFactory(is_partner=False, email="autre@example.org")

    output = run("--quarter", "2026-Q3")

    assert "Centre social du Pin : contact@pin.example.org, lecture@pin.example.org" in output
    assert "1 rapport(s) seraient envoyés" in output
    assert not PartnerReport.objects.exists()
    assert mail.outbox == []


def test_wet_run_sends_one_masked_xlsx_per_partner_then_nothing(partner, provider, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = run("--wet-run", "--quarter", "2026-Q3")

    assert "1 rapport(s) mis en file d'envoi" in first
    [message] = mail.outbox
    assert sorted(message.to) == ["contact@pin.example.org", "lecture@pin.example.org"]
    assert "2026-Q3" in message.subject
    [(filename, content, mimetype)] = message.attachments
    assert filename == "rapport-2026-Q3-centre-social-du-pin.xlsx"
    assert mimetype == XLSX
    workbook = load_workbook(io.BytesIO(content))
    summary = [list(row) for row in workbook["Synthèse"].iter_rows(values_only=True)]
    assert ["Essai", "Personnes", "moins de 5"] in summary
    assert ["Essai", "Visites", 42] in summary
    table = [list(row) for row in workbook["Essai - Par commune"].iter_rows(values_only=True)]
    assert table == [["Commune", "Personnes"], ["Agen", "moins de 5"], ["Nérac", 9]]
    scope = provider[-1]
    assert (scope.start, scope.end, scope.organization) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30), partner)
    report = PartnerReport.objects.get()
    assert (report.quarter, report.status, report.attempts) == ("2026-Q3", PartnerReport.Status.SENT, 1)
    assert report.sent_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        second = run("--wet-run", "--quarter", "2026-Q3")

    assert "0 rapport(s) mis en file d'envoi" in second
    assert len(mail.outbox) == 1


def test_a_report_is_sent_only_once_its_email_has_left(partner, provider, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        run("--wet-run", "--quarter", "2026-Q3")

    report = PartnerReport.objects.get()
    assert (report.status, report.sent_at, report.attempts) == (PartnerReport.Status.QUEUED, None, 0)
    assert mail.outbox == []

    [enqueue] = callbacks
    enqueue()

    report.refresh_from_db()
    assert report.status == PartnerReport.Status.SENT and report.sent_at is not None
    assert len(mail.outbox) == 1


class RefusingBackend(BaseEmailBackend):
    """The SMTP server is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("421 Service non disponible")


def test_a_failed_sending_stays_unsent_and_the_next_run_sends_it_once(
    partner, provider, settings, django_capture_on_commit_callbacks
):
    locmem = settings.MAILERS
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        first = run("--wet-run", "--quarter", "2026-Q3")

    assert "1 rapport(s) mis en file d'envoi" in first
    report = PartnerReport.objects.get()
    assert (report.status, report.sent_at, report.attempts) == (PartnerReport.Status.FAILED, None, 1)
    assert report.last_error == "SMTPException : 421 Service non disponible"
    assert mail.outbox == []

    settings.MAILERS = locmem
    with django_capture_on_commit_callbacks(execute=True):
        second = run("--wet-run", "--quarter", "2026-Q3")
        third = run("--wet-run", "--quarter", "2026-Q3")

    assert "1 rapport(s) mis en file d'envoi" in second and "0 rapport(s)" in third
    assert len(mail.outbox) == 1
    report.refresh_from_db()
    assert (report.status, report.attempts, report.last_error) == (PartnerReport.Status.SENT, 2, "")


def test_a_duplicate_task_sends_nothing(partner, provider, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run("--wet-run", "--quarter", "2026-Q3")
    report = PartnerReport.objects.get()

    send_partner_report.enqueue(report_id=report.pk)

    assert len(mail.outbox) == 1
    report.refresh_from_db()
    assert report.attempts == 1


def test_a_report_lost_by_the_queue_is_queued_again(partner, provider, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():  # the task is never run
        run("--wet-run", "--quarter", "2026-Q3")
    with django_capture_on_commit_callbacks(execute=True):
        assert "0 rapport(s) mis en file d'envoi" in run("--wet-run", "--quarter", "2026-Q3")  # queued just now
    PartnerReport.objects.update(queued_at=timezone.now() - PartnerReport.REQUEUE_AFTER)

    with django_capture_on_commit_callbacks(execute=True):
        assert "1 rapport(s) mis en file d'envoi" in run("--wet-run", "--quarter", "2026-Q3")

    assert len(mail.outbox) == 1
    assert PartnerReport.objects.get().status == PartnerReport.Status.SENT


def test_an_organisation_without_recipient_is_reported(provider):
    OrganizationFactory(name="Sans contact", is_partner=True, email="")

    output = run("--wet-run", "--quarter", "2026-Q1")

    assert "Sans contact : aucun destinataire" in output
    assert not PartnerReport.objects.exists()


def test_a_bad_quarter_is_refused_in_french():
    with pytest.raises(CommandError, match="par exemple 2026-Q3"):
        run("--quarter", "2026-3")


@pytest.mark.parametrize(
    ("value", "bounds"),
    [
        ("2026-Q1", (dt.date(2026, 1, 1), dt.date(2026, 3, 31))),
        ("2026-t2", (dt.date(2026, 4, 1), dt.date(2026, 6, 30))),
        ("2025-Q4", (dt.date(2025, 10, 1), dt.date(2025, 12, 31))),
    ],
)
def test_quarters(value, bounds):
    assert reports.quarter_bounds(reports.parse_quarter(value)) == bounds


def test_previous_quarter():
    assert reports.previous_quarter(dt.date(2026, 2, 10)) == "2025-Q4"
    assert reports.previous_quarter(dt.date(2026, 11, 30)) == "2026-Q3"


def test_a_quarter_not_ended_is_refused():
    current = reports.parse_quarter(f"{dt.date.today().year}-Q{(dt.date.today().month - 1) // 3 + 1}")

    with pytest.raises(CommandError, match="n'est pas terminé"):
        run("--quarter", current)
