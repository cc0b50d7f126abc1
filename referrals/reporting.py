"""The coordination's figures on referrals: the counts above the list of every referral, and each place's response
times. Read-only; every function takes a `Referral` QuerySet (already scoped by the caller) or works on all referrals.

Rules:
- « sans réponse » : sent or under review (no answer from the place yet, or no place yet for « au réseau »);
- « en retard » : unanswered and sent before the day that lies `REFERRAL_REMINDER_WORKING_DAYS` working days
  (`core.workdays`: Monday to Friday, French public holidays excluded) before today;
- the time to answer is `answered_at − sent_at` (acceptance or refusal), in days;
- « répondues dans le délai » : answered within the working days above, out of the referrals that were answered or
  whose delay ran out without an answer (a recent referral still waiting is not counted yet).
"""

import datetime
import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from core.workdays import add_working_days, working_days_between
from places.models import Place
from referrals.models import Referral

S = Referral.Status
PERIOD_CHOICES = [("1", "le dernier mois"), ("3", "les 3 derniers mois"), ("6", "les 6 derniers mois")] + [
    ("12", "les 12 derniers mois"),
    ("24", "les 24 derniers mois"),
]
DEFAULT_PERIOD = "12"


def reminder_days():
    return settings.REFERRAL_REMINDER_WORKING_DAYS


def local_midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def overdue_limit(now=None, *, working_days=None):
    """The moment before which an unanswered referral is late: midnight of the day `working_days` working days
    before today."""
    today = timezone.localdate(now)
    return local_midnight(add_working_days(today, -(working_days or reminder_days())))


def summary(referrals, now=None):
    """The counts at the top of the coordination's list, in one query."""
    now = now or timezone.now()
    month_start = local_midnight(timezone.localdate(now).replace(day=1))
    waiting = Q(status__in=[S.SENT, S.UNDER_REVIEW])
    return referrals.order_by().aggregate(
        to_dispatch=Count("pk", filter=Q(status=S.SENT, target_place__isnull=True)),
        unanswered=Count("pk", filter=waiting),
        overdue=Count("pk", filter=waiting & Q(sent_at__lt=overdue_limit(now))),
        ongoing=Count("pk", filter=Q(status__in=[S.ACCEPTED, S.IN_PROGRESS])),
        closed_this_month=Count("pk", filter=Q(status=S.CLOSED, closed_at__gte=month_start)),
    )


def period_start(months, now=None):
    """Midnight, `months` months before today (the day clamped to the month's length)."""
    today = timezone.localdate(now)
    month_index = today.year * 12 + today.month - 1 - int(months)
    year, month = divmod(month_index, 12)
    month += 1
    next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
    day = min(today.day, (next_month - datetime.timedelta(days=1)).day)
    return local_midnight(datetime.date(year, month, day))


def percentile(values, fraction):
    """Linear interpolation between the closest ranks (the spreadsheet's PERCENTILE / CENTILE); None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class PlaceResponseTimes:
    place_id: int
    place_name: str
    commune_name: str
    received: int = 0
    answered: int = 0
    declined: int = 0
    expired: int = 0
    waiting: int = 0
    judged: int = 0  # answered, or unanswered past the delay: the base of `in_time_share`
    in_time: int = 0
    median_days: float | None = None
    p90_days: float | None = None

    @property
    def in_time_share(self):
        """Percentage answered within the delay, out of the judged referrals (None when none is judged yet)."""
        return round(100 * self.in_time / self.judged) if self.judged else None

    def sort_key(self):
        """Worst first: lowest share answered in time, then longest median, then most waiting. Places with nothing
        to judge yet come last."""
        return (
            self.in_time_share is None,
            self.in_time_share if self.in_time_share is not None else 0,
            -(self.median_days or 0),
            -self.waiting,
            self.place_name,
            self.place_id,
        )


def _days(delta):
    return delta.total_seconds() / 86400


def response_times(*, since, until=None, now=None, working_days=None):
    """One `PlaceResponseTimes` per place that received referrals sent in [since, until), worst first. Two queries:
    the referrals' (place, status, dates) rows and the places' names."""
    now = now or timezone.now()
    working_days = working_days or reminder_days()
    rows = Referral.objects.filter(target_place__isnull=False, sent_at__gte=since)
    if until is not None:
        rows = rows.filter(sent_at__lt=until)
    rows = rows.order_by().values_list("target_place_id", "status", "sent_at", "answered_at", "closed_at")
    stats, delays = {}, {}
    for place_id, status, sent_at, answered_at, closed_at in rows.iterator(chunk_size=2000):
        entry = stats.setdefault(place_id, PlaceResponseTimes(place_id, "", ""))
        entry.received += 1
        entry.declined += status == S.DECLINED
        entry.expired += status == S.EXPIRED
        entry.waiting += status in (S.SENT, S.UNDER_REVIEW)
        sent_day = timezone.localdate(sent_at)
        if answered_at is not None:
            entry.answered += 1
            entry.judged += 1
            delays.setdefault(place_id, []).append(_days(answered_at - sent_at))
            entry.in_time += working_days_between(sent_day, timezone.localdate(answered_at)) <= working_days
        elif working_days_between(sent_day, timezone.localdate(closed_at or now)) > working_days:
            entry.judged += 1
    names = Place.objects.filter(pk__in=stats).values_list("pk", "name", "commune_name")
    for pk, name, commune_name in names:
        entry = stats[pk]
        entry.place_name, entry.commune_name = name, commune_name
        values = delays.get(pk, [])
        if values:
            entry.median_days = round(percentile(values, 0.5), 1)
            entry.p90_days = round(percentile(values, 0.9), 1)
    return sorted(stats.values(), key=PlaceResponseTimes.sort_key)


CSV_HEADER = [
    "Lieu",
    "Commune",
    "Reçues",
    "Répondues",
    "Délai médian (jours)",
    "Délai 90e centile (jours)",
    "Répondues dans le délai (%)",
    "Refusées",
    "Expirées",
    "En attente",
]


def _decimal(value):
    return "" if value is None else f"{value:.1f}".replace(".", ",")


def csv_row(entry):
    return [
        entry.place_name,
        entry.commune_name,
        entry.received,
        entry.answered,
        _decimal(entry.median_days),
        _decimal(entry.p90_days),
        "" if entry.in_time_share is None else entry.in_time_share,
        entry.declined,
        entry.expired,
        entry.waiting,
    ]
