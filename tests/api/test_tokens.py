"""Tokens: only a hash is stored, the secret is shown once, scopes are checked, a revoked token answers 401, and the
rate limits answer 429 with a French JSON error."""

import pytest
from django.core.exceptions import PermissionDenied

from api import http
from api.models import ApiToken, Scope, hash_secret
from api.services import create_token, revoke_token
from core.models import HistoryEntry
from tests.accounts.factories import OrganizationFactory
from tests.api.factories import ApiTokenFactory, bearer
from tests.places.factories import PlaceFactory


def test_create_token_stores_only_a_hash_and_records_history(user_with_role):
    coordinator = user_with_role("coordinator")
    organization = OrganizationFactory()

    token, secret = create_token(
        organization=organization, name="SIG", scopes=[Scope.FIGURES_READ], acting_user=coordinator
    )

    stored = ApiToken.objects.get(pk=token.pk)
    assert secret.startswith(f"inc_{stored.prefix}_")
    assert stored.secret_hash == hash_secret(secret)
    assert secret not in {str(value) for value in ApiToken.objects.values_list(flat=False).get(pk=token.pk)}
    assert stored.scopes == ["figures:read"]
    assert HistoryEntry.objects.filter(action="api_token_created", object_id=str(token.pk)).count() == 1


def test_only_the_coordination_creates_or_revokes_tokens(user_with_role):
    partner = user_with_role("org_admin")
    with pytest.raises(PermissionDenied):
        create_token(organization=OrganizationFactory(), name="x", scopes=[Scope.PLACES_READ], acting_user=partner)
    with pytest.raises(PermissionDenied):
        revoke_token(ApiTokenFactory(), acting_user=partner)


def test_the_page_shows_the_secret_once(client_for):
    client = client_for("coordinator")
    organization = OrganizationFactory(name="Mairie d'Agen")

    response = client.post(
        "/api/jetons/nouveau/",
        {"organization": organization.pk, "name": "Site de la mairie", "scopes": ["places:read", "figures:read"]},
    )

    assert response.status_code == 200
    token = ApiToken.objects.get()
    secret = response.context["secret"]
    assert hash_secret(secret) == token.secret_hash
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    listing = client.get("/api/jetons/").content.decode()
    assert "Site de la mairie" in listing
    assert secret not in listing


def test_the_form_refuses_a_token_without_scope(client_for):
    client = client_for("coordinator")

    response = client.post("/api/jetons/nouveau/", {"organization": OrganizationFactory().pk, "name": "x"})

    assert response.status_code == 200
    assert "Droits" in response.content.decode()
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("role", ["partner_viewer", "mediator", "org_admin", "prescriber"])
def test_the_tokens_pages_are_forbidden_to_others(client_for, role):
    client = client_for(role)

    assert client.get("/api/jetons/").status_code == 403
    assert client.get("/api/jetons/nouveau/").status_code == 403
    assert client.post(f"/api/jetons/{ApiTokenFactory().pk}/revoquer/").status_code == 403


def test_revoking_from_the_page(client_for, api_client):
    client = client_for("coordinator")
    token = ApiTokenFactory()
    assert api_client.get("/api/v1/chiffres/", **bearer(token)).status_code == 200

    response = client.post(f"/api/jetons/{token.pk}/revoquer/", follow=True)

    assert "est révoqué" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoked_by == client.user
    answer = api_client.get("/api/v1/chiffres/", **bearer(token))
    assert answer.status_code == 401
    assert answer.json()["erreur"]["code"] == "jeton_revoque"
    assert HistoryEntry.objects.filter(action="api_token_revoked").count() == 1


def test_revoked_token_is_refused_on_public_endpoints_too(api_client):
    token = ApiTokenFactory(revoked=True)

    assert api_client.get("/api/v1/lieux/", **bearer(token)).status_code == 401


@pytest.mark.parametrize(
    "header", ["Bearer inc_abcd1234_faux", "Bearer n-importe-quoi", "Basic dXNlcjpwYXNz", "Bearer", "Bearer  "]
)
def test_unknown_or_malformed_tokens_are_401(api_client, header, assert_matches):
    ApiTokenFactory()

    response = api_client.get("/api/v1/chiffres/", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response.json()["erreur"]["code"] == "jeton_invalide"
    assert_matches(response, "Erreur")


def test_a_secret_with_the_right_prefix_but_wrong_hash_is_refused(api_client):
    token = ApiTokenFactory()
    forged = f"inc_{token.prefix}_{'x' * 43}"

    assert api_client.get("/api/v1/chiffres/", HTTP_AUTHORIZATION=f"Bearer {forged}").status_code == 401


def test_figures_need_a_token(api_client):
    response = api_client.get("/api/v1/chiffres/")

    assert response.status_code == 401
    assert response.json()["erreur"]["code"] == "jeton_requis"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_figures_need_the_scope(api_client):
    token = ApiTokenFactory(places_only=True)

    response = api_client.get("/api/v1/chiffres/", **bearer(token))

    assert response.status_code == 403
    assert "figures:read" in response.json()["erreur"]["message"]


def test_a_token_without_the_places_scope_is_refused_on_places(api_client):
    token = ApiTokenFactory(scopes=[Scope.FIGURES_READ.value])

    assert api_client.get("/api/v1/lieux/", **bearer(token)).status_code == 403
    assert api_client.get("/api/v1/lieux/").status_code == 200


def test_use_is_noted_at_most_every_few_minutes(api_client, django_assert_max_num_queries):
    token = ApiTokenFactory()

    api_client.get("/api/v1/lieux/", **bearer(token))
    token.refresh_from_db()
    first_use = token.last_used_at
    api_client.get("/api/v1/lieux/", **bearer(token))
    token.refresh_from_db()

    assert first_use is not None
    assert token.last_used_at == first_use


def test_anonymous_calls_are_limited_per_ip_with_a_french_429(api_client, monkeypatch, assert_matches):
    monkeypatch.setattr(http, "ANONYMOUS_LIMIT", 2)
    PlaceFactory(published=True)

    statuses = [api_client.get("/api/v1/lieux/").status_code for _ in range(3)]
    other_ip = api_client.get("/api/v1/lieux/", REMOTE_ADDR="192.0.2.7")
    refused = api_client.get("/api/v1/lieux/")

    assert statuses == [200, 200, 429]
    assert other_ip.status_code == 200
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert refused.json()["erreur"]["code"] == "trop_de_requetes"
    assert "Trop de requêtes" in refused.json()["erreur"]["message"]
    assert_matches(refused, "Erreur")


def test_a_token_has_its_own_higher_limit(api_client, monkeypatch):
    monkeypatch.setattr(http, "ANONYMOUS_LIMIT", 1)
    monkeypatch.setattr(http, "TOKEN_LIMIT", 3)
    token = ApiTokenFactory()

    anonymous = [api_client.get("/api/v1/lieux/").status_code for _ in range(2)]
    with_token = [api_client.get("/api/v1/lieux/", **bearer(token)).status_code for _ in range(4)]

    assert anonymous == [200, 429]
    assert with_token == [200, 200, 200, 429]


@pytest.mark.parametrize("secret", ["inc_\x00\x00\x00\x00\x00\x00\x00\x00_x", "inc_ABCDEFGH_x", "inc__x", "é" * 300])
def test_garbage_secrets_never_reach_the_database_as_is(api_client, secret, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        assert ApiToken.objects.for_secret(secret) is None


def test_wrong_tokens_count_against_the_address_limit(api_client, monkeypatch):
    monkeypatch.setattr(http, "ANONYMOUS_LIMIT", 2)

    statuses = [
        api_client.get("/api/v1/lieux/", HTTP_AUTHORIZATION="Bearer inc_00000000_x").status_code for _ in range(3)
    ]

    assert statuses == [401, 401, 429]


def test_api_views_run_outside_the_request_transaction():
    from django.urls import resolve

    for path in ("/api/v1/lieux/", "/api/v1/chiffres/", "/api/v1/evenements/seances/"):
        assert getattr(resolve(path).func, "_non_atomic_requests", set()), path
