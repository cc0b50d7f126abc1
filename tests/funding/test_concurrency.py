"""Eight committee decisions draw on the same earmark at the same instant: the row lock on the earmark lets only
as many through as it can pay for; the others are refused with the figures, and the ledger never goes negative."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from funding import services
from funding.models import Application, DecisionEarmark, Earmark
from tests.accounts.factories import UserFactory
from tests.funding.factories import ApplicationFactory, funded_earmark

ATTEMPTS = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_never_overdraw_an_earmark(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    earmark = funded_earmark("10000.00")
    coordinator = UserFactory(coordinator=True)
    assert coordinator.cached_memberships
    applications = [ApplicationFactory(complete=True, status=Application.Status.UNDER_REVIEW) for _ in range(ATTEMPTS)]
    barrier = threading.Barrier(ATTEMPTS)
    results = []
    lock = threading.Lock()

    def attempt(application):
        try:
            barrier.wait(timeout=20)
            services.decide_application(
                application,
                acting_user=coordinator,
                accepted=True,
                amount=Decimal("4000.00"),
                earmark_amounts={earmark: Decimal("4000.00")},
            )
            outcome = ("ok", "")
        except ValidationError as error:
            outcome = (error.code, error.messages[0])
        except Exception as error:  # reported by the assertion below
            outcome = ("error", repr(error))
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt, args=(application,)) for application in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    codes = sorted(code for code, _message in results)
    assert codes.count("ok") == 2, results
    assert codes.count("over_earmark") == ATTEMPTS - 2, results
    assert all("2\u202f000,00 € disponibles" in message for code, message in results if code == "over_earmark")
    assert sum(DecisionEarmark.objects.values_list("amount", flat=True)) == Decimal("8000.00")
    assert Earmark.objects.with_ledger().get(pk=earmark.pk).available == Decimal("2000.00")
