"""Token expiry: chosen at creation (a year by default, two at most), shown on the tokens page, and an expired token
answers 401 `jeton_expire` from the day after its last valid day (local time)."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from api.models import ApiToken, Scope
from api.services import create_token
from core.models import HistoryEntry
from tests.accounts.factories import OrganizationFactory
from tests.api.factories import ApiTokenFactory, bearer


def _create(coordinator, **kwargs):
    return create_token(
        organization=OrganizationFactory(), name="SIG", scopes=[Scope.FIGURES_READ], acting_user=coordinator, **kwargs
    )


def test_a_token_is_valid_for_a_year_by_default_and_the_history_says_until_when(user_with_role):
    token, _secret = _create(user_with_role("coordinator"))

    expected = timezone.localdate() + timedelta(days=365)
    assert ApiToken.objects.get(pk=token.pk).expires_on == expected
    entry = HistoryEntry.objects.get(action="api_token_created", object_id=str(token.pk))
    assert entry.changes["expires_on"] == [None, expected.isoformat()]


@pytest.mark.parametrize("days", [0, 1, 730])
def test_an_expiry_from_today_to_two_years_is_accepted(user_with_role, days):
    expires_on = timezone.localdate() + timedelta(days=days)

    token, _secret = _create(user_with_role("coordinator"), expires_on=expires_on)

    assert token.expires_on == expires_on


@pytest.mark.parametrize(("days", "words"), [(-1, "ne peut pas être passée"), (731, "deux ans au plus")])
def test_an_expiry_outside_the_bounds_is_refused_in_french(user_with_role, days, words):
    with pytest.raises(ValidationError) as error:
        _create(user_with_role("coordinator"), expires_on=timezone.localdate() + timedelta(days=days))

    assert "« Valable jusqu'au »" in error.value.messages[0]
    assert words in error.value.messages[0]
    assert not ApiToken.objects.exists()


def test_the_form_takes_the_expiry_and_names_the_field_when_it_is_too_far(client_for):
    client = client_for("coordinator")
    organization = OrganizationFactory()
    data = {"organization": organization.pk, "name": "SIG", "scopes": ["places:read"]}
    too_far = timezone.localdate() + timedelta(days=731)

    refused = client.post("/api/jetons/nouveau/", {**data, "expires_on": too_far.isoformat()})
    chosen = timezone.localdate() + timedelta(days=30)
    created = client.post("/api/jetons/nouveau/", {**data, "expires_on": chosen.isoformat()})

    assert refused.status_code == 200
    assert "La date « Valable jusqu&#x27;au » ne peut pas dépasser" in refused.content.decode()
    assert created.context["token"].expires_on == chosen
    assert chosen.strftime("%d/%m/%Y") in created.content.decode()
    assert ApiToken.objects.get().expires_on == chosen


def test_the_form_defaults_to_a_year_when_left_empty(client_for):
    client = client_for("coordinator")

    client.post(
        "/api/jetons/nouveau/",
        {"organization": OrganizationFactory().pk, "name": "SIG", "scopes": ["places:read"], "expires_on": ""},
    )

    assert ApiToken.objects.get().expires_on == timezone.localdate() + timedelta(days=365)


@pytest.mark.parametrize("path", ["/api/v1/chiffres/", "/api/v1/lieux/"])
def test_an_expired_token_is_refused_with_its_own_401(api_client, assert_matches, path):
    token = ApiTokenFactory(expired=True)

    response = api_client.get(path, **bearer(token))

    assert response.status_code == 401
    assert response.json()["erreur"]["code"] == "jeton_expire"
    message = response.json()["erreur"]["message"]
    assert "Ce jeton a expiré" in message
    assert token.expires_on.strftime("%d/%m/%Y") in message
    assert_matches(response, "Erreur")


def test_a_revoked_and_expired_token_is_said_revoked(api_client):
    token = ApiTokenFactory(expired=True, revoked_at=timezone.now())

    assert api_client.get("/api/v1/chiffres/", **bearer(token)).json()["erreur"]["code"] == "jeton_revoque"


def test_the_last_valid_day_is_accepted_until_midnight_local_time(api_client, monkeypatch):
    token = ApiTokenFactory(expires_on=date(2030, 6, 30))
    paris = timezone.get_current_timezone()

    monkeypatch.setattr(timezone, "now", lambda: datetime(2030, 6, 30, 23, 59, 30, tzinfo=paris))
    last_minute = api_client.get("/api/v1/chiffres/", **bearer(token))
    monkeypatch.setattr(timezone, "now", lambda: datetime(2030, 7, 1, 0, 0, 30, tzinfo=paris))
    next_day = api_client.get("/api/v1/chiffres/", **bearer(token))

    assert last_minute.status_code == 200
    assert next_day.status_code == 401
    assert next_day.json()["erreur"]["code"] == "jeton_expire"


def test_a_token_whose_last_day_is_today_works(api_client):
    token = ApiTokenFactory(expires_on=timezone.localdate())

    assert api_client.get("/api/v1/chiffres/", **bearer(token)).status_code == 200
    assert list(ApiToken.objects.active()) == [token]


def test_the_tokens_page_shows_the_expiry_and_marks_expired_tokens(client_for):
    client = client_for("coordinator")
    valid = ApiTokenFactory(name="Valide", expires_on=date(2031, 3, 14))
    expired = ApiTokenFactory(name="Ancien", expired=True)

    content = client.get("/api/jetons/").content.decode()

    assert '<th scope="col">Valable jusqu\'au</th>' in content
    assert "14/03/2031" in content
    assert expired.expires_on.strftime("%d/%m/%Y") in content
    assert '<span class="tag">Expiré</span>' in content
    assert f"/api/jetons/{valid.pk}/revoquer/" in content
    assert f"/api/jetons/{expired.pk}/revoquer/" not in content
