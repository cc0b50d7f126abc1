import json
from datetime import timedelta

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import LoginFailure, Membership, User
from accounts.personal_data import anonymize_user, export_user_data
from accounts.services import update_profile
from core.models import HistoryEntry
from tests.accounts.factories import PASSWORD, OrganizationFactory, UserFactory
from tests.roles import log_in


def test_export_holds_account_roles_and_own_actions():
    organization = OrganizationFactory(name="Médiathèque de Nérac")
    user = UserFactory(email="lea@example.org", first_name="Léa", mediator=True, organization=organization)
    update_profile(user, acting_user=user, first_name="Léa", last_name="Dubois", phone="0553000000")
    LoginFailure.objects.create(email="lea@example.org", ip_address="127.0.0.1")

    data = export_user_data(user)

    assert data["compte"]["adresse_e_mail"] == "lea@example.org"
    assert data["compte"]["nom"] == "Dubois"
    assert data["roles"] == [
        {
            "organisation": "Médiathèque de Nérac",
            "role": "Médiateur ou médiatrice",
            "depuis_le": data["roles"][0]["depuis_le"],
        }
    ]
    assert [e["action"] for e in data["historique"]] == ["profile_updated"]
    assert data["echecs_de_connexion"][0]["adresse_ip"] == "127.0.0.1"


def test_download_my_data_is_a_json_attachment_for_the_logged_in_user_only():
    user = UserFactory(email="karim@example.org", prescriber=True)
    response = log_in(Client(), user).get(reverse("accounts:my_data"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert json.loads(response.content)["compte"]["adresse_e_mail"] == "karim@example.org"
    assert Client().get(reverse("accounts:my_data")).status_code == 302


def test_anonymize_erases_the_person_and_keeps_anonymous_history():
    coordinator = UserFactory(coordinator=True)
    user = UserFactory(email="paul@example.org", first_name="Paul", last_name="Durand", mediator=True, totp=True)
    update_profile(user, acting_user=user, first_name="Paul", last_name="Durand", phone="0600000000")

    anonymize_user(user, acting_user=coordinator, reason="Demande écrite")

    user.refresh_from_db()
    assert user.email.endswith("@anonyme.invalid")
    assert (user.first_name, user.last_name, user.phone) == ("", "", "")
    assert not user.is_active and not user.has_usable_password()
    assert not Membership.objects.filter(user=user).exists()
    assert not HistoryEntry.objects.filter(actor_label__icontains="Durand").exists()
    assert not HistoryEntry.objects.filter(object_label__icontains="Durand").exists()
    assert HistoryEntry.objects.filter(action="user_anonymized", actor=coordinator).exists()
    assert not Client().login(username="paul@example.org", password=PASSWORD)


def test_inactive_accounts_are_anonymised_by_the_scheduled_command(settings, capsys):
    settings.ACCOUNT_RETENTION_MONTHS = 24
    old = UserFactory(email="old@example.org")
    User.objects.filter(pk=old.pk).update(last_login=timezone.now() - timedelta(days=800))
    recent = UserFactory(email="recent@example.org")
    User.objects.filter(pk=recent.pk).update(last_login=timezone.now() - timedelta(days=10))

    call_command("anonymize_inactive_accounts")
    assert "1 compte(s)" in capsys.readouterr().out
    assert User.objects.filter(email="old@example.org").exists()

    call_command("anonymize_inactive_accounts", "--wet-run")
    assert not User.objects.filter(email="old@example.org").exists()
    assert User.objects.filter(email="recent@example.org").exists()

    call_command("anonymize_inactive_accounts", "--wet-run")
    assert "0 compte(s) anonymisé(s)" in capsys.readouterr().out.splitlines()[-1]
