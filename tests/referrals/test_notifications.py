from django.core import mail

from referrals.notifications import notify
from tests.accounts.factories import UserFactory
from tests.referrals.factories import ReferralFactory


def test_prescriber_side_falls_back_to_the_organisation_prescribers():
    referral = ReferralFactory(accepted=True)
    colleague = UserFactory(prescriber=True, organization=referral.prescriber_organization)
    referral.prescriber.is_active = False
    referral.prescriber.save(update_fields=["is_active"])
    notify(referral, "accepted")
    assert mail.outbox[0].to == [colleague.email]
    assert "acceptée" in mail.outbox[0].subject


def test_network_referral_has_no_place_recipient():
    referral = ReferralFactory(to_network=True)
    notify(referral, "sent")
    assert mail.outbox == []
