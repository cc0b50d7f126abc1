"""Factories for referrals. `ReferralFactory()` is a referral just sent by a prescriber of a new organisation to a
published place (run by another organisation), for a person involved with the prescriber's organisation. Traits:
`sent`, `under_review`, `accepted`, `in_progress`, `closed`, `declined`, `to_network` (no place yet).
Statuses are set directly (no transition rows): use the services to test the workflow."""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Role
from referrals.models import Referral
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.people.factories import PersonFactory
from tests.places.factories import PlaceFactory

S = Referral.Status


class ReferralFactory(DjangoModelFactory):
    class Meta:
        model = Referral
        skip_postgeneration_save = True

    prescriber_organization = factory.SubFactory(OrganizationFactory)
    prescriber = factory.LazyAttribute(
        lambda o: UserFactory(role=Role.PRESCRIBER, organization=o.prescriber_organization)
    )
    person = factory.LazyAttribute(lambda o: PersonFactory(involved=o.prescriber_organization))
    target_place = factory.SubFactory(
        PlaceFactory, complete=True, published=True, organization=factory.SubFactory(OrganizationFactory)
    )
    needs = factory.LazyFunction(lambda: ["Aide aux démarches administratives"])
    status = S.SENT

    class Params:
        sent = factory.Trait(status=S.SENT)
        under_review = factory.Trait(status=S.UNDER_REVIEW)
        accepted = factory.Trait(status=S.ACCEPTED, answered_at=factory.LazyFunction(timezone.now))
        in_progress = factory.Trait(
            status=S.IN_PROGRESS,
            answered_at=factory.LazyFunction(timezone.now),
            appointment_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=3)),
        )
        closed = factory.Trait(
            status=S.CLOSED,
            answered_at=factory.LazyFunction(timezone.now),
            appointment_at=factory.LazyFunction(timezone.now),
            closed_at=factory.LazyFunction(timezone.now),
            sessions_count=2,
            autonomy=Referral.Autonomy.PARTLY,
        )
        declined = factory.Trait(
            status=S.DECLINED,
            answered_at=factory.LazyFunction(timezone.now),
            decline_reason=Referral.DeclineReason.FULL,
        )
        to_network = factory.Trait(status=S.SENT, target_place=None)


def place_user(referral, role=Role.MEDIATOR):
    """A user acting for the referral's target place (mediator of its organisation by default)."""
    return UserFactory(role=role, organization=referral.target_place.organization)


def prescriber_user(referral):
    return UserFactory(role=Role.PRESCRIBER, organization=referral.prescriber_organization)
