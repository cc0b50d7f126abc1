"""On PostgreSQL: 200 people register at the same instant for 20 places; the lock on the session row lets exactly
20 be confirmed and puts 180 on the waiting list. Then random cancellations (and the promotions they cause) race
each other: confirmed registrations never exceed the places, and nobody waits while a place is free.

The 200 attempts are spread over THREADS threads, released together by a barrier, each sending its share back to
back on its own connection and closing it at the end. THREADS stays small on purpose: CI's PostgreSQL allows 100
connections, shared by every pytest-xdist worker and by the other concurrency tests (tests/vouchers, tests/funding…)
that may run at the same moment; this test holds at most THREADS + 1 (the test's own) at once. Sixteen sessions
queueing on one row lock are already a real race: ordering, lost updates and overbooking show up as well as with 200.
"""

import random
import threading

import pytest
from django.db import connection

from events import services
from events.models import Registration
from tests.events.factories import SessionFactory

ATTEMPTS = 200
PLACES = 20
CANCELLATIONS = 60
THREADS = 12
R = Registration.Status


def run_all(target, args_list):
    """Run `target(*args)` for every args, spread over THREADS threads started together; return the errors."""
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
        except threading.BrokenBarrierError as error:
            with lock:
                errors.append(repr(error))
        finally:
            connection.close()  # this thread's own connection: never leave it open for the next tests

    threads = [threading.Thread(target=attempt, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "un fil d'exécution n'a pas fini à temps"
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
    assert registrations.count() == ATTEMPTS
    assert registrations.filter(status=R.CONFIRMED).count() == PLACES
    assert registrations.filter(status=R.WAITLISTED).count() == ATTEMPTS - PLACES

    rng = random.Random(20261130)
    victims = rng.sample(list(registrations.values_list("pk", flat=True)), CANCELLATIONS)
    errors = run_all(
        lambda pk: services.cancel_registration(Registration.objects.get(pk=pk)),
        [(pk,) for pk in victims],
    )
    assert errors == []
    confirmed = registrations.filter(status=R.CONFIRMED).count()
    waiting = registrations.filter(status=R.WAITLISTED).count()
    assert confirmed == PLACES  # 140 were still waiting: every freed place was taken, none twice
    assert confirmed + waiting == ATTEMPTS - CANCELLATIONS
    assert not registrations.filter(pk__in=victims).exclude(status=R.CANCELLED).exists()
