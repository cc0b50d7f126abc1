"""The short satisfaction survey after a session: a signed link e-mailed to the people marked present, four plain
questions, answered once; the results per session for the organisers.

Rules:
- Sent the day after the session (from the next calendar day, Paris time, and for two weeks at most), to the
  confirmed registrations marked present, once: `survey_sent_at` is claimed with a conditional UPDATE before the
  e-mail is queued, so two runs, even simultaneous, never send it twice. Run by `manage.py send_event_surveys`
  (cron, daily), dry run unless `--wet-run`.
- The link holds the registration's number and random key, signed with a salt of its own; a forged link finds
  nothing (404). One answer per registration (a one-to-one row): a second one is refused, nothing changed.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from core import history
from events.models import Registration, Session, SurveyAnswer

SALT = "events.survey"
SEND_FOR_DAYS = 14


def token_for(registration):
    return signing.dumps({"r": registration.pk, "k": registration.cancel_token}, salt=SALT, compress=True)


def registration_from(token):
    """The registration the survey link designates, or None."""
    try:
        value = signing.loads(token, salt=SALT)
        registration = (
            Registration.objects.select_related("session__event", "session__place", "relay_site__place")
            .filter(pk=int(value["r"]))
            .first()
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if registration is None or not constant_time_compare(registration.cancel_token, str(value.get("k", ""))):
        return None
    return registration


def _start_of_local_day(now):
    local = timezone.localtime(now)
    return timezone.make_aware(datetime.combine(local.date(), time.min), local.tzinfo)


def due(now):
    """Present registrations of sessions held before today (and within SEND_FOR_DAYS), not yet surveyed."""
    today = _start_of_local_day(now)
    return (
        Registration.objects.confirmed()
        .filter(
            attended=True,
            survey_sent_at=None,
            session__status=Session.Status.SCHEDULED,
            session__starts_at__lt=today,
            session__starts_at__gte=today - timedelta(days=SEND_FOR_DAYS),
        )
        .select_related("session__event", "session__place", "relay_site__place", "person", "registered_by")
        .order_by("session__starts_at", "pk")
    )


def send_surveys(*, now=None, wet_run=False):
    """[(registration, sent)] of the surveys due; sent only with `wet_run` (False when there is no address)."""
    from events import emails_attendance

    now = now or timezone.now()
    report = []
    for registration in due(now):
        if not wet_run:
            report.append((registration, False))
            continue
        with transaction.atomic():
            claimed = Registration.objects.filter(pk=registration.pk, survey_sent_at=None).update(survey_sent_at=now)
            if not claimed:
                continue
            sent = emails_attendance.send_survey(registration, token_for(registration))
            if sent:
                history.record(registration, "event_survey_sent", acting_user=None)
            report.append((registration, sent))
    return report


@transaction.atomic
def answer_survey(registration, *, rating, useful, would_recommend, comment="", now=None):
    """Record the answer of `registration` (once). Raises a French ValidationError when already answered."""
    if SurveyAnswer.objects.filter(registration=registration).exists():
        raise ValidationError("Vous avez déjà répondu : merci !", code="already_answered")
    answer = SurveyAnswer(
        registration=registration,
        rating=rating,
        useful=useful,
        would_recommend=would_recommend,
        comment=comment.strip(),
        answered_at=now or timezone.now(),
    )
    answer.full_clean(exclude=["registration"])
    try:
        with transaction.atomic():
            answer.save()
    except IntegrityError:
        raise ValidationError("Vous avez déjà répondu : merci !", code="already_answered") from None
    history.record(registration, "event_survey_answered", acting_user=None)
    return answer


@dataclass(frozen=True)
class SurveyResults:
    sent: int
    answers: int
    average_rating: float | None
    ratings: list  # [(note, count)] from 5 to 1
    useful: list  # [(label, count)]
    recommend_yes: int
    recommend_no: int
    comments: list  # [(answered_at, comment)]

    @property
    def response_rate(self):
        return round(100 * self.answers / self.sent) if self.sent else None


def results_for(session):
    """The answers of a session's registrants, aggregated (two queries, plus the comments)."""
    sent = Registration.objects.filter(session=session, survey_sent_at__isnull=False).count()
    answers = SurveyAnswer.objects.filter(registration__session=session)
    totals = answers.aggregate(
        count=Count("pk"),
        average=Avg("rating"),
        recommend_yes=Count("pk", filter=Q(would_recommend=True)),
        recommend_no=Count("pk", filter=Q(would_recommend=False)),
        **{f"rating_{n}": Count("pk", filter=Q(rating=n)) for n in range(1, 6)},
        **{f"useful_{value}": Count("pk", filter=Q(useful=value)) for value in SurveyAnswer.Useful.values},
    )
    comments = list(answers.exclude(comment="").order_by("-answered_at").values_list("answered_at", "comment")[:200])
    return SurveyResults(
        sent=max(sent, totals["count"]),
        answers=totals["count"],
        average_rating=round(totals["average"], 1) if totals["average"] is not None else None,
        ratings=[(n, totals[f"rating_{n}"]) for n in range(5, 0, -1)],
        useful=[(label, totals[f"useful_{value}"]) for value, label in SurveyAnswer.Useful.choices],
        recommend_yes=totals["recommend_yes"],
        recommend_no=totals["recommend_no"],
        comments=comments,
    )
