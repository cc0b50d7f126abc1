"""The demo's past holds together: every seeding step ran on the demo clock (`demo.clock`), the fields whose default
is `timezone.now` included, so no event comes before what it follows and the delays shown are real delays."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.models import HistoryEntry
from demo.clock import fields_defaulting_to_now
from demo.seed import seed_demo
from geo.testing import load_test_territory

# Rows the seeding writes « now » on purpose: the demo accounts, the statement built for last month, the devices'
# reference tables.
WRITTEN_TODAY = {
    ("accounts.User", "date_joined"),
    ("vouchers.Statement", "built_at"),
    ("devices.EligibilityRule", "changed_at"),
    ("devices.CO2Factor", "changed_at"),
}


@pytest.fixture
def seeded_at(settings, tmp_path):
    """The real time the seeding started."""
    settings.MEDIA_ROOT = str(tmp_path)
    load_test_territory(insee_codes=[])
    started = timezone.now()
    seed_demo()
    return started


def test_demo_referrals_happen_in_order_and_have_positive_response_times(seeded_at):
    from people.models import Involvement
    from referrals import reporting
    from referrals.models import Referral

    referrals = list(Referral.objects.select_related("person").prefetch_related("transitions"))
    assert len(referrals) >= 12
    referral_type = ContentType.objects.get_for_model(Referral)
    for referral in referrals:
        assert referral.person.created_at <= referral.created_at <= referral.sent_at < seeded_at, referral
        for transition in referral.transitions.all():
            assert referral.created_at <= transition.at < seeded_at, (referral, transition)
        for name in ("answered_at", "closed_at", "reminded_at"):
            value = getattr(referral, name)
            assert value is None or referral.sent_at < value < seeded_at, (referral, name)
        entries = HistoryEntry.objects.filter(content_type=referral_type, object_id=str(referral.pk))
        assert all(referral.created_at <= entry.created_at < seeded_at for entry in entries), referral
    for involvement in Involvement.objects.select_related("person"):
        assert involvement.person.created_at <= involvement.since < seeded_at, involvement

    places = reporting.response_times(since=seeded_at - timedelta(days=90))
    medians = [entry.median_days for entry in places if entry.median_days is not None]
    assert medians and all(median > 0 for median in medians)


def test_demo_devices_are_requested_before_their_delivery(seeded_at):
    from devices.models import Delivery, Erasure

    deliveries = list(Delivery.objects.select_related("request", "device"))
    assert deliveries
    for delivery in deliveries:
        assert delivery.device.received_at < delivery.delivered_at < seeded_at
        assert delivery.request.created_at < delivery.delivered_at
    for erasure in Erasure.objects.select_related("device"):
        assert erasure.device.received_at <= erasure.recorded_at < seeded_at


def test_no_row_of_the_demo_past_says_today(seeded_at):
    today = set()
    for model, names in fields_defaulting_to_now().values():
        for name in names:
            if model._base_manager.filter(**{f"{name}__gte": seeded_at}).exists():
                today.add((model._meta.label, name))
    assert today <= WRITTEN_TODAY
