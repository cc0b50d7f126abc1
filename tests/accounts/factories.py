"""Factories for accounts. A user with a role: `UserFactory(role=Role.MEDIATOR)` (in a new organisation, or
`organization=org`), or a trait: `UserFactory(coordinator=True)`, `UserFactory(org_admin=True, organization=org)`,
`UserFactory(administrator=True)`. `totp=True` adds a confirmed TOTP device. The password is `PASSWORD`."""

from datetime import timedelta

import factory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory

from accounts.models import Invitation, Membership, Organization, Role, User, new_invitation_token

PASSWORD = "mot-de-passe-de-test-2024"


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")

    class Params:
        partner = factory.Trait(is_partner=True)
        network_member = factory.Trait(is_network_member=True)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    password = PASSWORD
    role = None
    organization = None
    totp = False

    class Params:
        coordinator = factory.Trait(role=Role.COORDINATOR)
        partner_viewer = factory.Trait(role=Role.PARTNER_VIEWER)
        prescriber = factory.Trait(role=Role.PRESCRIBER)
        mediator = factory.Trait(role=Role.MEDIATOR)
        refurbisher = factory.Trait(role=Role.REFURBISHER)
        org_admin = factory.Trait(role=Role.ORG_ADMIN)
        administrator = factory.Trait(is_staff=True)

    @classmethod
    def _build(cls, model_class, *args, role=None, organization=None, totp=False, password=PASSWORD, **kwargs):
        user = model_class(*args, **kwargs)
        user.set_password(password)
        return user

    @classmethod
    def _create(cls, model_class, *args, role=None, organization=None, totp=False, password=PASSWORD, **kwargs):
        user = model_class.objects.create_user(*args, password=password, **kwargs)
        if role:
            Membership.objects.create(user=user, organization=organization or OrganizationFactory(), role=role)
        if totp:
            TOTPDevice.objects.create(user=user, name="Application de test", confirmed=True)
        return user


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.MEDIATOR


class InvitationFactory(DjangoModelFactory):
    """`invitation.token` holds the clear token (only its hash is stored)."""

    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invite{n}@example.org")
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.MEDIATOR
    invited_by = factory.SubFactory(UserFactory, coordinator=True)

    class Params:
        expired = factory.Trait(expires_at=factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1)))
        accepted = factory.Trait(accepted_at=factory.LazyFunction(timezone.now))
        revoked = factory.Trait(revoked_at=factory.LazyFunction(timezone.now))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        token, token_hash = new_invitation_token()
        invitation = super()._create(model_class, *args, token_hash=token_hash, **kwargs)
        invitation.token = token
        return invitation
