"""The OpenAPI description: served as written, listing every v1 endpoint of the URLconf (and nothing else), with
the places standard's field names. Responses are checked against it in the other tests (`assert_matches`) and by
the fuzz test."""

from django.urls import get_resolver

from api.schema import openapi_schema
from places.standard import COLUMNS, REQUIRED_VALUES


def test_served_at_v1_openapi_json(api_client):
    response = api_client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "http://testserver"}]
    assert document["paths"] == openapi_schema()["paths"]


def test_every_v1_endpoint_is_described():
    resolver = get_resolver()
    api_patterns = next(p for p in resolver.url_patterns if getattr(p, "namespace", None) == "api").url_patterns
    routes = {
        "/api/" + str(pattern.pattern).replace("<str:uid>", "{id}")
        for pattern in api_patterns
        if str(pattern.pattern).startswith("v1/") and pattern.name != "openapi"
    }

    assert routes == set(openapi_schema()["paths"])


def test_places_use_the_standard_field_names():
    place = openapi_schema()["components"]["schemas"]["Lieu"]

    assert list(place["properties"]) == COLUMNS
    assert set(REQUIRED_VALUES) <= set(place["required"])


def test_every_operation_documents_its_errors():
    for path, operations in openapi_schema()["paths"].items():
        for method, operation in operations.items():
            assert {"200", "400", "401", "403", "429"} <= set(operation["responses"]), (path, method)
            for parameter in operation.get("parameters", []):
                assert parameter["description"], (path, parameter["name"])
