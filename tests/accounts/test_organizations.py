import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts import permissions, services
from accounts.models import Membership, Organization, Role
from core.models import HistoryEntry
from geo.models import Commune, Departement
from tests.accounts.factories import MembershipFactory, OrganizationFactory, UserFactory


@pytest.fixture
def network():
    """Three organisations: A and B (private), P a partner, N a network member."""
    return {
        "a": OrganizationFactory(name="A"),
        "b": OrganizationFactory(name="B"),
        "p": OrganizationFactory(name="P", partner=True),
        "n": OrganizationFactory(name="N", network_member=True),
    }


def names(queryset):
    return sorted(queryset.values_list("name", flat=True))


# QuerySets and predicates, role by role ---------------------------------------------------------------------------


@pytest.mark.parametrize("trait", ["coordinator", "administrator"])
def test_coordinators_and_administrators_see_and_manage_everything(network, trait):
    user = UserFactory(**{trait: True})
    assert set(network.values()) <= set(Organization.objects.visible_to(user))
    assert set(network.values()) <= set(Organization.objects.managed_by(user))
    assert permissions.can_create_organization(user) and permissions.can_set_network_flags(user)
    assert permissions.can_view_members(user, network["b"])
    assert permissions.can_grant_role(user, network["b"], Role.COORDINATOR)


@pytest.mark.parametrize("role", [Role.PARTNER_VIEWER, Role.PRESCRIBER, Role.MEDIATOR, Role.REFURBISHER])
def test_members_see_their_organization_partners_and_network_but_manage_nothing(network, role):
    user = UserFactory(role=role, organization=network["a"])
    assert names(Organization.objects.visible_to(user)) == ["A", "N", "P"]
    assert not Organization.objects.managed_by(user).exists()
    assert permissions.can_view_members(user, network["a"])
    assert not permissions.can_view_members(user, network["p"])
    assert not permissions.can_invite(user, network["a"])
    assert not permissions.can_edit_organization(user, network["a"])
    assert not permissions.can_create_organization(user)
    assert permissions.grantable_roles(user, network["a"]) == []


def test_org_admins_manage_their_own_organization(network):
    user = UserFactory(org_admin=True, organization=network["a"])
    assert names(Organization.objects.visible_to(user)) == ["A", "N", "P"]
    assert names(Organization.objects.managed_by(user)) == ["A"]
    assert permissions.can_invite(user, network["a"]) and not permissions.can_invite(user, network["b"])
    assert permissions.can_edit_organization(user, network["a"])
    assert not permissions.can_edit_organization(user, network["p"])
    assert not permissions.can_set_network_flags(user)
    assert Role.COORDINATOR not in permissions.grantable_roles(user, network["a"])
    assert Role.MEDIATOR in permissions.grantable_roles(user, network["a"])


def test_anonymous_sees_nothing(network):
    from django.contrib.auth.models import AnonymousUser

    assert not Organization.objects.visible_to(AnonymousUser()).exists()


def test_a_user_with_two_memberships_is_listed_once(network):
    user = UserFactory(mediator=True, organization=network["p"])
    MembershipFactory(user=user, organization=network["p"], role=Role.PRESCRIBER)
    assert names(Organization.objects.visible_to(user)) == ["N", "P"]


def test_only_coordinators_remove_a_coordinator(network):
    coordinator_membership = MembershipFactory(organization=network["a"], role=Role.COORDINATOR)
    admin = UserFactory(org_admin=True, organization=network["a"])
    assert not permissions.can_remove_membership(admin, coordinator_membership)
    assert permissions.can_remove_membership(UserFactory(coordinator=True), coordinator_membership)


# Services ----------------------------------------------------------------------------------------------------------


def test_create_and_update_organization_write_history():
    coordinator = UserFactory(coordinator=True)
    organization = services.create_organization(
        acting_user=coordinator, name="Espace numérique", siret="73282932000074"
    )
    created = HistoryEntry.objects.for_object(organization).get()
    assert created.action == "organization_created" and created.actor == coordinator
    services.update_organization(organization, acting_user=coordinator, name="Espace numérique de Nérac")
    updated = HistoryEntry.objects.for_object(organization).filter(action="organization_updated").get()
    assert updated.changes == {"name": ["Espace numérique", "Espace numérique de Nérac"]}


def test_services_refuse_what_the_predicates_refuse():
    organization = OrganizationFactory()
    admin = UserFactory(org_admin=True, organization=organization)
    with pytest.raises(PermissionDenied):
        services.create_organization(acting_user=admin, name="X")
    with pytest.raises(PermissionDenied):
        services.update_organization(organization, acting_user=admin, is_partner=True)
    services.update_organization(organization, acting_user=admin, phone="05 53 00 00 00", is_partner=False)


def test_add_and_remove_membership_write_history():
    coordinator = UserFactory(coordinator=True)
    organization = OrganizationFactory()
    user = UserFactory()
    membership = services.add_membership(
        user=user, organization=organization, role=Role.MEDIATOR, acting_user=coordinator
    )
    assert HistoryEntry.objects.for_object(membership).get().action == "membership_added"
    pk = membership.pk
    services.remove_membership(membership, acting_user=coordinator)
    assert not Membership.objects.filter(pk=pk).exists()
    removed = HistoryEntry.objects.filter(action="membership_removed", object_id=str(pk)).get()
    assert removed.changes["user"] == user.email


# Pages -------------------------------------------------------------------------------------------------------------


def test_list_is_scoped_paginated_and_searchable(login_as, django_assert_max_num_queries):
    departement = Departement.objects.create(code="47", name="Lot-et-Garonne")
    nerac = Commune.objects.create(insee_code="47195", name="Nérac", departement=departement)
    for number in range(30):
        OrganizationFactory(name=f"Structure {number:02}", network_member=True)
    OrganizationFactory(name="Cachée")
    OrganizationFactory(name="Centre social", commune=nerac, partner=True)
    client = login_as(UserFactory(mediator=True))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:organization_list"))
    page = response.context["page"]
    assert page.paginator.count == 32  # 30 + partner + the mediator's own
    assert len(page.object_list) == 25
    assert "Cachée" not in response.content.decode()
    by_commune = client.get(reverse("accounts:organization_list"), {"q": "nérac"})
    assert [o.name for o in by_commune.context["page"].object_list] == ["Centre social"]
    by_name = client.get(reverse("accounts:organization_list"), {"q": "structure 1"})
    assert by_name.context["page"].paginator.count == 10


def test_detail_shows_members_to_members_only(login_as, network):
    mediator = UserFactory(mediator=True, organization=network["a"], first_name="Alice", last_name="Dupont")
    UserFactory(mediator=True, organization=network["p"], first_name="Bob", last_name="Partenaire")
    client = login_as(mediator)
    own = client.get(reverse("accounts:organization_detail", args=[network["a"].pk]))
    assert "Alice Dupont" in own.content.decode()
    partner = client.get(reverse("accounts:organization_detail", args=[network["p"].pk]))
    assert partner.status_code == 200 and "Bob Partenaire" not in partner.content.decode()
    assert client.get(reverse("accounts:organization_detail", args=[network["b"].pk])).status_code == 404
    assert client.get(reverse("accounts:organization_detail", args=[999999])).status_code == 404
    assert "Retirer" not in own.content.decode()


def test_create_organization_with_siret_checks(login_as):
    client = login_as(UserFactory(coordinator=True))
    url = reverse("accounts:organization_create")
    bad = client.post(url, {"name": "Association", "siret": "73282932000075"})
    assert bad.status_code == 200
    assert "la clé de contrôle ne correspond pas" in bad.context["form"].errors["siret"][0]
    departement = Departement.objects.create(code="47", name="Lot-et-Garonne")
    nerac = Commune.objects.create(insee_code="47195", name="Nérac", departement=departement, postal_codes=["47600"])
    response = client.post(
        url, {"name": "Association", "siret": "732 829 320 00074", "is_partner": "on", "commune": "nerac"}
    )
    organization = Organization.objects.get(name="Association")
    assert response["Location"] == reverse("accounts:organization_detail", args=[organization.pk])
    assert organization.siret == "73282932000074" and organization.is_partner
    assert organization.commune == nerac
    edit = client.get(reverse("accounts:organization_edit", args=[organization.pk]))
    assert "Nérac" in edit.content.decode() and "commune-autocomplete.js" in edit.content.decode()
    duplicate = client.post(url, {"name": "Autre", "siret": "73282932000074"})
    assert duplicate.context["form"].errors["siret"] == ["Une organisation avec ce SIRET existe déjà."]


@pytest.mark.parametrize("trait", ["org_admin", "mediator"])
def test_only_coordinators_create(login_as, trait):
    client = login_as(UserFactory(**{trait: True}))
    assert client.get(reverse("accounts:organization_create")).status_code == 403


def test_org_admin_edits_their_organization_without_the_flags(login_as, network):
    admin = UserFactory(org_admin=True, organization=network["a"])
    client = login_as(admin)
    url = reverse("accounts:organization_edit", args=[network["a"].pk])
    page = client.get(url)
    assert "is_partner" not in page.context["form"].fields
    response = client.post(url, {"name": "A renommée", "is_partner": "on", "typology": "ASSO"})
    assert response.status_code == 302
    network["a"].refresh_from_db()
    assert network["a"].name == "A renommée" and not network["a"].is_partner
    assert client.get(reverse("accounts:organization_edit", args=[network["p"].pk])).status_code == 403
    assert client.get(reverse("accounts:organization_edit", args=[network["b"].pk])).status_code == 404


def test_removing_a_membership(login_as, network):
    admin = UserFactory(org_admin=True, organization=network["a"])
    member = MembershipFactory(organization=network["a"], role=Role.MEDIATOR)
    elsewhere = MembershipFactory(organization=network["b"], role=Role.MEDIATOR)
    client = login_as(admin)
    page = client.get(reverse("accounts:organization_detail", args=[network["a"].pk]))
    assert reverse("accounts:membership_remove", args=[member.pk]) in page.content.decode()
    response = client.post(reverse("accounts:membership_remove", args=[member.pk]))
    assert response["Location"] == reverse("accounts:organization_detail", args=[network["a"].pk])
    assert not Membership.objects.filter(pk=member.pk).exists()
    assert client.post(reverse("accounts:membership_remove", args=[elsewhere.pk])).status_code == 404
    mediator_client = login_as(UserFactory(mediator=True, organization=network["b"]))
    assert mediator_client.post(reverse("accounts:membership_remove", args=[elsewhere.pk])).status_code == 404
    assert Membership.objects.filter(pk=elsewhere.pk).exists()
