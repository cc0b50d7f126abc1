"""The device workflow through the services: every step logged with its actor, the erasure needs its evidence,
the wrong step or the wrong person is refused and nothing changes."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import HistoryEntry
from devices import services
from devices.models import Device, DeviceTransition, Donation, Erasure, Status
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.devices.factories import DeviceFactory, DonationFactory, workshop_of, workshop_staff

S = Status


@pytest.fixture
def staff():
    return workshop_staff()


@pytest.fixture
def donation(staff):
    return services.create_donation(
        acting_user=staff, workshop=workshop_of(staff), donor=OrganizationFactory(name="Orange"), announced_count=3
    )


def _erase(device, staff, **overrides):
    fields = {
        "method": Erasure.Method.OVERWRITE,
        "tool": "ShredOS 2024.02",
        "performed_on": timezone.localdate(),
        "operator": "Karim B.",
        "evidence": "Rapport ShredOS n° 42, vérification sur 100 % des secteurs",
    }
    return services.erase_device(device, acting_user=staff, **{**fields, **overrides})


def test_a_device_goes_from_received_to_ready_with_every_step_logged(staff, donation):
    device = services.receive_device(donation, acting_user=staff, kind="laptop", brand="Dell", serial="ab-12 34")
    assert device.serial == "AB1234" and device.status == S.RECEIVED
    donation.refresh_from_db()
    assert donation.received_count == 1
    _erase(device, staff)
    services.refurbish_device(
        device, acting_user=staff, grade="A", price_cents=3000, operating_system="Linux Mint 22", memory_gb=8
    )
    services.mark_ready(device, acting_user=staff)
    device.refresh_from_db()
    assert device.status == S.READY and device.grade == "A" and device.memory_gb == 8
    steps = list(DeviceTransition.objects.filter(device=device).values_list("from_status", "to_status", "actor"))
    assert steps == [
        ("", S.RECEIVED, staff.pk),
        (S.RECEIVED, S.ERASED, staff.pk),
        (S.ERASED, S.REFURBISHED, staff.pk),
        (S.REFURBISHED, S.READY, staff.pk),
    ]
    actions = list(
        HistoryEntry.objects.filter(object_id=str(device.pk), action__startswith="device_")
        .exclude(action="device_donation_created")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["device_received", "device_erased", "device_refurbished", "device_ready"]


def test_a_skipped_step_is_refused_and_changes_nothing(staff, donation):
    device = services.receive_device(donation, acting_user=staff, kind="laptop", brand="Dell")
    with pytest.raises(ValidationError, match="ne peut pas passer"):
        services.mark_ready(device, acting_user=staff)
    with pytest.raises(ValidationError, match="ne peut pas passer"):
        services.refurbish_device(device, acting_user=staff, grade="A", price_cents=0)
    device.refresh_from_db()
    assert device.status == S.RECEIVED and device.grade == ""
    assert DeviceTransition.objects.filter(device=device).count() == 1


def test_the_erasure_needs_its_evidence(staff, donation):
    device = services.receive_device(donation, acting_user=staff, kind="tablet", brand="Samsung")
    with pytest.raises(ValidationError):
        _erase(device, staff, evidence="  ")
    with pytest.raises(ValidationError, match="futur"):
        _erase(device, staff, performed_on=timezone.localdate() + datetime.timedelta(days=1))
    device.refresh_from_db()
    assert device.status == S.RECEIVED and not Erasure.objects.filter(device=device).exists()


def test_the_database_refuses_an_erasure_without_evidence():
    device = DeviceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Erasure.objects.create(
            device=device, method="overwrite", tool="x", performed_on=timezone.localdate(), operator="y", evidence=""
        )


def test_a_duplicate_serial_of_the_same_brand_is_refused(staff, donation):
    services.receive_device(donation, acting_user=staff, kind="laptop", brand="HP", serial="5CG1234")
    with pytest.raises(ValidationError, match="déjà ce numéro de série"):
        services.receive_device(donation, acting_user=staff, kind="laptop", brand="hp ", serial="5cg-1234")
    other_brand = services.receive_device(donation, acting_user=staff, kind="laptop", brand="Dell", serial="5CG1234")
    assert other_brand.pk
    donation.refresh_from_db()
    assert donation.received_count == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        Device.objects.create(donation=donation, kind="laptop", brand="HP", serial="5CG1234")


def test_devices_without_serial_are_not_duplicates(staff, donation):
    services.receive_device(donation, acting_user=staff, kind="screen", brand="Iiyama")
    services.receive_device(donation, acting_user=staff, kind="screen", brand="Iiyama")
    assert Device.objects.filter(serial="").count() == 2


def test_recycling_needs_a_reason_and_is_possible_before_the_delivery(staff, donation):
    device = services.receive_device(donation, acting_user=staff, kind="desktop", brand="Acer")
    with pytest.raises(ValidationError):
        services.recycle_device(device, acting_user=staff, reason=" ")
    services.recycle_device(device, acting_user=staff, reason="Carte mère hors service")
    device.refresh_from_db()
    assert device.status == S.RECYCLED and device.recycled_reason == "Carte mère hors service"
    with pytest.raises(ValidationError):
        services.recycle_device(device, acting_user=staff, reason="encore")


def test_only_the_staff_of_the_device_workshop_change_its_state(donation):
    device = DeviceFactory(donation=donation)
    for intruder in (
        workshop_staff(),  # another workshop
        UserFactory(coordinator=True),
        UserFactory(prescriber=True),
        UserFactory(administrator=True),
    ):
        with pytest.raises(PermissionDenied):
            _erase(device, intruder)
        with pytest.raises(PermissionDenied):
            services.recycle_device(device, acting_user=intruder, reason="non")
    device.refresh_from_db()
    assert device.status == S.RECEIVED


def test_only_workshop_staff_record_donations():
    workshop = OrganizationFactory()
    with pytest.raises(PermissionDenied):
        services.create_donation(
            acting_user=UserFactory(coordinator=True),
            workshop=workshop,
            donor=OrganizationFactory(),
            announced_count=1,
        )
    assert not Donation.objects.exists()


def test_the_database_ties_each_step_to_what_it_needs():
    device = DeviceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Device.objects.filter(pk=device.pk).update(status=S.RECYCLED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Device.objects.filter(pk=device.pk).update(status=S.READY)
    with pytest.raises(IntegrityError), transaction.atomic():
        DonationFactory(announced_count=0)


def test_the_workflow_table_has_no_way_out_of_the_final_steps():
    assert services.DeviceWorkflow.targets(S.DELIVERED) == []
    assert services.DeviceWorkflow.targets(S.RECYCLED) == []
    assert S.RECYCLED in services.DeviceWorkflow.targets(S.RESERVED)
