"""Project-wide test setup.

- Every test may use the database (the `django_db` mark is added where missing).
- Tests marked `postgres` are skipped on SQLite.
- No test touches the network: sockets may only connect to the loopback interface (or a Unix socket).
- `client_for(role)` gives a logged-in test client; coordinators and administrators get an OTP-verified session.
"""

import ipaddress
import socket

import pytest
from django.conf import settings

from tests import roles

# ---------------------------------------------------------------------------------------------------------
# No network: only loopback addresses and Unix sockets.


class NetworkAccessBlocked(RuntimeError):
    pass


_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "testserver"}
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _is_local(host):
    if host is None:
        return True
    host = str(host).strip("[]").split("%")[0]
    if host in _LOCAL_NAMES or host == "":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_address(sock, address):
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        raise NetworkAccessBlocked(f"Les tests n'ont pas accès au réseau (connexion vers {address!r} refusée).")


def _guarded_connect(self, address):
    _check_address(self, address)
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    _check_address(self, address)
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if not _is_local(host if not isinstance(host, bytes) else host.decode()):
        raise NetworkAccessBlocked(f"Les tests n'ont pas accès au réseau (résolution de {host!r} refusée).")
    return _real_getaddrinfo(host, *args, **kwargs)


def pytest_configure(config):
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
    socket.getaddrinfo = _guarded_getaddrinfo


def pytest_unconfigure(config):
    socket.socket.connect = _real_connect
    socket.socket.connect_ex = _real_connect_ex
    socket.getaddrinfo = _real_getaddrinfo


# ---------------------------------------------------------------------------------------------------------
# Marks: database for everyone, PostgreSQL-only tests skipped elsewhere, browser tests by folder.


def database_vendor():
    engine = settings.DATABASES["default"]["ENGINE"]
    return "postgresql" if "postgresql" in engine else "sqlite" if "sqlite" in engine else engine


def pytest_collection_modifyitems(config, items):
    vendor = database_vendor()
    skip_postgres = pytest.mark.skip(reason="Nécessite PostgreSQL (la base de test est SQLite).")
    for item in items:
        if item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db)
        if "/tests/browser/" in str(item.path).replace("\\", "/") and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("postgres") is not None and vendor != "postgresql":
            item.add_marker(skip_postgres)


def pytest_report_header(config):
    return f"base de données de test : {database_vendor()} ({settings.DATABASES['default']['NAME']})"


# ---------------------------------------------------------------------------------------------------------
# Users and logged-in clients.


@pytest.fixture
def client_for(db):
    """Factory: `client_for("mediator")` returns a Django test client logged in as a new user holding that role
    (`client.user`); `"administrator"` is a staff user; `"anonymous"` a client without session. Coordinators
    and administrators come with a confirmed TOTP device and an OTP-verified session."""
    return roles.client_for


@pytest.fixture
def user_with_role(db):
    """Factory: `user_with_role("coordinator", organization=org)` creates a user holding that role."""
    return roles.create_user_with_role


@pytest.fixture
def log_in(db):
    """`log_in(client, user, otp_verified=None)`: force-login with the session the real views would leave."""
    return roles.log_in


@pytest.fixture(scope="session", autouse=True)
def _close_stray_postgres_sessions(django_db_setup, django_db_blocker):
    """PostgreSQL refuses to drop a test database that still has sessions: end those left by threads (the
    live server's request threads) before pytest-django drops it."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    """The memory SMS backend's outbox starts empty in every test, like Django's mail.outbox."""
    from core import sms

    sms.outbox.clear()
