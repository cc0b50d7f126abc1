"""The « Mes notifications » page (/compte/notifications/) and its service."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.notify import update_notification_preferences
from core.models import HistoryEntry
from tests.accounts.factories import UserFactory

URL = reverse("accounts:notifications")


def test_page_shows_the_current_choices_and_is_linked_from_the_account_page(login_as):
    user = UserFactory(email_frequency="daily", phone="06 12 34 56 78")
    client = login_as(user)
    assert URL in client.get(reverse("accounts:profile")).content.decode()
    page = client.get(URL).content.decode()
    assert "<h1>Mes notifications</h1>" in page
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("input", {"name": "email_frequency", "checked": True})["value"] == "daily"
    assert soup.find("input", {"name": "phone"})["value"] == "06 12 34 56 78"
    assert not soup.find("input", {"name": "sms_notifications"}).has_attr("checked")


def test_choosing_the_digest_and_sms_saves_and_records_history(login_as):
    user = UserFactory(phone="")
    response = login_as(user).post(
        URL, {"email_frequency": "daily", "sms_notifications": "on", "phone": "07 12 34 56 78"}, follow=True
    )
    assert response.redirect_chain == [(URL, 302)]
    assert "Vos préférences de notification sont enregistrées." in response.content.decode()
    user.refresh_from_db()
    assert (user.email_frequency, user.sms_notifications, user.phone) == ("daily", True, "07 12 34 56 78")
    entry = HistoryEntry.objects.for_object(user).get(action="notification_preferences_updated")
    assert entry.changes["email_frequency"] == ["immediate", "daily"]
    assert entry.changes["sms_notifications"] == [False, True]


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("", "Indiquez votre numéro de mobile pour recevoir des SMS."),
        ("05 53 12 34 56", "Pour recevoir des SMS, indiquez un numéro de mobile français"),
    ],
)
def test_sms_without_a_mobile_number_is_refused_and_changes_nothing(login_as, phone, message):
    user = UserFactory(phone="05 53 00 00 00")
    response = login_as(user).post(URL, {"email_frequency": "daily", "sms_notifications": "on", "phone": phone})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Le formulaire contient 1 erreur" in content
    assert "Téléphone : " in content and message in content
    user.refresh_from_db()
    assert (user.email_frequency, user.sms_notifications, user.phone) == ("immediate", False, "05 53 00 00 00")
    assert not HistoryEntry.objects.filter(action="notification_preferences_updated").exists()


def test_unknown_frequency_is_refused(login_as):
    user = UserFactory()
    response = login_as(user).post(URL, {"email_frequency": "hourly", "phone": ""})
    assert "E-mails de suivi : " in response.content.decode()
    user.refresh_from_db()
    assert user.email_frequency == "immediate"


def test_service_refuses_sms_without_mobile_and_changes_nothing():
    user = UserFactory(phone="")
    with pytest.raises(ValidationError) as error:
        update_notification_preferences(
            user, acting_user=user, email_frequency="daily", sms_notifications=True, phone="0553123456"
        )
    assert "phone" in error.value.message_dict
    user.refresh_from_db()
    assert (user.email_frequency, user.sms_notifications) == ("immediate", False)


def test_saving_without_change_writes_no_history():
    user = UserFactory(phone="")
    update_notification_preferences(
        user, acting_user=user, email_frequency="immediate", sms_notifications=False, phone=""
    )
    assert not HistoryEntry.objects.filter(action="notification_preferences_updated").exists()


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
