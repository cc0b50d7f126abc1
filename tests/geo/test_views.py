import pytest
from django.urls import reverse

URL = reverse("geo:commune_autocomplete")


@pytest.fixture(autouse=True)
def _territory(territory):
    pass


def test_url():
    assert URL == "/territoire/communes/"


def test_anonymous_gets_json_results(client):
    response = client.get(URL, {"q": "agen"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    first = response.json()["results"][0]
    assert first == {
        "insee": "47001",
        "name": "Agen",
        "postal_codes": ["47000"],
        "departement": "47",
        "label": "Agen (47000)",
    }


def test_public_short_cache(client):
    cache_control = client.get(URL, {"q": "agen"})["Cache-Control"]
    assert "public" in cache_control
    assert "max-age=300" in cache_control


def test_logged_in_user_gets_the_same(client_for):
    client = client_for("mediator")
    assert client.get(URL, {"q": "agen"}).json()["results"][0]["insee"] == "47001"


@pytest.mark.parametrize("q", ["", "a", " a ", "4"])
def test_short_query_gives_empty_list(client, q):
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    assert response.json() == {"results": []}


def test_missing_query(client):
    assert client.get(URL).json() == {"results": []}


def test_at_most_ten_results(client):
    assert len(client.get(URL, {"q": "saint"}).json()["results"]) == 10


def test_served_departement_first(client):
    results = client.get(URL, {"q": "st sylvestre"}).json()["results"]
    assert results[0]["label"] == "Saint-Sylvestre-sur-Lot (47140)"


def test_postal_code_label_shows_the_code_typed(client):
    results = client.get(URL, {"q": "47300"}).json()["results"]
    labels = [r["label"] for r in results]
    assert "Villeneuve-sur-Lot (47300)" in labels
    assert "Bias (47300)" in labels


def test_post_not_allowed(client):
    assert client.post(URL, {"q": "agen"}).status_code == 405
