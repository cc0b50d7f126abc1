import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db.models import F

from accounts.models import Role
from core.models import HistoryEntry
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.vouchers.factories import BookFactory, OrderFactory, coordinator, first_pass, qualified_place
from vouchers import lifecycle, services
from vouchers.models import Order, Pass, Redemption

VALID_UNTIL = datetime.date(2027, 12, 31)
SERVICE = "Aide aux démarches administratives"


@pytest.fixture
def order():
    sponsor = OrganizationFactory(name="Département de Lot-et-Garonne", email="pass@departement.example")
    UserFactory(role=Role.ORG_ADMIN, organization=sponsor, email="admin@departement.example")
    order = OrderFactory(sponsor=sponsor, valid_until=VALID_UNTIL, book_count=3, name="Pass 2027")
    holder = OrganizationFactory(name="CCAS d'Agen", email="ccas@agen.example")
    UserFactory(role=Role.PRESCRIBER, organization=holder, email="prescriptrice@agen.example")
    book = BookFactory(order=order, handed_out=True, organization=holder)
    pass_obj = first_pass(book)
    Pass.objects.filter(pk=pass_obj.pk).update(
        status=Pass.Status.REDEEMED,
        redeemed_at=pass_obj.book.handed_at,
        service=SERVICE,
        redeemed_place=qualified_place(),
    )
    return order


def run(today, *, wet, capture):
    output = StringIO()
    args = ["voucher_lifecycle", "--today", today.isoformat()] + (["--wet-run"] if wet else [])
    with capture(execute=True):
        call_command(*args, stdout=output)
    return output.getvalue()


def test_nothing_before_d_minus_30(order, django_capture_on_commit_callbacks):
    assert "Rien à faire" in run(
        VALID_UNTIL - datetime.timedelta(days=31), wet=True, capture=django_capture_on_commit_callbacks
    )
    assert mail.outbox == []


def test_dry_run_by_default_changes_nothing(order, django_capture_on_commit_callbacks):
    output = run(VALID_UNTIL - datetime.timedelta(days=30), wet=False, capture=django_capture_on_commit_callbacks)
    assert "[simulation]" in output and "alerte J-30" in output
    order.refresh_from_db()
    assert order.alert_sent_at is None
    assert mail.outbox == []


def test_d_minus_30_alert_once_to_sponsor_and_prescribers(order, django_capture_on_commit_callbacks):
    day = VALID_UNTIL - datetime.timedelta(days=30)
    output = run(day, wet=True, capture=django_capture_on_commit_callbacks)
    assert "fait : Pass 2027" in output
    # one message per recipient: no organisation sees the others' addresses
    assert sorted(m.to for m in mail.outbox) == [
        ["admin@departement.example"],
        ["ccas@agen.example"],
        ["pass@departement.example"],
        ["prescriptrice@agen.example"],
    ]
    message = mail.outbox[0]
    assert "carnets remis à des personnes : 1" in message.body
    assert "carnets entamés (au moins un pass utilisé) : 1" in message.body
    assert "jusqu'au 31 janvier 2028 (tolérance comprise)" in message.body  # 31/12 + 31 days
    assert "à partir du 16 décembre 2027" in message.body  # D-15
    order.refresh_from_db()
    assert order.alert_sent_at is not None
    assert run(day, wet=True, capture=django_capture_on_commit_callbacks) == "Rien à faire.\n"
    assert len(mail.outbox) == 4


def test_d_minus_15_stops_handing_out_and_tells_the_prescribers(order, django_capture_on_commit_callbacks):
    run(VALID_UNTIL - datetime.timedelta(days=15), wet=True, capture=django_capture_on_commit_callbacks)
    order.refresh_from_db()
    assert order.alert_sent_at is not None and order.handing_out_stopped_at is not None
    stop = [m for m in mail.outbox if "ne remettez plus" in m.subject]
    assert sorted(m.to for m in stop) == [["ccas@agen.example"], ["prescriptrice@agen.example"]]
    assert HistoryEntry.objects.filter(action="voucher_order_handing_out_stopped").count() == 1


def test_expiry_after_the_tolerance_counts_the_credit(order, django_capture_on_commit_callbacks):
    run(VALID_UNTIL + datetime.timedelta(days=31), wet=True, capture=django_capture_on_commit_callbacks)
    order.refresh_from_db()
    assert order.expired_at is None  # the last day of the tolerance
    run(VALID_UNTIL + datetime.timedelta(days=32), wet=True, capture=django_capture_on_commit_callbacks)
    order.refresh_from_db()
    assert order.expired_at is not None
    assert order.expired_pass_count == 3 * 5 - 1
    assert Pass.objects.filter(book__order=order, status=Pass.Status.EXPIRED).count() == 14
    assert Pass.objects.filter(book__order=order, status=Pass.Status.REDEEMED).count() == 1
    expired_mail = [m for m in mail.outbox if "fin de la commande" in m.subject]
    assert expired_mail and all("140,00" in m.body for m in expired_mail)
    assert all(len(m.to) == 1 for m in expired_mail)
    sent = len(mail.outbox)
    assert "Rien à faire" in run(
        VALID_UNTIL + datetime.timedelta(days=60), wet=True, capture=django_capture_on_commit_callbacks
    )
    assert len(mail.outbox) == sent
    assert Order.objects.get(pk=order.pk).expired_pass_count == 14


def test_due_steps_lists_everything_late_at_once(order):
    steps = lifecycle.due_steps(VALID_UNTIL - datetime.timedelta(days=2))
    assert [step.action for step in steps] == [lifecycle.ALERT, lifecycle.STOP]


def test_a_bad_date_is_refused():
    with pytest.raises(CommandError):
        call_command("voucher_lifecycle", "--today", "31/12/2027")


def test_cancelling_after_expiry_gives_back_an_expired_pass(order, django_capture_on_commit_callbacks):
    redeemed = Pass.objects.get(book__order=order, status=Pass.Status.REDEEMED)
    redemption = Redemption.objects.create(
        pass_obj=redeemed, place=redeemed.redeemed_place, service=SERVICE, amount_cents=1000
    )
    run(VALID_UNTIL + datetime.timedelta(days=40), wet=True, capture=django_capture_on_commit_callbacks)
    services.cancel_redemption(redemption, acting_user=coordinator(), reason="Erreur de lieu")
    redeemed.refresh_from_db()
    assert redeemed.status == Pass.Status.EXPIRED
    assert Order.objects.get(pk=order.pk).expired_pass_count == 15


def test_the_daily_run_deletes_imports_abandoned_for_a_day(settings, tmp_path):
    import io
    import os
    import time

    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path
    folder = tmp_path / "pass-numerique" / "imports"
    folder.mkdir(parents=True)
    old, fresh = folder / "ancien.csv", folder / "en-cours.csv"
    old.write_text("numero\n")
    fresh.write_text("numero\n")
    two_days_ago = time.time() - 2 * 86400
    os.utime(old, (two_days_ago, two_days_ago))

    out = io.StringIO()
    call_command("voucher_lifecycle", stdout=out)
    assert "Imports abandonnés : 1 fichier(s) à supprimer." in out.getvalue() and old.exists()
    call_command("voucher_lifecycle", "--wet-run", stdout=out)
    assert not old.exists() and fresh.exists()


def test_two_cancellations_after_expiry_both_count(order, django_capture_on_commit_callbacks, monkeypatch):
    redeemed = Pass.objects.get(book__order=order, status=Pass.Status.REDEEMED)
    redemption = Redemption.objects.create(
        pass_obj=redeemed, place=redeemed.redeemed_place, service=SERVICE, amount_cents=1000
    )
    run(VALID_UNTIL + datetime.timedelta(days=40), wet=True, capture=django_capture_on_commit_callbacks)
    save = Pass.save

    def another_cancellation_lands_meanwhile(pass_obj, *args, **kwargs):
        # A colleague cancels another pass of the same order after this one read the order.
        Order.objects.filter(pk=order.pk).update(expired_pass_count=F("expired_pass_count") + 1)
        return save(pass_obj, *args, **kwargs)

    monkeypatch.setattr(Pass, "save", another_cancellation_lands_meanwhile)
    services.cancel_redemption(redemption, acting_user=coordinator(), reason="Erreur de lieu")
    assert Order.objects.get(pk=order.pk).expired_pass_count == 16
