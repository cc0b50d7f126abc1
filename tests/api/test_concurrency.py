"""Two runs of send_partner_reports at once (two cron hosts, a manual run during the cron): the unique constraint
on (organisation, quarter) and the row lock make exactly one of them queue — and so send — the report."""

import threading

import pytest
from django.core import mail
from django.db import connection

from api.models import PartnerReport
from api.services import queue_partner_report
from api.tasks import send_partner_report
from tests.accounts.factories import OrganizationFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_queue_the_report_once():
    organization = OrganizationFactory(is_partner=True, email="contact@example.org")
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait(timeout=10)
            report = queue_partner_report(organization=organization, quarter="2026-Q3", recipients=["a@example.org"])
            results.append("queued" if report else "already")
        except Exception as error:  # reported by the assertion below
            results.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == ["already", "queued"], results
    assert PartnerReport.objects.filter(organization=organization, quarter="2026-Q3").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tasks_for_the_same_report_send_it_once():
    organization = OrganizationFactory(is_partner=True, email="contact@example.org")
    report = queue_partner_report(organization=organization, quarter="2026-Q3", recipients=["a@example.org"])
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            send_partner_report.call(report_id=report.pk)
        except Exception as error:  # reported by the assertion below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(mail.outbox) == 1
    report.refresh_from_db()
    assert (report.status, report.attempts) == (PartnerReport.Status.SENT, 1)
