import jsonschema
import pytest
from django.test import Client

from api.schema import openapi_schema


@pytest.fixture
def api_client():
    return Client()


@pytest.fixture
def assert_matches():
    """`assert_matches(response, "ListeLieux")`: the JSON body validates against that schema of the OpenAPI
    description (formats checked)."""
    components = openapi_schema()["components"]

    def check(response, name):
        document = {"$ref": f"#/components/schemas/{name}", "components": components}
        validator = jsonschema.Draft202012Validator(document, format_checker=jsonschema.FormatChecker())
        errors = sorted(validator.iter_errors(response.json()), key=str)
        assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]

    return check
