"""`manage.py referral_timers`: expiry with escalation, reminders after working days, attachment purge. Each step:
the dry run changes nothing, the wet run acts once, a second wet run does nothing."""

import io
import os
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import PendingNotification
from core import sms
from core.models import HistoryEntry
from referrals import timers
from referrals.models import Referral, ReferralAttachment, ReferralLink, ReferralTransition
from tests.accounts.factories import UserFactory
from tests.referrals.factories import ReferralFactory, place_user

S = Referral.Status


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the command, sending what it queues after commit; return its output."""

    def run_command(*args):
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("referral_timers", *args, stdout=out)
        return out.getvalue()

    return run_command


def local(*args):
    return timezone.make_aware(datetime(*args))


def subjects():
    return [message.subject for message in mail.outbox]


# Reminder --------------------------------------------------------------------------------------------------------

# Friday 6 November 2026; Wednesday 11 November is a public holiday: five working days later is Monday 16.
FRIDAY_BEFORE_HOLIDAY = local(2026, 11, 6, 10, 0)


@pytest.fixture
def waiting():
    referral = ReferralFactory(sent_at=FRIDAY_BEFORE_HOLIDAY, target_place__emails=["accueil@example.org"])
    place_user(referral)
    return referral


def test_reminder_counts_working_days_without_weekends_and_holidays(waiting, run):
    output = run("--wet-run", "--now", "2026-11-13T18:00")  # 4 working days: 9, 10, 12, 13
    assert "Relance : 0 orientation(s)" in output
    assert mail.outbox == []
    output = run("--wet-run", "--now", "2026-11-16T07:00")
    assert "Relance : 1 orientation(s) sans réponse depuis 5 jours ouvrés relancée(s)." in output
    waiting.refresh_from_db()
    assert waiting.reminded_at == local(2026, 11, 16, 7, 0)
    assert waiting.status == S.SENT
    mediator = waiting.target_place.organization.memberships.get().user
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["accueil@example.org", mediator.email])
    assert all(s.startswith("Orientation sans réponse depuis 5 jours ouvrés") for s in subjects())
    assert ReferralLink.objects.filter(referral=waiting, sent_to="accueil@example.org").count() == 1
    entry = HistoryEntry.objects.for_object(waiting).get(action="referral_reminded")
    assert entry.actor is None and entry.changes == {"jours ouvrés sans réponse": 5}


def test_reminder_is_sent_once(waiting, run):
    run("--wet-run", "--now", "2026-11-16T07:00")
    mail.outbox.clear()
    output = run("--wet-run", "--now", "2026-11-20T07:00")
    assert "Relance : 0 orientation(s)" in output
    assert mail.outbox == []
    assert HistoryEntry.objects.filter(action="referral_reminded").count() == 1


def test_reminder_dry_run_changes_nothing(waiting, run):
    output = run("--now", "2026-11-16T07:00")
    assert "Relance : 1 orientation(s) sans réponse depuis 5 jours ouvrés à relancer (simulation" in output
    waiting.refresh_from_db()
    assert waiting.reminded_at is None
    assert mail.outbox == [] and not ReferralLink.objects.exists()
    assert not HistoryEntry.objects.filter(action="referral_reminded").exists()


def test_answered_and_network_referrals_are_not_reminded(run):
    ReferralFactory(accepted=True, sent_at=FRIDAY_BEFORE_HOLIDAY)
    ReferralFactory(to_network=True, sent_at=FRIDAY_BEFORE_HOLIDAY)
    assert "Relance : 0 orientation(s)" in run("--wet-run", "--now", "2026-11-16T07:00")
    assert mail.outbox == []


def test_a_dispatched_referral_is_reminded_from_its_dispatch(run):
    referral = ReferralFactory(sent_at=FRIDAY_BEFORE_HOLIDAY)  # sent « au réseau », then dispatched on the 16th
    ReferralTransition.objects.create(referral=referral, from_status="", to_status=S.SENT, at=FRIDAY_BEFORE_HOLIDAY)
    ReferralTransition.objects.create(
        referral=referral, from_status=S.SENT, to_status=S.SENT, at=local(2026, 11, 16, 9, 0)
    )
    assert "Relance : 0 orientation(s)" in run("--wet-run", "--now", "2026-11-20T07:00")
    assert "Relance : 1 orientation(s)" in run("--wet-run", "--now", "2026-11-23T07:00")


# Expiry ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def overdue():
    old = timezone.now() - timedelta(days=31)
    to_place = ReferralFactory(under_review=True, sent_at=old)
    to_network = ReferralFactory(to_network=True, sent_at=old)
    ReferralFactory(accepted=True, sent_at=old - timedelta(days=10))  # answered: stays
    ReferralFactory(sent_at=timezone.now() - timedelta(days=29))  # not yet
    coordinators = [UserFactory(coordinator=True, email="coordination@example.org"), UserFactory(coordinator=True)]
    UserFactory(coordinator=True, is_active=False)
    return to_place, to_network, coordinators


def test_expiry_expires_tells_prescribers_and_escalates_once(overdue, run, settings):
    to_place, to_network, coordinators = overdue
    output = run("--wet-run")
    assert "Expiration : 2 orientation(s) sans réponse depuis 30 jours expirée(s), dont 1 « au réseau »" in output
    for referral in (to_place, to_network):
        referral.refresh_from_db()
        assert referral.status == S.EXPIRED and referral.closed_at is not None
        transition = ReferralTransition.objects.get(referral=referral, to_status=S.EXPIRED)
        assert transition.actor is None
    expired_mails = [m for m in mail.outbox if "n'a pas eu de réponse à temps" in m.subject]
    assert sorted(m.to[0] for m in expired_mails) == sorted([to_place.prescriber.email, to_network.prescriber.email])
    escalations = [m for m in mail.outbox if "expirée(s) sans réponse" in m.subject]
    assert sorted(m.to for m in escalations) == sorted([user.email] for user in coordinators)
    escalation = escalations[0]
    assert escalation.subject.startswith("2 orientation(s) expirée(s)")
    assert f"{to_place} (lieu : {to_place.target_place.name}" in escalation.body
    assert f"{to_network} (au réseau, jamais attribuée" in escalation.body
    assert f"{settings.PLATFORM_URL}/orientations/{to_place.pk}/" in escalation.body
    assert to_place.person.last_name not in escalation.body

    mail.outbox.clear()
    assert "Expiration : 0 orientation(s)" in run("--wet-run")
    assert mail.outbox == []


def test_expiry_dry_run_changes_nothing(overdue, run):
    output = run()
    assert "Expiration : 2 orientation(s) sans réponse depuis 30 jours à faire expirer, dont 1 « au réseau »" in output
    assert Referral.objects.filter(status=S.EXPIRED).count() == 0
    assert mail.outbox == []


@pytest.fixture
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def escalation_mails():
    return [m for m in mail.outbox if "expirée(s) sans réponse" in m.subject]


def test_escalation_follows_each_coordinator_preference(overdue, run, _empty_sms_outbox):
    to_place, to_network, (immediate, other) = overdue
    daily = UserFactory(coordinator=True, email_frequency="daily", sms_notifications=True, phone="06 12 34 56 78")
    run("--wet-run")
    assert sorted(m.to for m in escalation_mails()) == sorted([[immediate.email], [other.email]])
    assert escalation_mails()[0].body.startswith("Bonjour,\n\n2 orientation(s) sans réponse")
    notification = PendingNotification.objects.get()  # the daily coordinator: in tomorrow's digest, no e-mail
    assert (notification.user, notification.sent_at) == (daily, None)
    assert notification.subject == "2 orientation(s) expirée(s) sans réponse"
    assert f"{to_place} (lieu : {to_place.target_place.name}" in notification.body
    assert f"{to_network} (au réseau, jamais attribuée" in notification.body
    assert to_place.person.last_name not in notification.body
    assert not any(daily.email in m.to for m in mail.outbox)
    [text] = [(message.to, message.text) for message in sms.outbox]  # SMS: only the one who asked
    assert text[0] == "+33612345678"
    assert text[1].startswith("2 orientation(s) expirée(s) sans réponse. Détail : ")
    assert text[1].endswith("/orientations/coordination/") and len(text[1]) <= 160


def test_escalation_is_sent_once_when_the_command_runs_twice(overdue, run):
    _to_place, _to_network, (immediate, _other) = overdue
    UserFactory(coordinator=True, email_frequency="daily")
    run("--wet-run")
    assert "Expiration : 0 orientation(s)" in run("--wet-run")
    assert [m.to for m in escalation_mails()].count([immediate.email]) == 1
    assert len(escalation_mails()) == 2
    assert PendingNotification.objects.count() == 1


def test_escalation_waits_for_the_commit(overdue, django_capture_on_commit_callbacks):
    UserFactory(coordinator=True, email_frequency="daily")
    with django_capture_on_commit_callbacks() as callbacks:
        expired = timers.expire(timezone.now(), wet_run=True)
    assert len(expired) == 2
    assert not PendingNotification.objects.exists()  # nothing told about a change that may still roll back
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert PendingNotification.objects.count() == 1
    assert len(escalation_mails()) == 2


def test_an_expired_referral_is_not_reminded_in_the_same_run(run):
    referral = ReferralFactory(sent_at=timezone.now() - timedelta(days=40))
    place_user(referral)
    output = run("--wet-run")
    assert "Relance : 0 orientation(s)" in output
    referral.refresh_from_db()
    assert referral.status == S.EXPIRED and referral.reminded_at is None


# Attachment purge ------------------------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def attach(referral):
    attachment = ReferralAttachment(
        referral=referral, original_name="avis.pdf", content_type="application/pdf", size=9
    )
    attachment.file.save("avis.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return attachment


def test_purge_deletes_the_files_of_referrals_ended_long_ago(media, run):
    long_ago = timezone.now() - timedelta(days=31)
    closed = attach(ReferralFactory(closed=True, closed_at=long_ago))
    declined = attach(ReferralFactory(declined=True, answered_at=long_ago))  # no closed_at: the answer's date
    cancelled = ReferralFactory(status=S.CANCELLED, closed_at=None)  # no date at all: its last status change
    ReferralTransition.objects.create(referral=cancelled, from_status=S.SENT, to_status=S.CANCELLED, at=long_ago)
    cancelled = attach(cancelled)
    recent = attach(ReferralFactory(closed=True, closed_at=timezone.now() - timedelta(days=10)))
    still_open = attach(ReferralFactory(in_progress=True, sent_at=long_ago))
    paths = {a.pk: media / a.file.name for a in (closed, declined, cancelled, recent, still_open)}

    output = run("--wet-run")
    assert "Pièces jointes : 3 fichier(s) supprimé(s) (orientations terminées depuis plus de 30 jours)." in output
    for attachment in (closed, declined, cancelled):
        attachment.refresh_from_db()
        assert attachment.purged_at is not None and not paths[attachment.pk].exists()
    for attachment in (recent, still_open):
        attachment.refresh_from_db()
        assert attachment.purged_at is None and paths[attachment.pk].exists()
    assert HistoryEntry.objects.filter(action="referral_attachment_purged").count() == 3

    assert "Pièces jointes : 0 fichier(s) supprimé(s)" in run("--wet-run")
    assert HistoryEntry.objects.filter(action="referral_attachment_purged").count() == 3


def test_purge_dry_run_changes_nothing(media, run):
    attachment = attach(ReferralFactory(closed=True, closed_at=timezone.now() - timedelta(days=31)))
    assert "Pièces jointes : 1 fichier(s) à supprimer" in run()
    attachment.refresh_from_db()
    assert attachment.purged_at is None and (media / attachment.file.name).exists()


# The command -----------------------------------------------------------------------------------------------------


def test_orphan_files_left_by_a_failed_upload_are_deleted_after_a_day(media, run):
    kept = attach(ReferralFactory(in_progress=True))
    folder = media / "orientations" / "999"
    folder.mkdir(parents=True)
    orphan, fresh = folder / "abandonne.pdf", folder / "en-cours.pdf"
    orphan.write_bytes(b"%PDF-1.4\n")
    fresh.write_bytes(b"%PDF-1.4\n")
    two_days_ago = (timezone.now() - timedelta(days=2)).timestamp()
    os.utime(orphan, (two_days_ago, two_days_ago))

    assert "Fichiers orphelins : 1 fichier(s) sans pièce jointe à supprimer" in run()
    assert orphan.exists()
    assert "Fichiers orphelins : 1 fichier(s) sans pièce jointe supprimé(s)." in run("--wet-run")
    assert not orphan.exists() and fresh.exists() and (media / kept.file.name).exists()


def test_nothing_to_do_prints_zero_lines(run):
    lines = run("--wet-run").strip().splitlines()
    assert [line.split(" :")[0] for line in lines] == ["Expiration", "Relance", "Pièces jointes", "Fichiers orphelins"]
    assert all(" 0 " in line for line in lines)


def test_a_bad_now_is_refused_in_french():
    with pytest.raises(CommandError, match="n'est pas une date ISO 8601"):
        call_command("referral_timers", "--now", "lundi", stdout=io.StringIO())


def test_a_referral_dispatched_late_gives_its_place_the_whole_delay(run):
    from referrals import services
    from tests.accounts.factories import UserFactory
    from tests.places.factories import PlaceFactory

    long_ago = timezone.now() - timedelta(days=40)
    referral = ReferralFactory(to_network=True, sent_at=long_ago, created_at=long_ago)
    coordinator = UserFactory(role="coordinator")
    services.dispatch_referral(referral, acting_user=coordinator, place=PlaceFactory(published=True, complete=True))
    run("--wet-run")
    referral.refresh_from_db()
    assert referral.status == S.SENT  # dispatched today: the place has REFERRAL_EXPIRY_DAYS from now
