"""Two runs of send_partner_reports at once (two cron hosts, a manual run during the cron): the unique constraint
on (organisation, quarter) makes exactly one of them record — and so send — the report."""

import threading

import pytest
from django.db import connection

from api.models import PartnerReport
from api.services import record_partner_report
from tests.accounts.factories import OrganizationFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_record_the_report_once():
    organization = OrganizationFactory(is_partner=True, email="contact@example.org")
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait(timeout=10)
            report = record_partner_report(organization=organization, quarter="2026-Q3", recipients=["a@example.org"])
            results.append("recorded" if report else "already")
        except Exception as error:  # reported by the assertion below
            results.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == ["already", "recorded"], results
    assert PartnerReport.objects.filter(organization=organization, quarter="2026-Q3").count() == 1
