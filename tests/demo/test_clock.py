"""The demo clock: while it runs, `timezone.now()` answers the demo moment, and the rows inserted meanwhile get the
demo moment in their `default=timezone.now` fields too (the patch cannot reach those defaults)."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import PendingNotification
from demo.clock import demo_clock, fields_defaulting_to_now
from tests.accounts.factories import UserFactory


def test_rows_written_on_the_demo_clock_carry_the_demo_date():
    user = UserFactory()
    before = PendingNotification.objects.create(user=user, subject="Avant", body="…")
    moment = timezone.now() - timedelta(days=20)
    chosen = timezone.now() - timedelta(days=3)
    later = timezone.now() + timedelta(days=1)
    with demo_clock(moment):
        assert timezone.now() == moment
        by_default = PendingNotification.objects.create(user=user, subject="Par défaut", body="…")
        [bulk] = PendingNotification.objects.bulk_create([PendingNotification(user=user, subject="En lot", body="…")])
        explicit = PendingNotification.objects.create(user=user, subject="Choisie", body="…", created_at=chosen)
        future = PendingNotification.objects.create(user=user, subject="À venir", body="…", created_at=later)
    assert timezone.now() > moment + timedelta(days=19)
    dates = dict(PendingNotification.objects.values_list("subject", "created_at"))
    assert dates["Par défaut"] == dates["En lot"] == moment
    assert dates["Choisie"] == chosen and dates["À venir"] == later
    assert dates["Avant"] == before.created_at > moment  # written before the demo clock: left alone
    assert by_default.pk and bulk.pk and explicit.pk and future.pk


def test_only_fields_defaulting_to_the_now_function_are_backdated():
    fields = {(model._meta.label, name) for model, names in fields_defaulting_to_now().values() for name in names}
    assert ("referrals.ReferralTransition", "at") in fields
    assert ("people.Involvement", "since") in fields
    assert ("referrals.Referral", "modified_at") not in fields  # auto_now: already on the demo clock
    assert ("referrals.Referral", "answered_at") not in fields  # no default
