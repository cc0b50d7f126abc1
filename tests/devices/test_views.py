"""The pages through the HTTP client: who sees what (404 outside `visible_to`, 403 for the wrong role), the
person's identity, bounded queries on the lists, the documents and exports."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from devices import services
from devices.models import Device, DeviceRequest, Erasure, Status
from tests.accounts.factories import UserFactory
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
from tests.roles import log_in


@pytest.fixture(autouse=True)
def _plain_pdf(monkeypatch):
    """Uncompressed PDFs, so that their text can be looked for."""
    from reportlab import rl_config

    monkeypatch.setattr(rl_config, "pageCompression", 0)


def client_of(client, user):
    log_in(client, user)
    return client


@pytest.fixture
def staff():
    return workshop_staff()


@pytest.fixture
def donation(staff):
    return DonationFactory(workshop=workshop_of(staff))


def test_the_workshop_records_a_donation_and_a_device_through_the_pages(client, staff):
    from tests.accounts.factories import OrganizationFactory

    donor = OrganizationFactory(name="La Poste")
    client_of(client, staff)
    response = client.post(
        reverse("devices:donation_create"), {"donor": donor.pk, "announced_count": 2, "contact": "M. Dupont"}
    )
    donation = donor.device_donations.get()
    assert response.status_code == 302 and donation.workshop == workshop_of(staff)
    response = client.post(
        reverse("devices:device_receive", args=[donation.pk]),
        {"kind": "laptop", "brand": "HP", "serial": "5CG 1", "continue": "1"},
    )
    assert response.status_code == 302 and response["Location"].endswith("/recevoir/")
    response = client.post(
        reverse("devices:device_receive", args=[donation.pk]), {"kind": "laptop", "brand": "hp", "serial": "5cg1"}
    )
    assert response.status_code == 200
    assert "déjà ce numéro de série" in response.content.decode()
    assert Device.objects.count() == 1


def test_a_refused_step_is_explained_on_the_page(client, staff, donation):
    device = DeviceFactory(donation=donation)
    client_of(client, staff)
    response = client.get(reverse("devices:device_refurbish", args=[device.pk]))
    assert "ne peut pas passer" in response.content.decode()
    response = client.post(
        reverse("devices:device_erase", args=[device.pk]),
        {"method": "overwrite", "tool": "ShredOS", "performed_on": "2026-01-05", "operator": "K.", "evidence": ""},
    )
    assert response.status_code == 200 and "Preuve" in response.content.decode()
    device.refresh_from_db()
    assert device.status == Status.RECEIVED


def test_other_workshops_get_404_and_other_roles_403(client, donation):
    device = DeviceFactory(donation=donation)
    client_of(client, workshop_staff())
    assert client.get(reverse("devices:device_detail", args=[device.pk])).status_code == 404
    assert client.get(reverse("devices:erasure_certificate", args=[device.pk])).status_code == 404
    client_of(client, prescriber())
    assert client.get(reverse("devices:stock")).status_code == 403
    assert client.get(reverse("devices:device_detail", args=[device.pk])).status_code == 404


def test_the_coordination_reads_the_device_but_has_no_action(client, donation):
    device = DeviceFactory(donation=donation)
    client_of(client, UserFactory(coordinator=True, totp=True))
    response = client.get(reverse("devices:device_detail", args=[device.pk]))
    assert response.status_code == 200
    assert reverse("devices:device_erase", args=[device.pk]) not in response.content.decode()
    assert client.get(reverse("devices:device_erase", args=[device.pk])).status_code == 403


def test_the_stock_list_runs_a_fixed_number_of_queries(client, staff, donation):
    client_of(client, staff)
    DeviceFactory.create_batch(3, donation=donation)
    client.get(reverse("devices:stock"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("devices:stock")).status_code == 200
    DeviceFactory.create_batch(40, donation=DonationFactory(workshop=donation.workshop))
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("devices:stock"), {"status": "received", "kind": "laptop"})
    assert response.status_code == 200 and "43 appareils" in response.content.decode()
    assert len(many) == len(few) <= 10


def test_the_queue_runs_a_fixed_number_of_queries_and_serves_urgent_first(client, staff):
    client_of(client, staff)
    DeviceRequestFactory.create_batch(2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("devices:queue"))
    DeviceRequestFactory.create_batch(30)
    urgent = DeviceRequestFactory(priority=1, urgency="urgent")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("devices:queue"))
    assert len(many) == len(few) <= 12
    assert response.context["page"].object_list[0] == urgent


def test_the_person_identity_by_side(client, staff):
    asker = prescriber()
    person = eligible_person(organization_of(asker), email="josiane@example.org")
    device_request = services.request_device(
        acting_user=asker, organization=organization_of(asker), person=person, kind="laptop", usage="Emploi secret"
    )
    url = reverse("devices:request_detail", args=[device_request.pk])
    page = client_of(client, asker).get(url).content.decode()
    assert "Emploi secret" in page and reverse("people:detail", args=[person.pk]) in page
    page = client_of(client, staff).get(url).content.decode()
    assert str(person) in page and "josiane@example.org" in page
    assert "Emploi secret" not in page and reverse("people:detail", args=[person.pk]) not in page
    other_prescriber = prescriber()
    assert client_of(client, other_prescriber).get(url).status_code == 404
    assert client_of(client, UserFactory(partner_viewer=True)).get(url).status_code == 404


def test_the_person_page_offers_the_request_and_the_form_sends_it(client):
    asker = prescriber()
    person = eligible_person(organization_of(asker))
    client_of(client, asker)
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "Demander un ordinateur" in page
    response = client.post(
        reverse("devices:request_create", args=[person.pk]),
        {"organization": organization_of(asker).pk, "kind": "laptop", "usage": "CV", "urgency": "urgent"},
    )
    device_request = DeviceRequest.objects.get()
    assert response.status_code == 302 and device_request.priority == 1
    assert device_request in DeviceRequest.objects.visible_to(asker)


def test_a_person_not_eligible_sees_why(client):
    asker = prescriber()
    from tests.people.factories import PersonFactory

    person = PersonFactory(involved=organization_of(asker))
    page = client_of(client, asker).get(reverse("devices:request_create", args=[person.pk])).content.decode()
    assert "habiter le département" in page


def test_the_delivery_page_offers_training_and_the_note_follows(client, staff, donation):
    asker = prescriber()
    person = eligible_person(organization_of(asker))
    device_request = services.request_device(
        acting_user=asker, organization=organization_of(asker), person=person, kind="laptop", usage="CV"
    )
    device = DeviceFactory(donation=donation, ready=True)
    client_of(client, staff)
    client.post(reverse("devices:request_reserve", args=[device_request.pk]), {"device": device.pk})
    device_request.refresh_from_db()
    assert device_request.reserved_device == device
    response = client.post(
        reverse("devices:request_deliver", args=[device_request.pk]),
        {"acknowledgement": "screen", "signature_name": "", "price": "30", "training_offer": ""},
    )
    assert "la personne écrit son nom" in response.content.decode()
    client.post(
        reverse("devices:request_deliver", args=[device_request.pk]),
        {"acknowledgement": "screen", "signature_name": "Josiane", "price": "30", "training_offer": "Médiathèque"},
    )
    device_request.refresh_from_db()
    assert device_request.status == "delivered" and device_request.delivery.price_paid_cents == 3000
    pdf = client.get(reverse("devices:delivery_note", args=[device_request.pk])).content
    assert pdf.startswith(b"%PDF") and b"Josiane" in pdf


def test_the_documents(client, staff, donation):
    device = DeviceFactory(donation=donation, erased=True, serial="PF1ABC")
    client_of(client, staff)
    certificate = client.get(reverse("devices:erasure_certificate", args=[device.pk])).content
    assert certificate.startswith(b"%PDF") and b"PF1ABC" in certificate and b"ShredOS 2024" in certificate
    attestation = client.get(reverse("devices:donation_attestation", args=[donation.pk])).content
    assert attestation.startswith(b"%PDF") and b"PF1ABC" in attestation
    label = client.get(reverse("devices:device_label", args=[device.pk]))
    assert label["Content-Type"] == "application/pdf" and label.content.startswith(b"%PDF")
    scan = client.get(reverse("devices:label_scan", args=[device.token]))
    assert scan.status_code == 302 and scan["Location"] == reverse("devices:device_detail", args=[device.pk])
    Erasure.objects.all().delete()
    assert client.get(reverse("devices:erasure_certificate", args=[device.pk])).status_code == 404


def test_impact_figures_and_exports(client, staff, donation):
    asker = prescriber()
    person = eligible_person(organization_of(asker))
    device_request = services.request_device(
        acting_user=asker, organization=organization_of(asker), person=person, kind="laptop", usage="CV"
    )
    device = DeviceFactory(donation=donation, ready=True)
    services.reserve_device(device_request, device, acting_user=staff)
    services.deliver_device(device_request, acting_user=staff, acknowledgement="paper")
    services.log_work(
        acting_user=staff, workshop=workshop_of(staff), worker="K.", day=timezone.localdate(), hours=7, activity="Tri"
    )
    client_of(client, staff)
    page = client.get(reverse("devices:impact")).content.decode()
    assert "156 kg" in page and "7,0 h" in page
    csv_text = client.get(reverse("devices:impact_csv")).content.decode()
    assert "Personnes équipées;1" in csv_text and person.commune.name in csv_text
    xlsx = client.get(reverse("devices:impact_xlsx"))
    assert xlsx.content.startswith(b"PK")
    assert client_of(client, prescriber()).get(reverse("devices:impact")).status_code == 403


def test_the_coordination_edits_the_rules_and_factors(client):
    from devices.models import CO2Factor, EligibilityRule

    client_of(client, UserFactory(coordinator=True, totp=True))
    factor = CO2Factor.objects.get(kind="laptop")
    response = client.post(
        reverse("devices:settings"),
        {"factor": factor.pk, f"f{factor.pk}-kg_co2e": "200", f"f{factor.pk}-source": "Étude 2026"},
    )
    assert response.status_code == 302
    factor.refresh_from_db()
    assert factor.kg_co2e == 200 and factor.source == "Étude 2026"
    client.post(reverse("devices:settings"), {"rules_submit": "1", "rules": ["has_referral"]})
    assert list(EligibilityRule.objects.filter(active=True).values_list("code", flat=True)) == ["has_referral"]
    client_of(client, workshop_staff())
    assert client.get(reverse("devices:settings")).status_code == 403


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_photos_are_checked_stored_and_served_behind_the_permission(client, staff, donation, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    device = DeviceFactory(donation=donation)
    client_of(client, staff)
    url = reverse("devices:device_photo_add", args=[device.pk])
    client.post(url, {"photo": SimpleUploadedFile("facture.pdf", b"%PDF-1.4 rien", content_type="image/png")})
    assert not device.photos.exists()
    client.post(url, {"photo": SimpleUploadedFile("ecran.png", PNG, content_type="image/png")})
    photo = device.photos.get()
    assert photo.content_type == "image/png" and photo.file.name.endswith(".png")
    photo_url = reverse("devices:device_photo", args=[device.pk, photo.pk])
    assert photo_url in client.get(reverse("devices:device_detail", args=[device.pk])).content.decode()
    response = client.get(photo_url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    client_of(client, workshop_staff())
    assert client.get(photo_url).status_code == 404
    assert client.post(url, {"photo": SimpleUploadedFile("b.png", PNG)}).status_code == 404


def test_the_staff_of_another_workshop_may_not_cancel_a_reservation(client, staff, donation):
    asker = prescriber()
    device_request = services.request_device(
        acting_user=asker,
        organization=organization_of(asker),
        person=eligible_person(organization_of(asker)),
        kind="laptop",
        usage="Démarches",
    )
    device = DeviceFactory(donation=donation, ready=True)
    services.reserve_device(device_request, device, acting_user=staff)
    url = reverse("devices:request_cancel", args=[device_request.pk])
    client_of(client, workshop_staff())
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "Pas mon atelier"}).status_code == 403
    device_request.refresh_from_db()
    assert device_request.status == "reserved"
    assert Device.objects.get(pk=device.pk).status == Status.RESERVED


def test_a_photo_whose_row_cannot_be_saved_leaves_no_file(staff, donation, settings, tmp_path, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import IntegrityError

    from devices.models import DevicePhoto

    settings.MEDIA_ROOT = tmp_path
    device = DeviceFactory(donation=donation)

    def refuse(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(DevicePhoto, "save", refuse)
    with pytest.raises(IntegrityError):
        services.add_photo(device, acting_user=staff, uploaded_file=SimpleUploadedFile("ecran.png", PNG))
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []
