"""Reminders before a session: two days before (J-2) and two hours before (H-2), by e-mail and, when the
registrant gave a mobile number, by SMS. Run by `manage.py send_event_reminders` (cron, every 15 minutes).

Rules:
- Only confirmed registrations of scheduled sessions of published events that have not started.
- J-2 is due once the session is less than 48 hours away (and more than 2 hours: later, only H-2 is sent);
  H-2 once it is less than 2 hours away.
- Idempotent: each reminder is marked sent with a conditional UPDATE (… WHERE reminder_xx_sent_at IS NULL) before
  its messages are queued, so two runs, even simultaneous, never send the same reminder twice.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from events import emails
from events.models import Event, Registration, Session

TWO_DAYS = timedelta(days=2)
TWO_HOURS = timedelta(hours=2)


@dataclass(frozen=True)
class Reminder:
    field: str
    label: str
    window_start: timedelta  # due when the session starts within this delay…
    window_end: timedelta  # …and not within this one


REMINDERS = [
    Reminder("reminder_2d_sent_at", "J-2", TWO_DAYS, TWO_HOURS),
    Reminder("reminder_2h_sent_at", "H-2", TWO_HOURS, timedelta(0)),
]


def due(reminder, now):
    return (
        Registration.objects.confirmed()
        .filter(
            session__status=Session.Status.SCHEDULED,
            session__event__status=Event.Status.PUBLISHED,
            session__starts_at__gt=now + reminder.window_end,
            session__starts_at__lte=now + reminder.window_start,
            **{f"{reminder.field}__isnull": True},
        )
        .select_related("session__event", "session__place", "relay_site__place", "person", "registered_by")
        .order_by("session__starts_at", "pk")
    )


def send_reminders(*, now=None, wet_run=False):
    """[(reminder label, registration, [channels])] of the reminders due; sent only with `wet_run`."""
    now = now or timezone.now()
    report = []
    for reminder in REMINDERS:
        for registration in due(reminder, now):
            if not wet_run:
                report.append((reminder.label, registration, []))
                continue
            with transaction.atomic():
                claimed = Registration.objects.filter(
                    pk=registration.pk, status=Registration.Status.CONFIRMED, **{f"{reminder.field}__isnull": True}
                ).update(**{reminder.field: now})
                if not claimed:
                    continue
                report.append((reminder.label, registration, emails.send_reminder(registration)))
    return report
