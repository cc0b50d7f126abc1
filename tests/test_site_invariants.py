"""Walks every named URL of the project as anonymous and as every role, and checks the site-wide invariants.

What a URL needs (sample objects, expected statuses, public or not) is declared in `tests/site_map.py` or in a
hook `tests/<app>/url_samples.py`.
"""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.shortcuts import resolve_url

from tests import site_map
from tests.html_checks import html_problems
from tests.roles import ALL_USERS, ANONYMOUS, client_for

ROUTES = site_map.routes_to_request()


def test_the_walker_finds_the_known_pages():
    names = {route.name for route in site_map.all_routes()}
    assert {"core:home", "core:styleguide", "accounts:login", "geo:commune_autocomplete"} <= names
    assert not any(name.startswith("admin:") for name in names)


def test_every_parameterised_url_has_a_sample():
    missing = [
        f"{route.name} {route.pattern}" for route in ROUTES if route.params and route.name not in site_map.SAMPLES
    ]
    assert not missing, (
        "Ces URL attendent des paramètres sans exemple dans SAMPLES (tests/site_map.py ou "
        "tests/<app>/url_samples.py) :\n" + "\n".join(missing)
    )


def test_public_pages_are_declared():
    """A view opted out of login must be declared in PUBLIC, and a declared one must really be public."""
    routes = {route.name: route for route in site_map.all_routes()}
    undeclared = sorted(name for name, route in routes.items() if route.is_public and name not in site_map.PUBLIC)
    assert not undeclared, f"Pages publiques non déclarées dans PUBLIC : {undeclared}"
    not_public = sorted(name for name in site_map.PUBLIC if name in routes and not routes[name].is_public)
    assert not not_public, f"Pages déclarées publiques qui demandent une connexion : {not_public}"
    unknown = sorted(
        name
        for registry in (
            site_map.PUBLIC,
            site_map.STATUS_ONLY,
            site_map.SKIP,
            site_map.EXPECTED_STATUS,
            site_map.SAMPLES,
        )
        for name in registry
        if name not in routes
    )
    assert not unknown, f"Noms d'URL déclarés mais introuvables (renommés ?) : {unknown}"


@pytest.mark.parametrize("role", ALL_USERS)
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_page_invariants(route, role):
    client = client_for(role)
    url = site_map.url_for(route, client.user)
    response = client.get(url)

    allowed = site_map.expected_statuses(route, role)
    assert response.status_code in allowed, (
        f"{url} en tant que {role} : statut {response.status_code}, attendu {sorted(allowed)}"
        + (f" (redirige vers {response['Location']})" if response.has_header("Location") else "")
    )
    if response.status_code == 302 and role == ANONYMOUS:
        login_path = resolve_url(settings.LOGIN_URL)
        assert urlsplit(response["Location"]).path == login_path, f"{url} redirige vers {response['Location']}"
        return

    if route.name in site_map.STATUS_ONLY or response.status_code not in (200, 403, 404):
        return
    assert response["Content-Type"].startswith("text/html"), f"{url} : {response['Content-Type']}"
    problems = html_problems(response.content.decode())
    assert not problems, f"{url} en tant que {role} :\n- " + "\n- ".join(problems)
