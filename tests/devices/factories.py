"""Factories for the reconditionnement. `workshop_staff()` is a refurbisher with its workshop;
`DonationFactory(workshop=org)`, `DeviceFactory(donation=…)` with traits for each step (`erased=True`,
`ready=True`…): the rows are built directly (no history), for tests that need a device at a given step.
`eligible_person(organization)` is a person living in the served département, involved with the organisation."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Role
from devices.models import Device, DeviceRequest, Donation, Erasure, Status
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.geo.factories import CommuneFactory
from tests.people.factories import PersonFactory


def workshop_staff(workshop=None, **kwargs):
    workshop = workshop or OrganizationFactory(name="Atelier d'insertion")
    return UserFactory(role=Role.REFURBISHER, organization=workshop, **kwargs)


def workshop_of(user):
    return user.memberships.get(role=Role.REFURBISHER).organization


def prescriber(organization=None, **kwargs):
    return UserFactory(role=Role.PRESCRIBER, organization=organization or OrganizationFactory(name="CCAS"), **kwargs)


def organization_of(user):
    return user.memberships.first().organization


def eligible_person(organization, **kwargs):
    return PersonFactory(commune=CommuneFactory(), involved=organization, **kwargs)


class DonationFactory(DjangoModelFactory):
    class Meta:
        model = Donation

    donor = factory.SubFactory(OrganizationFactory, name=factory.Sequence(lambda n: f"Donateur {n}"))
    workshop = factory.SubFactory(OrganizationFactory, name=factory.Sequence(lambda n: f"Atelier {n}"))
    announced_count = 10


class DeviceFactory(DjangoModelFactory):
    class Meta:
        model = Device
        skip_postgeneration_save = True

    donation = factory.SubFactory(DonationFactory)
    kind = "laptop"
    brand = "Lenovo"
    model = "ThinkPad T480"
    serial = factory.Sequence(lambda n: f"SN{n:06d}")
    status = Status.RECEIVED

    class Params:
        erased = factory.Trait(status=Status.ERASED)
        refurbished = factory.Trait(status=Status.REFURBISHED, grade="B", price_cents=5000)
        ready = factory.Trait(status=Status.READY, grade="B", price_cents=5000, operating_system="Linux Mint 22")

    @factory.post_generation
    def with_erasure(device, create, extracted, **kwargs):
        if create and device.status != Status.RECEIVED:
            Erasure.objects.create(
                device=device,
                method=Erasure.Method.OVERWRITE,
                tool="ShredOS 2024",
                performed_on=timezone.localdate(),
                operator="Atelier",
                evidence="Rapport n° 1",
            )


class DeviceRequestFactory(DjangoModelFactory):
    class Meta:
        model = DeviceRequest

    organization = factory.SubFactory(OrganizationFactory, name=factory.Sequence(lambda n: f"Prescripteur {n}"))
    person = factory.LazyAttribute(lambda o: PersonFactory(involved=o.organization))
    kind = "laptop"
    usage = "Démarches en ligne"
