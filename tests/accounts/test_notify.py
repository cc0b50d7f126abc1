"""accounts.notify: the single entry point for notifications, and the daily digest command."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts.models import PendingNotification
from accounts.notify import notify_user
from core import sms
from tests.accounts.factories import UserFactory


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def test_immediate_user_gets_one_email_after_commit(django_capture_on_commit_callbacks, settings):
    user = UserFactory(email="marie@example.org")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify_user(user, subject="Votre orientation a été acceptée", body="Orientation n° 3.")
        assert mail.outbox == []
    assert len(callbacks) == 1
    [message] = mail.outbox
    assert message.to == ["marie@example.org"]
    assert message.subject == f"Votre orientation a été acceptée — {settings.PLATFORM_NAME}"
    assert message.body.startswith("Bonjour,\n\nOrientation n° 3.")
    assert "/compte/notifications/" in message.body
    assert not PendingNotification.objects.exists()


def test_daily_user_gets_a_pending_row_and_no_email(django_capture_on_commit_callbacks):
    user = UserFactory(email_frequency="daily")
    with django_capture_on_commit_callbacks(execute=True):
        notify_user(user, subject="Nouvelle orientation reçue", body="Orientation n° 4.")
    assert mail.outbox == []
    row = PendingNotification.objects.get()
    assert (row.user, row.subject, row.body, row.sent_at) == (
        user,
        "Nouvelle orientation reçue",
        "Orientation n° 4.",
        None,
    )


def test_sms_only_for_users_who_asked_with_a_mobile(django_capture_on_commit_callbacks):
    wants = UserFactory(sms_notifications=True, phone="06 12 34 56 78")
    landline = UserFactory(sms_notifications=True, phone="05 53 12 34 56")
    declined = UserFactory(sms_notifications=False, phone="06 98 76 54 32")
    daily = UserFactory(sms_notifications=True, phone="07 11 22 33 44", email_frequency="daily")
    with django_capture_on_commit_callbacks(execute=True):
        for user in (wants, landline, declined, daily):
            notify_user(user, subject="Rendez-vous fixé", body="…", sms_text="Orientation n° 5 : rendez-vous fixé.")
        notify_user(wants, subject="Sans SMS", body="…")
    assert [(m.to, m.text) for m in sms.outbox] == [
        ("+33612345678", "Orientation n° 5 : rendez-vous fixé."),
        ("+33711223344", "Orientation n° 5 : rendez-vous fixé."),
    ]


def test_inactive_user_gets_nothing(django_capture_on_commit_callbacks):
    user = UserFactory(is_active=False, sms_notifications=True, phone="0612345678")
    daily = UserFactory(is_active=False, email_frequency="daily")
    with django_capture_on_commit_callbacks(execute=True):
        notify_user(user, subject="Objet", body="Texte", sms_text="SMS")
        notify_user(daily, subject="Objet", body="Texte")
    assert mail.outbox == [] and sms.outbox == [] and not PendingNotification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_rolled_back_transaction_sends_nothing():
    user = UserFactory(sms_notifications=True, phone="0612345678")
    daily = UserFactory(email_frequency="daily")
    with pytest.raises(RuntimeError), transaction.atomic():
        notify_user(user, subject="Objet", body="Texte", sms_text="SMS")
        notify_user(daily, subject="Objet", body="Texte")
        raise RuntimeError("annulé")
    assert mail.outbox == [] and sms.outbox == [] and not PendingNotification.objects.exists()


# Daily digest ----------------------------------------------------------------------------------------------------


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run_command(*args):
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_notification_digest", *args, stdout=out)
        return out.getvalue()

    return run_command


@pytest.fixture
def pending():
    anne = UserFactory(email="anne@example.org", email_frequency="daily")
    paul = UserFactory(email="paul@example.org", email_frequency="daily")
    gone = UserFactory(email="partie@example.org", email_frequency="daily", is_active=False)
    yesterday = timezone.now() - timedelta(hours=20)
    PendingNotification.objects.create(user=anne, subject="Nouvelle orientation reçue", body="Orientation n° 1.")
    PendingNotification.objects.create(
        user=anne, subject="Orientation annulée par le prescripteur", body="Orientation n° 2.", created_at=yesterday
    )
    PendingNotification.objects.create(user=paul, subject="Votre orientation a été acceptée", body="Orientation n° 3.")
    PendingNotification.objects.create(
        user=paul, subject="Déjà envoyée", body="Orientation n° 9.", sent_at=timezone.now() - timedelta(days=1)
    )
    PendingNotification.objects.create(user=gone, subject="Pour un compte désactivé", body="Orientation n° 8.")
    return anne, paul


def test_digest_dry_run_changes_nothing(pending, run):
    output = run()
    assert "anne@example.org : 2 notification(s)" in output
    assert "paul@example.org : 1 notification(s)" in output
    assert "2 résumé(s) seraient envoyés pour 3 notification(s)" in output
    assert mail.outbox == []
    assert PendingNotification.objects.unsent().count() == 4


def test_digest_sends_one_email_per_user_then_nothing(pending, run, settings):
    anne, paul = pending
    output = run("--wet-run")
    assert "2 résumé(s) envoyé(s) pour 3 notification(s)" in output
    assert sorted(m.to[0] for m in mail.outbox) == ["anne@example.org", "paul@example.org"]
    message = next(m for m in mail.outbox if m.to == ["anne@example.org"])
    assert message.subject == f"Votre résumé du jour — {settings.PLATFORM_NAME}"
    # Oldest first, each with its text.
    assert message.body.index("Orientation annulée par le prescripteur") < message.body.index(
        "Nouvelle orientation reçue"
    )
    assert "Orientation n° 1." in message.body and "Orientation n° 2." in message.body
    assert "Orientation n° 9." not in message.body
    assert not PendingNotification.objects.unsent().filter(user__in=[anne, paul]).exists()

    mail.outbox.clear()
    assert "0 résumé(s) envoyé(s) pour 0 notification(s)" in run("--wet-run")
    assert mail.outbox == []


def test_digest_marks_the_rows_of_one_email_with_one_date(pending, run):
    anne, paul = pending
    run("--wet-run")
    sent_at = set(PendingNotification.objects.filter(user=anne).values_list("sent_at", flat=True))
    assert len(sent_at) == 1 and None not in sent_at
