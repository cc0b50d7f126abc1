"""/api/v1/chiffres/ (the dashboards registry's sections for the token's organisation, small counts masked) and
/api/v1/evenements/seances/ (sessions of published events, nothing about registrants)."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Membership, Role
from dashboards import registry
from tests.api.factories import ApiTokenFactory, bearer
from tests.events.factories import EventFactory, RegistrationFactory, SessionFactory
from tests.places.factories import PlaceFactory

FIGURES = "/api/v1/chiffres/"
SESSIONS = "/api/v1/evenements/seances/"


@pytest.fixture
def provider():
    """A provider that reports what it was asked (the scope) with a small and a large count."""
    scopes = []

    def figures(scope):
        scopes.append(scope)
        return registry.Section(
            key="essai",
            title="Essai",
            figures=[
                registry.Figure("people", "Personnes", 3),
                registry.Figure("visits", "Visites", 42),
                registry.Figure("places", "Lieux", 2, kind=registry.NUMBER),
                registry.Figure("share", "Part", 50.0, kind=registry.PERCENT, base=2),
            ],
            series=[registry.Series("months", "Par mois", [(dt.date(2026, 1, 1), 2), ("février", 7)])],
            tables=[
                registry.Table("communes", "Par commune", ["Commune", "Personnes"], [["Agen", 4], ["Nérac", 12]], (1,))
            ],
        )

    registry.register("essai", "Essai", figures, order=999)
    yield scopes
    registry._providers.pop("essai", None)


def test_figures_are_the_token_organisations_with_small_counts_masked(api_client, provider, assert_matches):
    token = ApiTokenFactory()

    response = api_client.get(FIGURES, {"du": "2026-01-01", "au": "2026-03-31", "module": "essai"}, **bearer(token))

    assert response.status_code == 200
    assert_matches(response, "Chiffres")
    body = response.json()
    assert body["perimetre"] == "organisation"
    assert provider[-1].organization == token.organization
    assert (provider[-1].start, provider[-1].end) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    [section] = body["sections"]
    values = {figure["cle"]: (figure["valeur"], figure["masque"]) for figure in section["chiffres"]}
    assert values == {"people": (None, True), "visits": (42, False), "places": (2, False), "share": (None, True)}
    assert section["series"][0]["points"] == [
        {"libelle": "2026-01-01", "valeur": None, "masque": True},
        {"libelle": "février", "valeur": 7, "masque": False},
    ]
    assert section["tableaux"][0]["lignes"] == [["Agen", "moins de 5"], ["Nérac", 12]]
    assert response["Cache-Control"].startswith("max-age=60, private") or "private" in response["Cache-Control"]


def test_the_coordination_token_reads_the_whole_network(api_client, provider, user_with_role):
    coordinator = user_with_role("coordinator")
    organization = Membership.objects.get(user=coordinator, role=Role.COORDINATOR).organization
    token = ApiTokenFactory(organization=organization)

    body = api_client.get(FIGURES, {"module": "essai", "commune": "47001"}, **bearer(token)).json()

    assert body["perimetre"] == "reseau"
    assert provider[-1].organization is None
    assert provider[-1].communes == ("47001",)
    assert provider[-1].start == timezone.localdate().replace(month=1, day=1)


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"du": "2026-13-01"}, "du"),
        ({"du": "2026-03-01", "au": "2026-02-01"}, "au"),
        ({"module": "inconnu"}, "module"),
        ({"du": "1999-12-31", "au": "2000-06-30"}, "du"),
        ({"du": "0001-01-01"}, "du"),
        ({"au": "9999-12-31"}, "au"),
        ({"du": "2026-01-01", "au": "9999-12-31"}, "au"),
        ({"du": "2000-01-01", "au": "2010-01-01"}, "au"),  # more than five years
    ],
)
def test_figures_bad_parameters(api_client, provider, params, parameter):
    response = api_client.get(FIGURES, params, **bearer(ApiTokenFactory()))

    assert response.status_code == 400
    assert response.json()["erreur"]["parametre"] == parameter
    assert f"Paramètre « {parameter} »" in response.json()["erreur"]["message"]


def test_figures_accept_the_bounds_of_the_period(api_client, provider):
    today = timezone.localdate()
    a_year_ahead = (today + dt.timedelta(days=365)).isoformat()
    token = ApiTokenFactory()
    assert api_client.get(FIGURES, {"du": "2000-01-01", "au": "2004-12-31"}, **bearer(token)).status_code == 200
    assert api_client.get(FIGURES, {"du": today.isoformat(), "au": a_year_ahead}, **bearer(token)).status_code == 200


def test_sessions_of_published_events_without_registrants(api_client, assert_matches):
    place = PlaceFactory(published=True, insee_code="47001")
    session = SessionFactory(place=place, capacity=10)
    RegistrationFactory(session=session)
    SessionFactory(event=EventFactory(draft=True))

    response = api_client.get(SESSIONS, {"commune": "47001"})

    assert response.status_code == 200
    assert_matches(response, "ListeSeances")
    [item] = response.json()["data"]
    assert item["id"] == session.pk
    assert item["lieu"]["id"] == str(place.uid)
    assert item["places"] == 10
    assert item["places_libres"] <= 10
    content = response.content.decode()
    registration = session.registrations.get()
    for personal in filter(None, [registration.email, registration.last_name, registration.phone]):
        assert personal not in content


def test_sessions_date_filters(api_client):
    soon = SessionFactory(starts_at=timezone.now() + dt.timedelta(days=2))
    later = SessionFactory(starts_at=timezone.now() + dt.timedelta(days=40))
    cutoff = (timezone.localdate() + dt.timedelta(days=10)).isoformat()

    before = api_client.get(SESSIONS, {"au": cutoff}).json()["data"]
    after = api_client.get(SESSIONS, {"du": cutoff}).json()["data"]

    assert [item["id"] for item in before] == [soon.pk]
    assert [item["id"] for item in after] == [later.pk]
    assert api_client.get(SESSIONS, {"du": "demain"}).json()["erreur"]["parametre"] == "du"


def test_real_providers_give_aggregates_only(api_client, assert_matches):
    from tests.referrals.factories import ReferralFactory

    referrals = ReferralFactory.create_batch(2)
    person = referrals[0].person
    token = ApiTokenFactory(organization=referrals[0].prescriber_organization)

    response = api_client.get(FIGURES, **bearer(token))

    assert response.status_code == 200
    assert_matches(response, "Chiffres")
    assert {"places", "referrals"} <= {section["cle"] for section in response.json()["sections"]}
    content = response.content.decode()
    for personal in filter(None, [person.last_name, person.first_name, person.phone, person.email]):
        assert personal not in content


def test_figures_for_an_epci_are_for_its_communes(api_client, provider):
    from geo.models import Commune
    from geo.testing import load_test_territory

    load_test_territory(insee_codes=[])
    agen = Commune.objects.select_related("epci").get(pk="47001")
    token = ApiTokenFactory()

    ok = api_client.get(FIGURES, {"epci": agen.epci.code, "module": "essai"}, **bearer(token))
    unknown = api_client.get(FIGURES, {"epci": "999999999"}, **bearer(token))
    both = api_client.get(FIGURES, {"epci": agen.epci.code, "commune": "47001"}, **bearer(token))

    assert ok.status_code == 200
    expected = set(Commune.objects.filter(epci=agen.epci).values_list("pk", flat=True))
    assert "47001" in provider[-1].communes and set(provider[-1].communes) == expected
    assert unknown.status_code == 400 and unknown.json()["erreur"]["parametre"] == "epci"
    assert both.status_code == 400 and both.json()["erreur"]["parametre"] == "epci"
