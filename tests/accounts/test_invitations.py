import hashlib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, Membership, Role, User
from core.models import HistoryEntry
from tests.accounts.factories import InvitationFactory, MembershipFactory, OrganizationFactory, UserFactory


def accept_url(token):
    return reverse("accounts:invitation_accept", args=[token])


def token_from(message):
    line = next(line for line in message.body.splitlines() if "/compte/invitation/" in line)
    return line.rstrip("/").rsplit("/", 1)[1]


# Services --------------------------------------------------------------------------------------------------------


@override_settings(INVITATION_VALIDITY_DAYS=7)
def test_invite_member_stores_a_hashed_token_and_mails_the_link_after_commit(django_capture_on_commit_callbacks):
    coordinator = UserFactory(coordinator=True)
    organization = OrganizationFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = services.invite_member(
            email="Nouvelle@Example.org", organization=organization, role=Role.MEDIATOR, acting_user=coordinator
        )
    assert mail.outbox == []  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle@example.org"]
    assert organization.name in message.subject
    token = token_from(message)
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest() != token
    assert invitation.email == "nouvelle@example.org"
    assert invitation.invited_by == coordinator
    assert timedelta(days=6, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=7)
    entry = HistoryEntry.objects.for_object(invitation).get()
    assert (entry.action, entry.actor) == ("invitation_sent", coordinator)


def test_no_email_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    coordinator = UserFactory(coordinator=True)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.invite_member(
                email="x@example.org", organization=OrganizationFactory(), role=Role.MEDIATOR, acting_user=coordinator
            )
            raise RuntimeError
    assert callbacks == [] and mail.outbox == []


def test_org_admin_invites_into_their_organization_only():
    organization, other = OrganizationFactory(), OrganizationFactory()
    admin = UserFactory(org_admin=True, organization=organization)
    services.invite_member(email="a@example.org", organization=organization, role=Role.MEDIATOR, acting_user=admin)
    with pytest.raises(PermissionDenied):
        services.invite_member(email="b@example.org", organization=other, role=Role.MEDIATOR, acting_user=admin)
    with pytest.raises(PermissionDenied):
        services.invite_member(
            email="c@example.org", organization=organization, role=Role.COORDINATOR, acting_user=admin
        )


@pytest.mark.parametrize("role", [Role.MEDIATOR, Role.PRESCRIBER, Role.PARTNER_VIEWER, Role.REFURBISHER])
def test_other_roles_cannot_invite(role):
    organization = OrganizationFactory()
    user = UserFactory(role=role, organization=organization)
    with pytest.raises(PermissionDenied):
        services.invite_member(email="a@example.org", organization=organization, role=Role.MEDIATOR, acting_user=user)


def test_one_pending_invitation_per_email_organization_and_role():
    coordinator = UserFactory(coordinator=True)
    organization = OrganizationFactory()
    args = {"email": "a@example.org", "organization": organization, "acting_user": coordinator}
    services.invite_member(role=Role.MEDIATOR, **args)
    with pytest.raises(ValidationError, match="déjà en attente"):
        services.invite_member(role=Role.MEDIATOR, **args)
    services.invite_member(role=Role.PRESCRIBER, **args)  # another role is another invitation


def test_the_database_refuses_two_open_invitations():
    first = InvitationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        InvitationFactory(email=first.email, organization=first.organization, role=first.role)


def test_an_expired_invitation_is_replaced_by_a_new_one():
    coordinator = UserFactory(coordinator=True)
    old = InvitationFactory(expired=True)
    new = services.invite_member(
        email=old.email, organization=old.organization, role=old.role, acting_user=coordinator
    )
    old.refresh_from_db()
    assert old.revoked_at is not None and new.is_usable


def test_cannot_invite_someone_who_already_has_the_role():
    membership = MembershipFactory()
    with pytest.raises(ValidationError, match="déjà ce rôle"):
        services.invite_member(
            email=membership.user.email.upper(),
            organization=membership.organization,
            role=membership.role,
            acting_user=UserFactory(coordinator=True),
        )


def test_revoke_and_resend_write_history_and_resend_changes_the_link(django_capture_on_commit_callbacks):
    invitation = InvitationFactory()
    coordinator = UserFactory(coordinator=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.resend_invitation(invitation, acting_user=coordinator)
    new_token = token_from(mail.outbox[-1])
    assert new_token != invitation.token
    assert Invitation.objects.for_token(new_token).get() == invitation
    assert not Invitation.objects.for_token(invitation.token).exists()
    services.revoke_invitation(invitation, acting_user=coordinator)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    actions = set(HistoryEntry.objects.for_object(invitation).values_list("action", flat=True))
    assert {"invitation_resent", "invitation_revoked"} <= actions
    with pytest.raises(ValidationError):
        services.resend_invitation(invitation, acting_user=coordinator)


def test_accept_invitation_creates_the_account_and_the_membership():
    invitation = InvitationFactory(role=Role.PRESCRIBER)
    user = services.accept_invitation(
        invitation, first_name="Léa", last_name="Martin", password="un-mot-de-passe-solide"
    )
    assert user.email == invitation.email and user.check_password("un-mot-de-passe-solide")
    assert Membership.objects.filter(user=user, organization=invitation.organization, role=Role.PRESCRIBER).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.accepted_at
    assert HistoryEntry.objects.filter(action="invitation_accepted").exists()
    assert HistoryEntry.objects.filter(action="membership_added").exists()
    with pytest.raises(services.InvitationUnusable):
        services.accept_invitation(invitation, acting_user=user)


# Accept page -----------------------------------------------------------------------------------------------------


def test_happy_path_for_a_new_person(django_capture_on_commit_callbacks):
    coordinator = UserFactory(coordinator=True)
    organization = OrganizationFactory(name="Médiathèque de Nérac")
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_member(
            email="lea@example.org", organization=organization, role=Role.MEDIATOR, acting_user=coordinator
        )
    token = token_from(mail.outbox[0])
    client = Client()
    page = client.get(accept_url(token))
    assert page.status_code == 200
    assert "Médiathèque de Nérac" in page.content.decode()
    response = client.post(
        accept_url(token),
        {
            "first_name": "Léa",
            "last_name": "Martin",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
        },
    )
    assert response["Location"] == reverse("accounts:dashboard")
    user = User.objects.get(email="lea@example.org")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.has_role(Role.MEDIATOR, organization=organization)
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    # The link is single-use.
    reused = Client().get(accept_url(token))
    assert reused.status_code == 410
    assert "déjà servi" in reused.content.decode()


def test_a_weak_password_is_refused_in_french():
    invitation = InvitationFactory()
    response = Client().post(
        accept_url(invitation.token),
        {"first_name": "Léa", "last_name": "Martin", "password1": "court", "password2": "court"},
    )
    assert response.status_code == 200
    assert "12 caractères" in response.content.decode()
    assert not User.objects.filter(email=invitation.email).exists()


@pytest.mark.parametrize(
    "trait, text", [("expired", "a expiré"), ("accepted", "déjà servi"), ("revoked", "plus valable")]
)
def test_unusable_links_answer_410_with_a_way_to_ask_again(trait, text):
    invitation = InvitationFactory(**{trait: True})
    response = Client().get(accept_url(invitation.token))
    assert response.status_code == 410
    content = response.content.decode()
    assert text in content and "Demander une nouvelle invitation" in content


def test_unknown_link_answers_404_with_a_way_to_ask_again():
    response = Client().get(accept_url("nimporte-quoi"))
    assert response.status_code == 404
    assert "Demander une nouvelle invitation" in response.content.decode()


def test_existing_account_logs_in_then_confirms(login_as):
    organization = OrganizationFactory(name="France Services Marmande")
    user = UserFactory(email="paul@example.org", mediator=True)
    invitation = InvitationFactory(email="paul@example.org", organization=organization, role=Role.ORG_ADMIN)
    anonymous = Client().get(accept_url(invitation.token))
    assert anonymous.status_code == 200
    assert reverse("accounts:login") in anonymous.content.decode()

    client = login_as(user)
    confirm = client.get(accept_url(invitation.token))
    assert "Rejoindre France Services Marmande" in confirm.content.decode()
    assert not user.has_role(Role.ORG_ADMIN, organization=organization)
    response = client.post(accept_url(invitation.token))
    assert response["Location"] == reverse("accounts:dashboard")
    user.refresh_from_db()
    assert user.has_role(Role.ORG_ADMIN, organization=organization)


def test_someone_else_logged_in_cannot_use_the_link(login_as):
    invitation = InvitationFactory()
    client = login_as(UserFactory())
    assert client.post(accept_url(invitation.token)).status_code == 403
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_unverified_coordinator_passes_the_second_factor_before_accepting(login_as):
    user = UserFactory(coordinator=True, totp=True)
    invitation = InvitationFactory(email=user.email)
    response = login_as(user, otp_verified=False).post(accept_url(invitation.token))
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


# Asking for a new link ---------------------------------------------------------------------------------------------


def test_asking_for_a_new_link_tells_the_inviter_and_the_admins_once_a_day(django_capture_on_commit_callbacks):
    organization = OrganizationFactory()
    admin = UserFactory(org_admin=True, organization=organization)
    invitation = InvitationFactory(expired=True, organization=organization)
    page = Client().get(accept_url(invitation.token))
    assert page.status_code == 410
    data = {"email": invitation.email, "token": invitation.token}
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(reverse("accounts:invitation_renewal"), data)
    assert response.status_code == 200
    # one message per recipient: nobody sees the other addresses
    assert sorted(m.to for m in mail.outbox) == sorted([[admin.email], [invitation.invited_by.email]])
    assert all(invitation.email in m.body for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = Client().post(reverse("accounts:invitation_renewal"), data)
    assert len(mail.outbox) == 2
    assert again.content == response.content


def test_asking_for_an_unknown_address_says_the_same_and_sends_nothing(django_capture_on_commit_callbacks):
    InvitationFactory(expired=True, email="connue@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        unknown = Client().post(reverse("accounts:invitation_renewal"), {"email": "inconnue@example.org"})
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        known = Client().post(reverse("accounts:invitation_renewal"), {"email": "connue@example.org"})
    assert len(mail.outbox) == 1
    assert unknown.content == known.content


# List, revoke, resend ------------------------------------------------------------------------------------------------


def test_invitation_list_is_scoped_to_what_the_user_manages(login_as):
    mine, theirs = OrganizationFactory(), OrganizationFactory()
    admin = UserFactory(org_admin=True, organization=mine)
    InvitationFactory(organization=mine, email="chez-moi@example.org")
    InvitationFactory(organization=theirs, email="ailleurs@example.org")
    content = login_as(admin).get(reverse("accounts:invitation_list")).content.decode()
    assert "chez-moi@example.org" in content and "ailleurs@example.org" not in content
    coordinator_page = login_as(UserFactory(coordinator=True)).get(reverse("accounts:invitation_list"))
    assert "ailleurs@example.org" in coordinator_page.content.decode()


def test_invitation_list_filters_by_status(login_as):
    organization = OrganizationFactory()
    InvitationFactory(organization=organization, email="attente@example.org")
    InvitationFactory(organization=organization, email="acceptee@example.org", accepted=True)
    client = login_as(UserFactory(coordinator=True))
    content = client.get(reverse("accounts:invitation_list"), {"statut": "pending"}).content.decode()
    assert "attente@example.org" in content and "acceptee@example.org" not in content


def test_mediators_have_no_invitation_list(login_as):
    client = login_as(UserFactory(mediator=True))
    assert client.get(reverse("accounts:invitation_list")).status_code == 403
    assert client.get(reverse("accounts:invitation_create")).status_code == 403


def test_revoke_and_resend_through_the_list(login_as, django_capture_on_commit_callbacks):
    organization = OrganizationFactory()
    admin = UserFactory(org_admin=True, organization=organization)
    invitation = InvitationFactory(organization=organization)
    client = login_as(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:invitation_resend", args=[invitation.pk]))
    assert response["Location"] == reverse("accounts:invitation_list")
    assert len(mail.outbox) == 1
    client.post(reverse("accounts:invitation_revoke", args=[invitation.pk]))
    assert Client().get(accept_url(token_from(mail.outbox[0]))).status_code == 410


def test_revoking_another_organizations_invitation_is_a_404(login_as):
    admin = UserFactory(org_admin=True)
    invitation = InvitationFactory()
    assert login_as(admin).post(reverse("accounts:invitation_revoke", args=[invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_invite_through_the_form(login_as, django_capture_on_commit_callbacks):
    organization = OrganizationFactory()
    admin = UserFactory(org_admin=True, organization=organization)
    client = login_as(admin)
    page = client.get(reverse("accounts:invitation_create"))
    assert 'value="coordinator"' not in page.content.decode()
    data = {"email": "nouveau@example.org", "organization": organization.pk, "role": Role.MEDIATOR}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:invitation_create"), data)
    assert response["Location"] == reverse("accounts:invitation_list")
    assert mail.outbox[0].to == ["nouveau@example.org"]
    again = client.post(reverse("accounts:invitation_create"), data)
    assert again.status_code == 200 and "déjà en attente" in again.content.decode()
    other = client.post(reverse("accounts:invitation_create"), {**data, "organization": OrganizationFactory().pk})
    assert other.status_code == 200 and "organization" in other.context["form"].errors
