import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import HistoryEntry
from tests.accounts.factories import PASSWORD, UserFactory


def code_for(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def password_login(email, next_url=None):
    client = Client()
    data = {"username": email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client, client.post(reverse("accounts:login"), data)


def test_a_coordinator_is_sent_to_enrol_then_can_browse():
    user = UserFactory(coordinator=True)
    client, response = password_login(user.email, next_url="/compte/organisations/")
    assert response["Location"].startswith(reverse("accounts:otp_setup"))
    # Every page needing a login leads back to the setup until it is done.
    blocked = client.get(reverse("accounts:dashboard"))
    assert blocked["Location"].startswith(reverse("accounts:otp_setup"))
    setup = client.get(response["Location"])
    content = setup.content.decode()
    assert setup.status_code == 200
    assert 'src="data:image/svg+xml' in content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", content).group(1).replace(" ", "")
    assert secret and "obligatoire" in content
    wrong = client.post(response["Location"], {"token": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and "pas le bon" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    done = client.post(response["Location"], {"token": code_for(device), "next": "/compte/organisations/"})
    assert done["Location"] == "/compte/organisations/"
    device.refresh_from_db()
    assert device.confirmed
    assert HistoryEntry.objects.filter(action="otp_enabled").exists()
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    assert client.get(reverse("accounts:organization_list")).status_code == 200


def test_a_coordinator_with_a_device_types_a_code_at_login():
    user = UserFactory(coordinator=True, totp=True)
    client, response = password_login(user.email)
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.get(reverse("accounts:dashboard"))["Location"].startswith(reverse("accounts:otp_verify"))
    device = TOTPDevice.objects.get(user=user)
    ok = client.post(f"{reverse('accounts:otp_verify')}", {"token": code_for(device), "next": "/compte/"})
    assert ok["Location"] == "/compte/"
    assert client.get(reverse("accounts:dashboard")).status_code == 200


@override_settings(OTP_TOTP_THROTTLE_FACTOR=60)
def test_wrong_codes_are_throttled():
    user = UserFactory(coordinator=True, totp=True)
    client, _ = password_login(user.email)
    device = TOTPDevice.objects.get(user=user)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    first = client.post(reverse("accounts:otp_verify"), {"token": wrong})
    assert "pas le bon" in first.content.decode()
    # Right after a failure, even the right code must wait (exponential back-off, stored on the device).
    second = client.post(reverse("accounts:otp_verify"), {"token": code_for(device)})
    assert "Trop de codes erronés" in second.content.decode()
    assert client.get(reverse("accounts:dashboard")).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_a_mediator_is_not_asked_for_a_code():
    user = UserFactory(mediator=True)
    client, response = password_login(user.email)
    assert response["Location"] == reverse("accounts:dashboard")
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_a_mediator_who_enabled_it_is_asked_for_a_code():
    user = UserFactory(mediator=True, totp=True)
    client, response = password_login(user.email)
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.get(reverse("accounts:profile"))["Location"].startswith(reverse("accounts:otp_verify"))


def test_any_user_may_enable_it_from_the_profile(login_as):
    user = UserFactory(prescriber=True)
    client = login_as(user)
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:otp_setup") in profile
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("accounts:otp_setup"), {"token": code_for(device)})
    assert response["Location"] == reverse("accounts:profile")
    assert "activée" in client.get(reverse("accounts:profile")).content.decode()


def test_an_unverified_session_cannot_enrol_a_second_device(login_as):
    user = UserFactory(coordinator=True, totp=True)
    client = login_as(user, otp_verified=False)
    response = client.get(reverse("accounts:otp_setup"))
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_public_pages_and_logout_stay_open_before_the_code(login_as):
    client = login_as(UserFactory(coordinator=True), otp_verified=False)
    assert client.get(reverse("accounts:password_reset")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302


@pytest.mark.parametrize("path", ["/admin/", "/compte/organisations/"])
def test_administrators_need_the_code_too(login_as, path):
    client = login_as(UserFactory(administrator=True), otp_verified=False)
    response = client.get(path)
    assert response["Location"].startswith(reverse("accounts:otp_setup"))
