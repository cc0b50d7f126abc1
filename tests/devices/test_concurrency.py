"""Races on PostgreSQL: eight workshop staff reserve the same ready device for eight requests at once (the row lock
lets exactly one win; the others are told the device is no longer ready); eight record the same serial in eight
donations at once (the unique constraint lets exactly one in; the others get the duplicate message)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from devices import services
from devices.models import Device, DeviceRequest, RequestStatus, Status
from tests.devices.factories import DeviceFactory, DeviceRequestFactory, DonationFactory, workshop_of, workshop_staff

ATTEMPTS = 8


def _race(calls):
    barrier = threading.Barrier(len(calls))
    results = []
    lock = threading.Lock()

    def run(call):
        try:
            barrier.wait(timeout=20)
            call()
            outcome = ("ok", "")
        except ValidationError as error:
            outcome = ("refused", " ".join(error.messages))
        except Exception as error:  # reported by the assertions
            outcome = ("error", repr(error))
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_reservations_of_one_device_only_one_wins():
    first = workshop_staff()
    workshop = workshop_of(first)
    staff = [first] + [workshop_staff(workshop) for _ in range(ATTEMPTS - 1)]
    device = DeviceFactory(donation=DonationFactory(workshop=workshop), ready=True)
    requests = DeviceRequestFactory.create_batch(ATTEMPTS)
    for user in staff:
        assert user.cached_memberships
    results = _race(
        [
            (lambda request=request, user=user: services.reserve_device(request, device, acting_user=user))
            for request, user in zip(requests, staff, strict=True)
        ]
    )
    codes = [code for code, _ in results]
    assert codes.count("ok") == 1 and codes.count("refused") == ATTEMPTS - 1, results
    assert all("ne peut pas passer" in message for code, message in results if code == "refused")
    assert Device.objects.get(pk=device.pk).status == Status.RESERVED
    assert DeviceRequest.objects.filter(status=RequestStatus.RESERVED).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_receptions_of_one_serial_only_one_wins():
    user = workshop_staff()
    donations = [DonationFactory(workshop=workshop_of(user)) for _ in range(ATTEMPTS)]
    assert user.cached_memberships
    results = _race(
        [
            (
                lambda donation=donation: services.receive_device(
                    donation, acting_user=user, kind="laptop", brand="Dell", serial="CN-0ABC"
                )
            )
            for donation in donations
        ]
    )
    codes = [code for code, _ in results]
    assert codes.count("ok") == 1 and codes.count("refused") == ATTEMPTS - 1, results
    assert Device.objects.filter(serial="CN0ABC").count() == 1
