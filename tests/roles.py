"""Users for each role, logged in the way the real login and TOTP views leave a session.

Used by the fixtures in `tests/conftest.py`, the URL walker and the browser tests. The role names are the
`accounts.models.Role` values plus `administrator` (département IT staff, `is_staff`) and `anonymous`.
"""

import itertools

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Organization, Role, User

ANONYMOUS = "anonymous"
ADMINISTRATOR = "administrator"
ROLES = [role.value for role in Role] + [ADMINISTRATOR]
ALL_USERS = [ANONYMOUS, *ROLES]
PASSWORD = "mot-de-passe-de-test-2024"

_sequence = itertools.count(1)


def create_user_with_role(role, *, organization=None, email=None, **extra):
    """A user holding `role` in an organisation (a new one unless given). `administrator` is a staff user
    without membership. Users who need a second factor get a confirmed TOTP device."""
    number = next(_sequence)
    user = User.objects.create_user(
        email=email or f"{role}-{number}@example.org",
        password=PASSWORD,
        first_name=role.replace("_", " ").capitalize(),
        last_name=f"Test {number}",
        is_staff=(role == ADMINISTRATOR),
        **extra,
    )
    if role != ADMINISTRATOR:
        if role not in Role.values:
            raise ValueError(f"Rôle inconnu : {role!r} (attendus : {', '.join(ALL_USERS)})")
        organization = organization or Organization.objects.create(name=f"Structure de test {number}")
        Membership.objects.create(user=user, organization=organization, role=role)
    if user.requires_second_factor:
        TOTPDevice.objects.create(user=user, name="Application de test", confirmed=True)
    return user


def verified_device(user):
    """The confirmed TOTP device the session is verified with (created when missing)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Application de test", confirmed=True)


def log_in(client, user, *, otp_verified=None):
    """Logs `user` in on a Django test client. Users who need a second factor get a session verified by
    TOTP, as `django_otp.login()` leaves it (session key `otp_device_id`), unless `otp_verified=False`."""
    client.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[0])
    if otp_verified is None:
        otp_verified = user.requires_second_factor
    if otp_verified:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
        session.save()
    return client


def client_for(role, **user_fields):
    """A test client logged in with `role` (or anonymous); the user is `client.user` (None when anonymous)."""
    client = Client()
    client.user = None
    if role == ANONYMOUS:
        return client
    client.user = create_user_with_role(role, **user_fields)
    log_in(client, client.user)
    return client


def session_cookie_for(user):
    """The value of a session cookie for `user` (OTP-verified when needed), for a real browser."""
    client = log_in(Client(), user)
    session = client.session
    assert session[SESSION_KEY] and session[BACKEND_SESSION_KEY] and session[HASH_SESSION_KEY]
    return client.cookies[settings.SESSION_COOKIE_NAME].value
