"""« Être rappelé »: the request becomes a referral « au réseau » in the coordination's queue, with a person record
and the consents given online; the person gets a reference and a confirmation; bad input, robots and floods change
nothing and get a polite page with the network's phone."""

import time

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from core import sms
from core.models import HistoryEntry
from geo.testing import load_test_territory
from orientation.forms_callback import normalize_french_phone, started_token
from people.models import Consent, Person
from referrals import services
from referrals.models import Referral
from tests.accounts.factories import UserFactory
from tests.orientation.test_guide import first_load_size
from tests.places.factories import PlaceFactory

URL = reverse("orientation:callback")


@pytest.fixture(autouse=True)
def territory(settings):
    settings.PLATFORM_CONTACT_PHONE = "01 99 00 00 00"
    load_test_territory(departements=["47"], insee_codes=[])


def answers(**overrides):
    data = {
        "first_name": "Josiane",
        "phone": "06 12 34 56 78",
        "email": "",
        "commune": "Agen",
        "need": "demarches",
        "moments": ["tu_morning"],
        "consent": "on",
        "site_web": "",
        "started": started_token(time.time() - 60),
    }
    data.update(overrides)
    return data


def test_the_form_is_public_and_light(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "01 99 00 00 00" in response.content.decode()
    assert first_load_size(response) <= 40 * 1024


def test_a_request_reaches_the_coordination_queue(client, django_capture_on_commit_callbacks):
    coordinator = UserFactory(role=Role.COORDINATOR)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, answers(email="josiane@example.org"))
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.is_callback and referral.is_to_network and referral.status == Referral.Status.SENT
    assert referral.prescriber_organization is None and referral.prescriber is None
    assert referral.needs == ["Aide aux démarches administratives"]
    assert referral.availability == ["tu_morning"]
    assert list(Referral.objects.to_network()) == [referral]
    person = referral.person
    assert (person.first_name, person.phone, person.commune.name) == ("Josiane", "+33612345678", "Agen")
    assert set(person.consents.values_list("purpose", "method")) == {
        (Consent.Purpose.ACCOMPANIMENT, Consent.Method.ONLINE),
        (Consent.Purpose.CONTACT, Consent.Method.ONLINE),
    }
    assert Person.objects.visible_to(coordinator).filter(pk=person.pk).exists()
    assert HistoryEntry.objects.filter(action="referral_sent", object_id=str(referral.pk)).exists()
    done = client.get(response["Location"])
    assert done.status_code == 200
    assert referral.reference in done.content.decode()
    assert [message.to for message in sms.outbox] == ["+33612345678"]
    assert referral.reference in sms.outbox[0].text
    subjects = sorted(message.subject for message in mail.outbox)
    assert any(referral.reference in subject for subject in subjects)
    assert any("demande de rappel" in subject.lower() for subject in subjects)
    assert coordinator.email in [address for m in mail.outbox for address in m.to]


def test_the_coordination_dispatches_it_like_any_referral(client):
    coordinator = UserFactory(role=Role.COORDINATOR)
    client.post(URL, answers())
    referral = Referral.objects.get()
    place = PlaceFactory(published=True, complete=True)
    services.dispatch_referral(referral, acting_user=coordinator, place=place)
    referral.refresh_from_db()
    assert referral.target_place == place and Referral.objects.inbox(place).get() == referral


def test_a_landline_is_accepted_and_no_sms_is_sent(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, answers(phone="05.53.12.34.56"))
    assert Referral.objects.get().person.phone == "+33553123456"
    assert sms.outbox == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "", "Écrivez votre prénom"),
        ("phone", "12 34", "pas un numéro français"),
        ("commune", "", "commune"),
        ("need", "", "Choisissez une réponse"),
        ("consent", "", "Cochez cette case"),
        ("email", "josiane@", "pas complète"),
    ],
)
def test_bad_input_is_named_and_changes_nothing(client, field, value, message):
    response = client.post(URL, answers(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "error-summary" in response.content.decode()
    assert not Referral.objects.exists() and not Person.objects.exists()


def test_an_unknown_commune_suggests_close_matches(client):
    response = client.post(URL, answers(commune="Agem"))
    assert "Agen (47000)" in response.content.decode()
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    "trap",
    [
        lambda: {"site_web": "http://promo.example"},
        lambda: {"started": started_token(time.time())},
        lambda: {"started": started_token(time.time() - 7 * 3600)},
        lambda: {"started": "forged"},
    ],
    ids=["honeypot", "too-fast", "too-old", "forged"],
)
def test_robots_get_a_polite_page_and_nothing_is_recorded(client, trap):
    response = client.post(URL, answers(**trap()))
    assert response.status_code == 400
    assert "01 99 00 00 00" in response.content.decode()
    assert not Referral.objects.exists() and not Person.objects.exists()


def test_requests_are_limited_per_phone(client, settings):
    settings.CALLBACK_LIMIT_PER_PHONE_PER_DAY = 2
    for _ in range(2):
        assert client.post(URL, answers()).status_code == 302
    refused = client.post(URL, answers(phone="+33 6 12 34 56 78"))
    assert refused.status_code == 429
    assert "01 99 00 00 00" in refused.content.decode()
    assert Referral.objects.count() == 2


def test_requests_are_limited_per_address(client, settings):
    settings.CALLBACK_LIMIT_PER_IP_PER_HOUR = 1
    assert client.post(URL, answers()).status_code == 302
    assert client.post(URL, answers(phone="06 99 88 77 66")).status_code == 429
    assert Referral.objects.count() == 1


def test_the_confirmation_page_needs_its_signed_value(client):
    assert client.get(reverse("orientation:callback_done")).status_code == 404
    assert client.get(reverse("orientation:callback_done") + "?demande=forged").status_code == 404


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("+33 5 53 12 34 56", "+33553123456"),
        ("0033612345678", "+33612345678"),
        ("06-12-34-56-7", None),
        ("+44 20 7946 0958", None),
    ],
)
def test_french_phone_numbers_are_normalised(typed, stored):
    assert normalize_french_phone(typed) == stored


def test_someone_who_does_not_know_what_they_need_is_called_back_too(client):
    assert client.post(URL, answers(need="autre")).status_code == 302
    referral = Referral.objects.get()
    assert referral.needs == [] and "Autre chose" in referral.free_text
