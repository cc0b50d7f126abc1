"""12 places try to redeem the same pass at the same instant: the row lock and the partial unique constraint let
exactly one succeed; the 11 others get the clear « déjà utilisé » answer."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tests.vouchers.factories import BookFactory, first_pass, place_user, qualified_place
from vouchers import services
from vouchers.models import Pass, Redemption

ATTEMPTS = 12
SERVICE = "Aide aux démarches administratives"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_12_concurrent_redemptions_of_one_pass_only_one_wins():
    book = BookFactory(handed_out=True)
    serial = first_pass(book).serial
    actors = []
    for index in range(ATTEMPTS):
        place = qualified_place(name=f"Lieu {index}")
        actors.append((place, place_user(place)))
    for _place, user in actors:
        assert user.cached_memberships  # read now, not inside the race
    barrier = threading.Barrier(ATTEMPTS)
    results = []
    lock = threading.Lock()

    def attempt(place, user):
        try:
            barrier.wait(timeout=20)
            services.redeem_pass(serial, acting_user=user, place=place, service=SERVICE)
            outcome = ("ok", "")
        except ValidationError as error:
            outcome = (error.code, error.messages[0])
        except Exception as error:  # reported by the assertion below
            outcome = ("error", repr(error))
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt, args=actor) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    codes = sorted(code for code, _message in results)
    assert codes.count("ok") == 1, results
    assert codes.count("already_used") == ATTEMPTS - 1, results
    winner = Redemption.objects.get()
    refused = [message for code, message in results if code == "already_used"]
    assert all(f"à {winner.place.name} : il ne peut servir qu'une fois" in message for message in refused)
    assert Pass.objects.get(serial=serial).status == Pass.Status.REDEEMED
