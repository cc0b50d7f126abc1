"""Correcting a device's characteristics outside the workflow: the staff of its workshop only, one history row with
before and after, French messages naming the field, a delivered device refused, a reserved one keeps its type."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import HistoryEntry
from devices import services
from devices.models import Device, Status
from tests.accounts.factories import UserFactory
from tests.devices.factories import DeviceFactory, DonationFactory, workshop_of, workshop_staff
from tests.roles import log_in


@pytest.fixture
def staff():
    return workshop_staff()


@pytest.fixture
def device(staff):
    return DeviceFactory(donation=DonationFactory(workshop=workshop_of(staff)), refurbished=True, serial="AB12")


def _history(device):
    return HistoryEntry.objects.for_object(device).filter(action="device_updated")


def test_the_workshop_corrects_a_device_with_one_history_row(staff, device):
    services.update_device(
        device, acting_user=staff, brand=" Dell ", serial="cd-34", memory_gb=8, price_cents=4500, model="ThinkPad T480"
    )
    device.refresh_from_db()
    assert (device.brand, device.serial, device.memory_gb, device.price_cents) == ("Dell", "CD34", 8, 4500)
    entry = _history(device).get()
    assert entry.actor == staff
    assert entry.changes == {
        "brand": ["Lenovo", "Dell"],
        "serial": ["AB12", "CD34"],
        "memory_gb": [None, 8],
        "price_cents": [5000, 4500],
    }
    services.update_device(device, acting_user=staff, brand="Dell")
    assert _history(device).count() == 1  # nothing changed, nothing written


def test_only_the_devices_workshop_edits_it(device):
    for user in (workshop_staff(), UserFactory(role="coordinator")):
        with pytest.raises(PermissionDenied):
            services.update_device(device, acting_user=user, brand="Dell")
    assert Device.objects.get(pk=device.pk).brand == "Lenovo"


def test_the_rules_refuse_with_nothing_changed(staff, device):
    other = DeviceFactory(donation=device.donation, serial="ZZ9")
    with pytest.raises(ValidationError) as error:
        services.update_device(device, acting_user=staff, serial="zz 9")
    assert "serial" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.update_device(device, acting_user=staff, grade="")
    assert "État esthétique" in error.value.error_dict["grade"][0].messages[0]
    Device.objects.filter(pk=device.pk).update(status=Status.RESERVED)
    with pytest.raises(ValidationError):
        services.update_device(device, acting_user=staff, kind="tablet")
    Device.objects.filter(pk=device.pk).update(status=Status.DELIVERED)
    with pytest.raises(ValidationError, match="remis ne se modifie plus"):
        services.update_device(device, acting_user=staff, brand="Dell")
    device.refresh_from_db()
    assert (device.serial, device.grade, device.kind, device.brand) == ("AB12", "B", "laptop", "Lenovo")
    assert other.serial == "ZZ9" and not _history(device).exists()


def _post(device, **changes):
    data = {
        "kind": device.kind,
        "brand": device.brand,
        "model": device.model,
        "serial": device.serial,
        "processor": "",
        "memory_gb": "",
        "storage_gb": "",
        "operating_system": "",
        "grade": device.grade,
        "price": "50",
    }
    return {**data, **changes}


def test_the_edit_page(client, staff, device):
    log_in(client, staff)
    detail = client.get(reverse("devices:device_detail", args=[device.pk])).content.decode()
    url = reverse("devices:device_edit", args=[device.pk])
    assert url in detail
    page = client.get(url).content.decode()
    assert page.count("<h1") == 1 and 'value="Lenovo"' in page
    response = client.post(url, _post(device, brand="", memory_gb="-2", price="abc", grade=""))
    html = response.content.decode()
    assert response.status_code == 200 and "Le formulaire contient 4 erreurs" in html
    assert "Indiquez la marque de l&#x27;appareil." in html
    assert "Mémoire vive : la valeur ne peut pas être négative." in html
    assert "Prix solidaire : indiquez un montant en euros" in html
    DeviceFactory(donation=device.donation, serial="TAKEN")
    html = client.post(url, _post(device, serial="taken")).content.decode()
    assert "porte déjà ce numéro de série" in html
    response = client.post(url, _post(device, model="X1 Carbon", price="42,50"))
    assert response.status_code == 302, response.context["form"].errors
    device.refresh_from_db()
    assert device.model == "X1 Carbon" and device.price_cents == 4250


def test_the_edit_page_refuses_a_delivered_device_and_other_workshops(client, staff, device):
    Device.objects.filter(pk=device.pk).update(status=Status.DELIVERED)
    log_in(client, staff)
    url = reverse("devices:device_edit", args=[device.pk])
    assert "remis ne se modifie plus" in client.get(url).content.decode()
    assert client.post(url, _post(device, brand="Dell")).status_code == 200
    assert Device.objects.get(pk=device.pk).brand == "Lenovo"
    assert url not in client.get(reverse("devices:device_detail", args=[device.pk])).content.decode()
    log_in(client, workshop_staff())
    assert client.get(url).status_code == 404
