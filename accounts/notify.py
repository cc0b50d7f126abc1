"""Notifications to users: the one entry point (`notify_user`), the notification preferences and the daily digest.

Rules:
- inactive users get nothing;
- « À chaque changement » (`email_frequency="immediate"`): one e-mail per notification, queued after commit;
- « Un résumé par jour » (`"daily"`): a `PendingNotification` row, sent in one e-mail by
  `manage.py send_notification_digest`;
- the SMS, when the caller gives one, goes to users who asked for it and have a French mobile number, whatever
  their e-mail frequency; it is queued (task `accounts.tasks.send_sms`) after commit.
Messages are plain text; `body` holds only the news, without greeting or signature (added here)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from accounts import tasks
from accounts.emails import absolute_url, send_after_commit
from accounts.models import PendingNotification
from core.history import diff, record, snapshot
from core.sms import normalize_phone

IMMEDIATE, DAILY = "immediate", "daily"
PREFERENCE_FIELDS = ["email_frequency", "sms_notifications", "phone"]


def _footer():
    return (
        f"—\n{settings.PLATFORM_NAME}\n"
        f"Pour choisir comment vous êtes prévenu(e) : {absolute_url(reverse('accounts:notifications'))}"
    )


def notify_user(user, *, subject, body, sms_text=None):
    """Tell `user` about something: by e-mail now or in tomorrow's digest (their choice), plus an SMS when
    `sms_text` is given and they asked for SMS. `subject` is short and names no person."""
    if user is None or not user.is_active:
        return
    subject = " ".join(subject.split())
    if user.email_frequency == DAILY:
        PendingNotification.objects.create(user=user, subject=subject[:200], body=body)
    else:
        send_after_commit(
            subject=f"{subject} — {settings.PLATFORM_NAME}",
            body=f"Bonjour,\n\n{body}\n\n{_footer()}\n",
            recipient_list=[user.email],
        )
    number = normalize_phone(user.phone) if sms_text and user.sms_notifications else None
    if number:
        transaction.on_commit(lambda: tasks.send_sms.enqueue(to=number, text=sms_text))


@transaction.atomic
def update_notification_preferences(user, *, acting_user, email_frequency, sms_notifications, phone):
    """Save how `user` wants to be told. SMS need a French mobile number (ValidationError on `phone` otherwise)."""
    if email_frequency not in {IMMEDIATE, DAILY}:
        raise ValidationError({"email_frequency": "Choisissez une fréquence dans la liste."})
    phone = phone.strip()
    if sms_notifications and normalize_phone(phone) is None:
        raise ValidationError(
            {"phone": "Pour recevoir des SMS, indiquez un numéro de mobile français, par exemple 06 12 34 56 78."}
        )
    before = snapshot(user, PREFERENCE_FIELDS)
    user.email_frequency, user.sms_notifications, user.phone = email_frequency, bool(sms_notifications), phone
    user.full_clean()
    user.save(update_fields=PREFERENCE_FIELDS)
    changes = diff(before, snapshot(user, PREFERENCE_FIELDS))
    if changes:
        record(user, "notification_preferences_updated", acting_user=acting_user, changes=changes)
    return user


# Daily digest ----------------------------------------------------------------------------------------------------


def users_with_pending_digest():
    """Active users with unsent notifications, as {user_id: count}."""
    rows = (
        PendingNotification.objects.unsent()
        .filter(user__is_active=True)
        .values("user_id")
        .annotate(count=Count("pk"))
        .order_by("user_id")
    )
    return {row["user_id"]: row["count"] for row in rows}


def digest_subject():
    return f"Votre résumé du jour — {settings.PLATFORM_NAME}"


def digest_body(notifications):
    parts = [
        "Bonjour,",
        "",
        f"Voici ce qui s'est passé depuis votre dernier résumé ({len(notifications)} notification"
        f"{'s' if len(notifications) > 1 else ''}) :",
    ]
    for notification in notifications:
        when = timezone.localtime(notification.created_at)
        parts += ["", f"■ {notification.subject} — le {when:%d/%m/%Y à %H:%M}", notification.body]
    return "\n".join(parts) + f"\n\n{_footer()}\n"


@transaction.atomic
def send_digest(user_id, *, now=None):
    """One e-mail listing `user_id`'s unsent notifications, which are marked sent in the same transaction (the
    e-mail is queued once it commits). Rows already taken by a concurrent run are skipped. Returns the number
    of notifications sent (0: nothing to send)."""
    now = now or timezone.now()
    notifications = list(
        PendingNotification.objects.select_for_update(skip_locked=True, of=("self",))
        .unsent()
        .filter(user_id=user_id, user__is_active=True)
        .select_related("user")
        .order_by("created_at", "pk")
    )
    if not notifications:
        return 0
    user = notifications[0].user
    send_after_commit(subject=digest_subject(), body=digest_body(notifications), recipient_list=[user.email])
    PendingNotification.objects.filter(pk__in=[n.pk for n in notifications]).update(sent_at=now)
    return len(notifications)
