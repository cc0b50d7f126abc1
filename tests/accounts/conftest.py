import pytest
from django.test import Client

from tests.roles import log_in


@pytest.fixture
def login_as():
    """`login_as(user)`: a client logged in as `user`, with a TOTP-verified session when the user needs one."""

    def make(user, **kwargs):
        return log_in(Client(), user, **kwargs)

    return make
