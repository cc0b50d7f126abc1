"""Two people acting on the same referral at once: the row lock makes exactly one of them succeed."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from referrals import services
from referrals.models import Referral
from tests.referrals.factories import ReferralFactory, place_user


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_accept_and_decline_at_once_only_one_wins():
    referral = ReferralFactory()
    first, second = place_user(referral), place_user(referral)
    barrier = threading.Barrier(2)
    results = {}

    def act(name, action):
        try:
            barrier.wait(timeout=10)
            action()
            results[name] = "ok"
        except ValidationError:
            results[name] = "refused"
        except Exception as error:  # reported by the assertion below
            results[name] = repr(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=("accept", lambda: services.accept_referral(referral, acting_user=first))),
        threading.Thread(
            target=act,
            args=(
                "decline",
                lambda: services.decline_referral(referral, acting_user=second, reason=Referral.DeclineReason.FULL),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values()) == ["ok", "refused"], results
    referral.refresh_from_db()
    winner = "accept" if results["accept"] == "ok" else "decline"
    assert referral.status == (Referral.Status.ACCEPTED if winner == "accept" else Referral.Status.DECLINED)
    assert referral.transitions.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_accepts_at_once_only_one_wins():
    referral = ReferralFactory()
    users = [place_user(referral), place_user(referral)]
    barrier = threading.Barrier(2)
    results = []

    def act(user):
        try:
            barrier.wait(timeout=10)
            services.accept_referral(referral, acting_user=user)
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["ok", "refused"]
    assert referral.transitions.count() == 1
