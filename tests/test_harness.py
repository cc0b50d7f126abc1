"""The test harness itself: no network, logged-in clients for every role, the HTML checks."""

import socket

import pytest
from django.urls import reverse

from tests.conftest import NetworkAccessBlocked
from tests.html_checks import html_problems
from tests.roles import ROLES


def test_network_is_blocked_outside_loopback():
    with pytest.raises(NetworkAccessBlocked):
        socket.create_connection(("192.0.2.1", 80), timeout=1)  # TEST-NET-1: never routed anyway
    with pytest.raises(NetworkAccessBlocked):
        socket.getaddrinfo("example.org", 443)


def test_loopback_stays_reachable():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=1):
            pass


@pytest.mark.parametrize("role", ROLES)
def test_client_for_logs_in_with_a_verified_second_factor_when_needed(client_for, role):
    client = client_for(role)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200, response.get("Location")
    assert response.wsgi_request.user == client.user
    assert response.wsgi_request.user.is_verified() == client.user.requires_second_factor


def test_anonymous_client_is_sent_to_the_login_page(client_for):
    response = client_for("anonymous").get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_coordinator_without_verified_session_is_stopped(user_with_role, log_in, client):
    log_in(client, user_with_role("coordinator"), otp_verified=False)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))


GOOD_PAGE = """<!DOCTYPE html><html lang="fr"><head><title>Page — Plateforme</title></head><body><main>
<h1>Titre</h1><form><label for="a">A</label><input id="a" name="a"><label>B <input name="b"></label>
<input name="c" aria-label="C"><span id="d-label">D</span><select name="d" aria-labelledby="d-label"></select>
<input type="hidden" name="e"><button type="submit">Envoyer</button></form></main></body></html>"""


def test_html_checks_accept_a_good_page():
    assert html_problems(GOOD_PAGE) == []


def test_html_checks_report_every_broken_invariant():
    page = """<html lang="en"><head><title> — Plateforme</title></head><body><main><h1>A</h1><h1 id="x">B</h1>
    <p id="x">«INVALID:user.nom»</p><input name="nom"><textarea name="t"></textarea></main></body></html>"""
    problems = "\n".join(html_problems(page))
    for expected in [
        'lang="fr"',
        "exactement un <h1>",
        "<title>",
        'name="nom"',
        'name="t"',
        "INVALID",
        "id en double",
    ]:
        assert expected in problems
