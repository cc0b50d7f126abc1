"""Requests through prescribers: the eligibility rules the coordination sets, the queue by priority then date, the
reservation of a matching ready device, the delivery that needs a reservation, the cancellation that frees the
device."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from devices import services
from devices.models import Delivery, Device, DeviceRequest, EligibilityRule, RequestStatus, Status
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.devices.factories import (
    DeviceFactory,
    DeviceRequestFactory,
    DonationFactory,
    eligible_person,
    organization_of,
    prescriber,
    workshop_of,
    workshop_staff,
)
from tests.geo.factories import CommuneFactory, DepartementFactory
from tests.people.factories import PersonFactory
from tests.referrals.factories import ReferralFactory
from tests.vouchers.factories import BookFactory

R = RequestStatus
C = EligibilityRule.Code


@pytest.fixture
def asker():
    return prescriber()


@pytest.fixture
def staff():
    return workshop_staff()


def _ask(user, person, **kwargs):
    fields = {"kind": "laptop", "usage": "Recherche d'emploi", "urgency": "normal"}
    return services.request_device(
        acting_user=user, organization=organization_of(user), person=person, **{**fields, **kwargs}
    )


def _rules(*codes):
    EligibilityRule.objects.update(active=False)
    EligibilityRule.objects.filter(code__in=codes).update(active=True)


def test_the_default_rules_are_seeded_with_the_departement_rule_on():
    assert dict(EligibilityRule.objects.values_list("code", "active")) == {
        C.LIVES_IN_DEPARTEMENT: True,
        C.HOLDS_PASS_BOOK: False,
        C.HAS_REFERRAL: False,
    }


def test_a_person_outside_the_departement_is_refused_and_nothing_is_recorded(asker):
    organization = organization_of(asker)
    elsewhere = CommuneFactory(departement=DepartementFactory(code="33"))
    person = PersonFactory(commune=elsewhere, involved=organization)
    with pytest.raises(ValidationError, match="habiter le département"):
        _ask(asker, person)
    with pytest.raises(ValidationError, match="habiter le département"):
        _ask(asker, PersonFactory(involved=organization))  # no commune known
    assert not DeviceRequest.objects.exists()


def test_the_pass_book_and_referral_rules_when_the_coordination_switches_them_on(asker):
    organization = organization_of(asker)
    person = eligible_person(organization)
    _rules(C.HOLDS_PASS_BOOK, C.HAS_REFERRAL)
    with pytest.raises(ValidationError) as refused:
        _ask(asker, person)
    assert len(refused.value.messages) == 2
    BookFactory(handed_out=True, organization=organization, person=person)
    ReferralFactory(person=person, prescriber_organization=organization)
    assert services.eligibility_problems(person) == []
    assert _ask(asker, person).status == R.QUEUED


def test_the_coordination_sets_the_rules_and_nobody_else():
    coordinator = UserFactory(coordinator=True)
    services.set_eligibility_rules(acting_user=coordinator, active_codes={C.HAS_REFERRAL})
    assert list(EligibilityRule.objects.filter(active=True).values_list("code", flat=True)) == [C.HAS_REFERRAL]
    with pytest.raises(PermissionDenied):
        services.set_eligibility_rules(acting_user=workshop_staff(), active_codes=set())


def test_only_the_prescriber_side_of_an_organisation_that_sees_the_person_asks(asker):
    person = eligible_person(OrganizationFactory())  # not involved with the asker's organisation
    with pytest.raises(PermissionDenied):
        _ask(asker, person)
    staff = workshop_staff()
    with pytest.raises(PermissionDenied):
        services.request_device(
            acting_user=staff, organization=workshop_of(staff), person=person, kind="laptop", usage="x"
        )


def test_a_second_open_request_of_the_same_kind_is_refused(asker):
    person = eligible_person(organization_of(asker))
    _ask(asker, person)
    with pytest.raises(ValidationError, match="déjà en cours"):
        _ask(asker, person)
    assert _ask(asker, person, kind="tablet").pk


def test_the_queue_is_served_by_priority_then_date(asker):
    organization = organization_of(asker)
    first = _ask(asker, eligible_person(organization))
    second = _ask(asker, eligible_person(organization))
    urgent = _ask(asker, eligible_person(organization), urgency="urgent")
    assert list(DeviceRequest.objects.queue()) == [urgent, first, second]


def test_reserve_then_deliver_with_the_acknowledgement(asker, staff):
    device_request = _ask(asker, eligible_person(organization_of(asker)))
    device = DeviceFactory(donation=DonationFactory(workshop=workshop_of(staff)), ready=True)
    services.reserve_device(device_request, device, acting_user=staff)
    device.refresh_from_db()
    device_request.refresh_from_db()
    assert device.status == Status.RESERVED and device_request.reserved_device == device
    delivery = services.deliver_device(
        device_request,
        acting_user=staff,
        acknowledgement=Delivery.Acknowledgement.SCREEN,
        signature_name="Josiane M.",
        price_paid_cents=3000,
        training_offer="Médiathèque d'Agen",
    )
    device.refresh_from_db()
    device_request.refresh_from_db()
    assert device.status == Status.DELIVERED and device_request.status == R.DELIVERED
    assert delivery.device == device and delivery.delivered_by == staff


def test_a_delivery_without_a_reservation_is_refused_and_changes_nothing(asker, staff):
    device_request = _ask(asker, eligible_person(organization_of(asker)))
    with pytest.raises(ValidationError, match="réservez-en un"):
        services.deliver_device(device_request, acting_user=staff, acknowledgement="paper")
    device_request.refresh_from_db()
    assert device_request.status == R.QUEUED and not Delivery.objects.exists()


def test_a_screen_signature_needs_the_name(asker, staff):
    device_request = _ask(asker, eligible_person(organization_of(asker)))
    device = DeviceFactory(donation=DonationFactory(workshop=workshop_of(staff)), ready=True)
    services.reserve_device(device_request, device, acting_user=staff)
    with pytest.raises(ValidationError):
        services.deliver_device(device_request, acting_user=staff, acknowledgement="screen", signature_name=" ")
    device.refresh_from_db()
    assert device.status == Status.RESERVED


def test_a_device_of_another_kind_or_not_ready_cannot_be_reserved(asker, staff):
    device_request = _ask(asker, eligible_person(organization_of(asker)))
    donation = DonationFactory(workshop=workshop_of(staff))
    with pytest.raises(ValidationError, match="type demandé"):
        services.reserve_device(
            device_request, DeviceFactory(donation=donation, kind="tablet", ready=True), acting_user=staff
        )
    with pytest.raises(ValidationError, match="ne peut pas passer"):
        services.reserve_device(device_request, DeviceFactory(donation=donation, erased=True), acting_user=staff)
    device_request.refresh_from_db()
    assert device_request.status == R.QUEUED


def test_one_reservation_per_device(asker, staff):
    organization = organization_of(asker)
    first = _ask(asker, eligible_person(organization))
    second = _ask(asker, eligible_person(organization))
    device = DeviceFactory(donation=DonationFactory(workshop=workshop_of(staff)), ready=True)
    services.reserve_device(first, device, acting_user=staff)
    with pytest.raises(ValidationError):
        services.reserve_device(second, device, acting_user=staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        DeviceRequest.objects.filter(pk=second.pk).update(status=R.RESERVED, reserved_device=device)


def test_the_database_refuses_a_delivered_request_without_a_device():
    device_request = DeviceRequestFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        DeviceRequest.objects.filter(pk=device_request.pk).update(status=R.DELIVERED)


def test_cancelling_a_reserved_request_frees_the_device(asker, staff):
    device_request = _ask(asker, eligible_person(organization_of(asker)))
    device = DeviceFactory(donation=DonationFactory(workshop=workshop_of(staff)), ready=True)
    services.reserve_device(device_request, device, acting_user=staff)
    services.cancel_request(device_request, acting_user=asker, reason="La personne a déménagé")
    device.refresh_from_db()
    device_request.refresh_from_db()
    assert device.status == Status.READY and device_request.status == R.CANCELLED
    assert device_request.reserved_device is None
    with pytest.raises(ValidationError, match="déjà close"):
        services.cancel_request(device_request, acting_user=asker, reason="encore")


def test_recycling_a_reserved_device_puts_the_request_back_in_the_queue(asker, staff):
    device_request = _ask(asker, eligible_person(organization_of(asker)))
    device = DeviceFactory(donation=DonationFactory(workshop=workshop_of(staff)), ready=True)
    services.reserve_device(device_request, device, acting_user=staff)
    services.recycle_device(device, acting_user=staff, reason="Écran fendu au déballage")
    device_request.refresh_from_db()
    assert device_request.status == R.QUEUED and device_request.reserved_device is None
    assert Device.objects.get(pk=device.pk).status == Status.RECYCLED


def test_only_workshop_staff_reserve(asker):
    device_request = _ask(asker, eligible_person(organization_of(asker)))
    device = DeviceFactory(ready=True)
    with pytest.raises(PermissionDenied):
        services.reserve_device(device_request, device, acting_user=asker)
    with pytest.raises(PermissionDenied):
        services.reserve_device(device_request, device, acting_user=UserFactory(coordinator=True))


def test_the_prescriber_is_told_of_the_reservation_and_the_delivery(
    asker, staff, mailoutbox, django_capture_on_commit_callbacks
):
    device_request = _ask(asker, eligible_person(organization_of(asker)))
    device = DeviceFactory(donation=DonationFactory(workshop=workshop_of(staff)), ready=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.reserve_device(device_request, device, acting_user=staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.deliver_device(device_request, acting_user=staff, acknowledgement="paper")
    assert [message.to for message in mailoutbox] == [[asker.email], [asker.email]]
    assert "réservé" in mailoutbox[0].subject and str(device_request.person) not in mailoutbox[0].subject
    assert f"/reconditionnement/demandes/{device_request.pk}/" in mailoutbox[1].body


def test_the_workshop_or_the_coordination_reorders_the_queue(asker, staff):
    organization = organization_of(asker)
    first = _ask(asker, eligible_person(organization))
    second = _ask(asker, eligible_person(organization))
    services.set_request_priority(second, acting_user=staff, priority=DeviceRequest.Priority.HIGH)
    assert list(DeviceRequest.objects.queue()) == [second, first]
    services.set_request_priority(second, acting_user=UserFactory(coordinator=True), priority=3)
    assert list(DeviceRequest.objects.queue()) == [first, second]
    with pytest.raises(PermissionDenied):
        services.set_request_priority(first, acting_user=asker, priority=1)
    services.cancel_request(first, acting_user=asker, reason="Équipée autrement")
    with pytest.raises(ValidationError, match="en attente"):
        services.set_request_priority(first, acting_user=staff, priority=1)


def test_only_the_staff_of_the_reserved_devices_workshop_cancel_a_reservation(asker, staff):
    device_request = _ask(asker, eligible_person(organization_of(asker)))
    device = DeviceFactory(donation=DonationFactory(workshop=workshop_of(staff)), ready=True)
    services.reserve_device(device_request, device, acting_user=staff)
    with pytest.raises(PermissionDenied):
        services.cancel_request(device_request, acting_user=workshop_staff(), reason="Pas mon atelier")
    device.refresh_from_db()
    device_request.refresh_from_db()
    assert device.status == Status.RESERVED and device_request.status == R.RESERVED
    services.cancel_request(device_request, acting_user=staff, reason="Appareil repris par l'atelier")
    device.refresh_from_db()
    assert device.status == Status.READY


def test_the_coordination_cancels_any_request_but_workshop_staff_not_a_waiting_one(asker, staff):
    organization = organization_of(asker)
    waiting = _ask(asker, eligible_person(organization))
    with pytest.raises(PermissionDenied):
        services.cancel_request(waiting, acting_user=staff, reason="Aucun appareil de l'atelier")
    services.cancel_request(waiting, acting_user=UserFactory(coordinator=True), reason="Doublon")
    waiting.refresh_from_db()
    assert waiting.status == R.CANCELLED


def test_the_database_keeps_one_open_request_per_person_and_kind():
    device_request = DeviceRequestFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        DeviceRequestFactory(person=device_request.person, organization=device_request.organization)
    DeviceRequestFactory(person=device_request.person, organization=device_request.organization, kind="tablet")
    DeviceRequest.objects.filter(pk=device_request.pk).update(status=R.CANCELLED, cancel_reason="Équipée")
    DeviceRequestFactory(person=device_request.person, organization=device_request.organization)


def test_two_prescribers_asking_at_the_same_moment_get_a_clear_answer(asker, monkeypatch):
    person = eligible_person(organization_of(asker))
    full_clean = DeviceRequest.full_clean

    def colleague_asks_meanwhile(device_request, *args, **kwargs):
        full_clean(device_request, *args, **kwargs)
        DeviceRequest.objects.create(
            person=person, organization=device_request.organization, kind=device_request.kind, usage="Démarches"
        )

    monkeypatch.setattr(DeviceRequest, "full_clean", colleague_asks_meanwhile)
    with pytest.raises(ValidationError, match="déjà en cours pour cette personne"):
        _ask(asker, person)
