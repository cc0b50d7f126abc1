"""On PostgreSQL: 200 people register at the same instant for 20 places (THREADS connections released together by
a barrier, each sending its share of the 200 registrations back to back: PostgreSQL's default 100 connections
cannot hold 200 at once); the lock on the session row lets exactly
20 be confirmed and puts 180 on the waiting list. Then random cancellations (and the promotions they cause) race
each other: confirmed registrations never exceed the places, and nobody waits while a place is free."""

import random
import threading

import pytest
from django.db import connection

from events import services
from events.models import Registration
from tests.events.factories import SessionFactory

ATTEMPTS = 200
PLACES = 20
THREADS = 40
R = Registration.Status


def run_all(target, args_list):
    """Run `target(*args)` for every args, spread over THREADS threads started together."""
    shares = [args_list[index::THREADS] for index in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    errors = []
    lock = threading.Lock()

    def attempt(share):
        try:
            barrier.wait(timeout=60)
            for args in share:
                try:
                    target(*args)
                except Exception as error:  # reported by the assertion below
                    with lock:
                        errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_200_concurrent_registrations_for_20_places_then_random_cancellations():
    session = SessionFactory(capacity=PLACES)
    errors = run_all(
        lambda n: services.register(session, first_name=f"P{n}", email=f"p{n}@example.org"),
        [(n,) for n in range(ATTEMPTS)],
    )
    assert errors == []
    registrations = Registration.objects.filter(session=session)
    assert registrations.filter(status=R.CONFIRMED).count() == PLACES
    assert registrations.filter(status=R.WAITLISTED).count() == ATTEMPTS - PLACES

    rng = random.Random(20261130)
    victims = rng.sample(list(registrations.values_list("pk", flat=True)), 60)
    errors = run_all(
        lambda pk: services.cancel_registration(Registration.objects.get(pk=pk)),
        [(pk,) for pk in victims],
    )
    assert errors == []
    confirmed = registrations.filter(status=R.CONFIRMED).count()
    waiting = registrations.filter(status=R.WAITLISTED).count()
    assert confirmed == PLACES  # 140 were still waiting: every freed place was taken
    assert confirmed + waiting == ATTEMPTS - 60
