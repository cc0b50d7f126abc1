import re

import pytest
from django.urls import Resolver404, resolve, reverse

from accounts.models import Role
from core.models import HistoryEntry
from tests.accounts.factories import OrganizationFactory, UserFactory

SECTION_TITLES = {
    "coordinator": "Coordination départementale",
    "partner_viewer": "Partenaire (consultation)",
    "prescriber": "Prescripteur ou aidant",
    "mediator": "Médiation numérique",
    "refurbisher": "Atelier de reconditionnement",
    "org_admin": "Administration de votre organisation",
}


@pytest.mark.parametrize("role", list(SECTION_TITLES))
def test_dashboard_has_one_section_per_role_and_only_real_links(login_as, role):
    user = UserFactory(role=role, organization=OrganizationFactory(name="Espace de Tonneins"))
    content = login_as(user).get(reverse("accounts:dashboard")).content.decode()
    assert SECTION_TITLES[role] in content
    others = [title for other, title in SECTION_TITLES.items() if other != role]
    assert not any(title in content for title in others)
    if role != "coordinator":
        assert "Espace de Tonneins" in content
    main = content[content.index("<main") : content.index("</main>")]
    for href in re.findall(r'href="(/[^"#?]*)', main):
        try:
            resolve(href)
        except Resolver404:  # pragma: no cover - the message is the point
            pytest.fail(f"Lien mort sur le tableau de bord : {href}")


def test_dashboard_of_a_user_with_two_roles(login_as):
    organization = OrganizationFactory()
    user = UserFactory(mediator=True, organization=organization)
    user.memberships.create(organization=organization, role=Role.ORG_ADMIN)
    content = login_as(user).get(reverse("accounts:dashboard")).content.decode()
    assert SECTION_TITLES["mediator"] in content and SECTION_TITLES["org_admin"] in content


def test_dashboard_without_any_role_says_so(login_as):
    content = login_as(UserFactory()).get(reverse("accounts:dashboard")).content.decode()
    assert "aucune organisation" in content


def test_profile_edits_name_and_phone_and_lists_memberships(login_as):
    organization = OrganizationFactory(name="Centre social d'Agen")
    user = UserFactory(mediator=True, organization=organization, first_name="Ana")
    client = login_as(user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Centre social d'Agen" in page or "Centre social d&#x27;Agen" in page
    assert reverse("accounts:password_change") in page and reverse("accounts:otp_setup") in page
    response = client.post(
        reverse("accounts:profile"), {"first_name": "Anna", "last_name": "Lopez", "phone": "05 53 00 00 00"}
    )
    assert response["Location"] == reverse("accounts:profile")
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.phone) == ("Anna", "Lopez", "05 53 00 00 00")
    entry = HistoryEntry.objects.for_object(user).get(action="profile_updated")
    assert entry.changes["first_name"] == ["Ana", "Anna"]


def test_profile_cannot_change_the_email_or_the_staff_flag(login_as):
    user = UserFactory(email="moi@example.org")
    login_as(user).post(
        reverse("accounts:profile"),
        {"first_name": "A", "last_name": "B", "phone": "", "email": "autre@example.org", "is_staff": "on"},
    )
    user.refresh_from_db()
    assert user.email == "moi@example.org" and not user.is_staff
