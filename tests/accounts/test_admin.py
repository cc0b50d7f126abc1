import pytest
from django.urls import reverse

from tests.accounts.factories import InvitationFactory, MembershipFactory, UserFactory


def test_a_coordinator_who_is_not_staff_is_refused(login_as):
    client = login_as(UserFactory(coordinator=True, totp=True))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    login_page = client.get(response["Location"])
    assert login_page.status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 302


def test_anonymous_is_sent_to_the_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302


@pytest.mark.parametrize(
    "name",
    [
        "admin:index",
        "admin:accounts_user_changelist",
        "admin:accounts_user_add",
        "admin:accounts_organization_changelist",
        "admin:accounts_membership_changelist",
        "admin:accounts_invitation_changelist",
        "admin:accounts_loginfailure_changelist",
    ],
)
def test_staff_with_a_verified_session_use_the_admin(login_as, name):
    MembershipFactory()
    InvitationFactory()
    client = login_as(UserFactory(administrator=True, is_superuser=True, totp=True))
    assert client.get(reverse(name)).status_code == 200


def test_staff_change_pages_load(login_as):
    membership = MembershipFactory()
    invitation = InvitationFactory()
    client = login_as(UserFactory(administrator=True, is_superuser=True, totp=True))
    assert client.get(reverse("admin:accounts_user_change", args=[membership.user.pk])).status_code == 200
    assert client.get(reverse("admin:accounts_invitation_change", args=[invitation.pk])).status_code == 200
