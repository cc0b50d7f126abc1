"""The referrals' scheduled work, run by `manage.py referral_timers` (cron, once a day). Each step is idempotent:
what it did is written down (`reminded_at`, the « expirée » status, `purged_at`), so a second run does nothing.

1. Expiry: a referral still « envoyée » or « en cours d'examen » REFERRAL_EXPIRY_DAYS days after it was sent —
   « au réseau » ones the coordination did not dispatch included — expires (`services.expire_referral`, which tells
   the prescriber), and each active coordinator gets one notification listing this run's expired referrals, once
   they are committed, the way they chose (`accounts.notify.notify_user`: e-mail now or in the daily digest, SMS).
2. Reminder: a referral waiting for its place's answer since REFERRAL_REMINDER_WORKING_DAYS working days
   (weekends and French public holidays excluded, `core.workdays`; counted from the dispatch for a referral sent
   « au réseau ») is reminded to the place, once.
3. Purge: the files of referrals that ended (terminée, refusée, expirée, annulée, transférée) more than
   REFERRAL_ATTACHMENT_PURGE_DAYS days ago are deleted (`attachments.purge_attachment`); the rows stay.

Expiry runs before the reminder, so a referral never gets both in the same run."""

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.notify import notify_user
from core.history import record
from core.workdays import working_days_between
from referrals import attachments, notifications, services
from referrals.models import Referral, ReferralAttachment, ReferralTransition

WAITING = [Referral.Status.SENT, Referral.Status.UNDER_REVIEW]


def _url(name, *args):
    return f"{settings.PLATFORM_URL}{reverse(name, args=args)}"


# Expiry ----------------------------------------------------------------------------------------------------------


def with_received_at(referrals):
    """Annotate `received_at`: when the place received the referral — its last change to « envoyée » (the
    coordination's dispatch of a referral sent « au réseau »), else its sending."""
    last_sent = ReferralTransition.objects.filter(referral=OuterRef("pk"), to_status=Referral.Status.SENT)
    return referrals.annotate(received_at=Coalesce(Subquery(last_sent.order_by("-at").values("at")[:1]), "sent_at"))


def referrals_to_expire(now):
    """Waiting for an answer (or a dispatch) and received more than REFERRAL_EXPIRY_DAYS days before `now`: a
    referral dispatched late by the coordination gives its place the whole delay."""
    limit = now - timedelta(days=settings.REFERRAL_EXPIRY_DAYS)
    return (
        with_received_at(Referral.objects.filter(status__in=WAITING))
        .filter(received_at__lt=limit)
        .select_related("target_place")
        .order_by("received_at", "pk")
    )


def expire(now, *, wet_run):
    """Expire the referrals due at `now` and escalate them to the coordination once they are committed. Returns the
    referrals expired (or, in a dry run, that would be). A referral expires once (its status changes), so a second
    run finds nothing and escalates nothing."""
    due = list(referrals_to_expire(now))
    if not wet_run:
        return due
    expired = []
    for referral in due:
        try:
            expired.append(services.expire_referral(referral, acting_user=None))
        except ValidationError:
            continue  # answered or cancelled meanwhile: nothing to do
    if expired:
        # robust, like the services' notifications: a failing notification never stops the other timers.
        transaction.on_commit(partial(escalate_to_coordination, expired), robust=True)
    return expired


def escalation_subject(expired):
    return f"{len(expired)} orientation(s) expirée(s) sans réponse"


def escalation_body(expired):
    """The referrals' numbers, places, sending dates and links; no person's name."""
    lines = [
        f"{len(expired)} orientation(s) sans réponse depuis {settings.REFERRAL_EXPIRY_DAYS} jours viennent "
        "d'expirer. Les prescripteurs sont prévenus ; vous pouvez les aider à trouver un autre lieu.",
        "",
    ]
    for referral in expired:
        where = f"lieu : {referral.target_place.name}" if referral.target_place else "au réseau, jamais attribuée"
        sent = timezone.localtime(referral.sent_at)
        lines.append(f"- {referral} ({where}, envoyée le {sent:%d/%m/%Y}) : {_url('referrals:detail', referral.pk)}")
    lines += ["", f"Toutes les orientations : {_url('referrals:coordination')}"]
    return "\n".join(lines)


@transaction.atomic
def escalate_to_coordination(expired):
    """Tell each active coordinator, through their notification preferences (`notify_user`: one e-mail now, or a
    line of tomorrow's digest; a short SMS to those who asked for it), that `expired` just expired."""
    subject = escalation_subject(expired)
    body = escalation_body(expired)
    sms_text = f"{subject}. Détail : {_url('referrals:coordination')}"
    for user in notifications.coordination_users():
        notify_user(user, subject=subject, body=body, sms_text=sms_text)


# Reminder --------------------------------------------------------------------------------------------------------


def referrals_to_remind(now):
    """[(referral, working days waited)]: waiting for their place's answer, never reminded, received by the place
    at least REFERRAL_REMINDER_WORKING_DAYS working days before `now` (counted on local dates). A referral sent
    « au réseau » reaches its place when the coordination dispatches it (its last change to « envoyée »)."""
    wanted = settings.REFERRAL_REMINDER_WORKING_DAYS
    today = timezone.localdate(now)
    candidates = (
        with_received_at(
            Referral.objects.filter(status__in=WAITING, target_place__isnull=False, reminded_at__isnull=True)
        )
        .filter(received_at__lte=now - timedelta(days=wanted))  # N working days are at least N calendar days
        .select_related("target_place")
        .order_by("received_at", "pk")
    )
    found = []
    for referral in candidates:
        days = working_days_between(timezone.localdate(referral.received_at), today)
        if days >= wanted:
            found.append((referral, days))
    return found


@transaction.atomic
def remind_referral(referral, *, days, now):
    """Remind the place side of `referral` (once): `reminded_at`, a history row, the notification after commit.
    Returns False when the referral was answered or reminded meanwhile."""
    referral = Referral.objects.select_for_update(of=("self",)).select_related("target_place").get(pk=referral.pk)
    if referral.status not in WAITING or referral.reminded_at is not None or referral.target_place_id is None:
        return False
    referral.reminded_at = now
    referral.save(update_fields=["reminded_at", "modified_at"])
    record(
        referral,
        "referral_reminded",
        acting_user=None,
        changes={"jours ouvrés sans réponse": days},
        message=f"Relance du lieu « {referral.target_place.name} » après {days} jours ouvrés sans réponse.",
    )
    transaction.on_commit(partial(notifications.notify, referral, "reminder", days=days))
    return True


def remind(now, *, wet_run):
    """Remind the places of the referrals due at `now`. Returns the referrals reminded (or that would be)."""
    due = referrals_to_remind(now)
    if not wet_run:
        return [referral for referral, _days in due]
    return [referral for referral, days in due if remind_referral(referral, days=days, now=now)]


# Purge -----------------------------------------------------------------------------------------------------------


def attachments_to_purge(now):
    """Files still stored of referrals in a final status whose end — `closed_at`, else `answered_at` (a refusal),
    else the last status change — is more than REFERRAL_ATTACHMENT_PURGE_DAYS days before `now`."""
    last_change = ReferralTransition.objects.filter(referral=OuterRef("referral")).order_by("-at").values("at")[:1]
    return (
        ReferralAttachment.objects.filter(purged_at__isnull=True, referral__status__in=Referral.FINAL_STATUSES)
        .annotate(ended_at=Coalesce("referral__closed_at", "referral__answered_at", Subquery(last_change)))
        .filter(ended_at__lt=now - timedelta(days=settings.REFERRAL_ATTACHMENT_PURGE_DAYS))
        .order_by("pk")
    )


def purge(now, *, wet_run):
    """Delete the files due at `now`. Returns how many were (or would be) purged."""
    due = list(attachments_to_purge(now))
    if wet_run:
        for attachment in due:
            attachments.purge_attachment(attachment, acting_user=None)
    return len(due)


def orphan_files(now):
    """Stored files under « orientations/ » that no attachment points at and older than a day: left by an upload
    whose request failed after the file was written. Never downloadable (downloads go through the attachment)."""
    from django.core.files.storage import default_storage

    known = set(ReferralAttachment.objects.exclude(file="").values_list("file", flat=True))
    orphans = []
    try:
        folders, _files = default_storage.listdir("orientations")
    except FileNotFoundError:
        return orphans
    for folder in folders:
        _subfolders, files = default_storage.listdir(f"orientations/{folder}")
        for name in files:
            path = f"orientations/{folder}/{name}"
            if path not in known and default_storage.get_modified_time(path) < now - timedelta(days=1):
                orphans.append(path)
    return sorted(orphans)


def delete_orphans(now, *, wet_run):
    """Delete the orphan files at `now`. Returns how many were (or would be) deleted."""
    from django.core.files.storage import default_storage

    found = orphan_files(now)
    if wet_run:
        for path in found:
            default_storage.delete(path)
    return len(found)
