from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import LoginFailure
from core.models import HistoryEntry
from tests.accounts.factories import PASSWORD, UserFactory

LOGIN_URL = reverse("accounts:login")


def post_login(client, email, password, next=None, **request_extra):
    data = {"username": email, "password": password}
    if next is not None:
        data["next"] = next
    return client.post(LOGIN_URL, data, **request_extra)


def form_errors(response):
    return response.context["form"].non_field_errors()


def test_login_page_is_in_french():
    response = Client().get(LOGIN_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Adresse e-mail" in content and "Mot de passe" in content and "Mot de passe oublié" in content


def test_login_by_email_ignores_case_and_goes_to_the_dashboard():
    UserFactory(email="marie@example.org")
    response = post_login(Client(), "Marie@Example.org", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")


def test_login_follows_a_safe_next():
    UserFactory(email="marie@example.org")
    response = post_login(Client(), "marie@example.org", PASSWORD, next="/compte/organisations/")
    assert response["Location"] == "/compte/organisations/"


@pytest.mark.parametrize("target", ["https://evil.example.com/", "//evil.example.com/", "javascript:alert(1)"])
def test_login_ignores_an_unsafe_next(target):
    UserFactory(email="marie@example.org")
    response = post_login(Client(), "marie@example.org", PASSWORD, next=target)
    assert response["Location"] == reverse("accounts:dashboard")


def test_wrong_password_and_unknown_email_get_the_same_answer():
    UserFactory(email="marie@example.org")
    wrong_password = post_login(Client(), "marie@example.org", "pas-le-bon-mot-de-passe")
    unknown_email = post_login(Client(), "personne@example.org", "pas-le-bon-mot-de-passe")
    assert wrong_password.status_code == unknown_email.status_code == 200
    assert form_errors(wrong_password) == form_errors(unknown_email)
    assert "Adresse e-mail ou mot de passe incorrect" in form_errors(wrong_password)[0]


def test_inactive_account_gets_the_same_answer_as_a_wrong_password():
    UserFactory(email="ancien@example.org", is_active=False)
    response = post_login(Client(), "ancien@example.org", PASSWORD)
    assert "Adresse e-mail ou mot de passe incorrect" in form_errors(response)[0]


def test_failures_are_stored_with_the_ip_and_cleared_by_a_successful_login():
    UserFactory(email="marie@example.org")
    post_login(Client(), " MARIE@example.org", "mauvais", REMOTE_ADDR="203.0.113.9")
    failure = LoginFailure.objects.get()
    assert (failure.email, failure.ip_address) == ("marie@example.org", "203.0.113.9")
    post_login(Client(), "marie@example.org", PASSWORD)
    assert not LoginFailure.objects.exists()


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_MINUTES=15)
@pytest.mark.parametrize("exists", [True, False], ids=["compte existant", "adresse inconnue"])
def test_lockout_after_repeated_failures(exists, django_capture_on_commit_callbacks):
    if exists:
        UserFactory(email="cible@example.org")
    client = Client()
    for _ in range(2):
        response = post_login(client, "cible@example.org", "mauvais")
        assert "Trop de tentatives" not in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        third = post_login(client, "cible@example.org", "mauvais")
    assert "Trop de tentatives" in " ".join(form_errors(third))
    # Even the right password is refused while locked, with the same message either way.
    locked = post_login(client, "cible@example.org", PASSWORD)
    errors = form_errors(locked)
    assert errors == [
        "Trop de tentatives de connexion ont échoué pour cette adresse. Par sécurité, attendez 15 minutes avant de "
        "réessayer, ou choisissez un nouveau mot de passe avec le lien « Mot de passe oublié »."
    ]
    assert "_auth_user_id" not in client.session
    assert LoginFailure.objects.count() == 3  # refused attempts are not counted
    assert HistoryEntry.objects.filter(action="login_locked").count() == (1 if exists else 0)
    assert len(mail.outbox) == (1 if exists else 0)


@override_settings(LOGIN_FAILURE_LIMIT=2, LOGIN_LOCKOUT_MINUTES=15)
def test_lockout_message_gives_the_minutes_left_and_ends_after_the_window():
    UserFactory(email="cible@example.org")
    post_login(Client(), "cible@example.org", "mauvais")
    post_login(Client(), "cible@example.org", "mauvais")
    LoginFailure.objects.update(created_at=timezone.now() - timedelta(minutes=10))
    assert "attendez 5 minutes" in form_errors(post_login(Client(), "cible@example.org", PASSWORD))[0]
    LoginFailure.objects.update(created_at=timezone.now() - timedelta(minutes=16))
    assert post_login(Client(), "cible@example.org", PASSWORD).status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT=2)
def test_admin_login_has_the_same_lockout():
    UserFactory(email="admin@example.org", administrator=True)
    url = reverse("admin:login")
    for _ in range(2):
        Client().post(url, {"username": "admin@example.org", "password": "mauvais"})
    response = Client().post(url, {"username": "admin@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert "Trop de tentatives" in response.content.decode()


def test_logout_is_post_only():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_french_email_after_commit_and_unlocks(django_capture_on_commit_callbacks):
    user = UserFactory(email="marie@example.org")
    LoginFailure.objects.create(email="marie@example.org")
    client = Client()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("accounts:password_reset"), {"email": "Marie@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["marie@example.org"]
    assert "Nouveau mot de passe" in message.subject
    assert "choisir un nouveau mot de passe" in message.body
    link = next(line for line in message.body.splitlines() if "/mot-de-passe/nouveau/" in line)
    path = link[link.index("/compte/") :]
    response = client.get(path, follow=True)
    assert response.status_code == 200 and "Choisir un nouveau mot de passe" in response.content.decode()
    new_password = "un-nouveau-mot-de-passe-solide"
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert response["Location"] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert not LoginFailure.objects.exists()
    assert HistoryEntry.objects.for_object(user).filter(action="password_reset").exists()


def test_password_reset_for_an_unknown_email_gives_the_same_answer(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(reverse("accounts:password_reset"), {"email": "personne@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []
    done = Client().get(reverse("accounts:password_reset_done")).content.decode()
    assert "Si un compte existe pour cette adresse" in done


def test_password_change_for_the_logged_in_user(login_as):
    user = UserFactory()
    client = login_as(user)
    new_password = "un-nouveau-mot-de-passe-solide"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response["Location"] == reverse("accounts:password_change_done")
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert HistoryEntry.objects.for_object(user).filter(action="password_changed").exists()


def test_password_change_applies_the_cnil_length(login_as):
    client = login_as(UserFactory())
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Court-1x", "new_password2": "Court-1x"},
    )
    assert response.status_code == 200
    assert "12 caractères" in response.content.decode()
