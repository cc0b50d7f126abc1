from accounts.models import Role
from referrals.models import Referral
from tests.accounts.factories import UserFactory
from tests.referrals.factories import ReferralFactory


def test_visibility_per_role():
    a = ReferralFactory()
    b = ReferralFactory()
    network = ReferralFactory(to_network=True)
    mediator_a = UserFactory(mediator=True, organization=a.target_place.organization)
    admin_b = UserFactory(org_admin=True, organization=b.target_place.organization)
    prescriber_a = UserFactory(prescriber=True, organization=a.prescriber_organization)
    viewer = UserFactory(partner_viewer=True, organization=a.target_place.organization)
    refurbisher = UserFactory(refurbisher=True, organization=a.prescriber_organization)
    coordinator = UserFactory(coordinator=True)
    administrator = UserFactory(administrator=True)

    def visible(user):
        return set(Referral.objects.visible_to(user))

    assert visible(mediator_a) == {a}
    assert visible(admin_b) == {b}
    assert visible(prescriber_a) == {a}
    assert visible(viewer) == set()
    assert visible(refurbisher) == set()
    assert visible(coordinator) == {a, b, network}
    assert visible(administrator) == {a, b, network}
    assert visible(UserFactory()) == set()
    inactive = UserFactory(role=Role.MEDIATOR, organization=a.target_place.organization, is_active=False)
    assert visible(inactive) == set()


def test_inbox_oldest_first_and_open_only():
    from datetime import timedelta

    from django.utils import timezone

    first = ReferralFactory(sent_at=timezone.now() - timedelta(days=3))
    place = first.target_place
    newer = ReferralFactory(target_place=place, sent_at=timezone.now() - timedelta(days=1))
    older = ReferralFactory(target_place=place, accepted=True, sent_at=timezone.now() - timedelta(days=5))
    ReferralFactory(target_place=place, closed=True, sent_at=timezone.now() - timedelta(days=9))
    ReferralFactory()  # another place
    assert list(Referral.objects.inbox(place)) == [older, first, newer]
    network = ReferralFactory(to_network=True)
    assert list(Referral.objects.to_network()) == [network]
