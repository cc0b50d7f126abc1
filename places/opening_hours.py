"""Opening hours in the OpenStreetMap syntax (the standard's `horaires`), read for people: a weekly table in French,
« open now » status, « open on Tuesday morning » for the search filter.

Every time is local time in Europe/Paris. Public holidays come from opening-hours-py's own French calendar
(`country="FR"`), so « PH off » closes the place on 14 July; the weekly table, which describes an ordinary week, is
computed without holidays."""

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import opening_hours as osm

PARIS = ZoneInfo("Europe/Paris")
COUNTRY = "FR"
DAY_NAMES = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MONTH_NAMES = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
CLOSED = "Fermé"
UNKNOWN = "Non précisé"
MORNING = (dt.time(6), dt.time(12))
AFTERNOON = (dt.time(13), dt.time(20))
HALF_DAYS = {"morning": MORNING, "afternoon": AFTERNOON}
PH_CLOSED_RE = re.compile(r"\bPH\s+(off|closed)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    start: dt.time
    end: dt.time  # dt.time.max when the span runs to midnight
    unknown: bool = False
    comment: str = ""

    @property
    def label(self):
        text = f"{format_time(self.start)} – {format_time(self.end)}"
        if self.comment:
            text += f" ({self.comment})"
        elif self.unknown:
            text += " (à confirmer)"
        return text


@dataclass(frozen=True)
class Day:
    weekday: int
    spans: tuple

    @property
    def name(self):
        return DAY_NAMES[self.weekday]

    @property
    def label(self):
        return ", ".join(span.label for span in self.spans) if self.spans else CLOSED

    @property
    def is_closed(self):
        return not self.spans


@dataclass(frozen=True)
class Status:
    state: str  # "open", "closed" or "unknown"
    label: str

    @property
    def is_open(self):
        return self.state == "open"


def parse(hours, *, holidays=True):
    """The parsed expression, or None when `hours` is empty or unreadable."""
    if not hours or not hours.strip():
        return None
    try:
        return osm.OpeningHours(hours, country=COUNTRY if holidays else None)
    except (osm.ParserError, SyntaxError, ValueError):
        return None


def local_naive(when=None):
    """`when` (aware, or naive meaning Paris time; now by default) as a naive Paris datetime, as the library wants."""
    if when is None:
        when = dt.datetime.now(tz=PARIS)
    if isinstance(when, dt.date) and not isinstance(when, dt.datetime):
        when = dt.datetime.combine(when, dt.time())
    if when.tzinfo is not None:
        when = when.astimezone(PARIS).replace(tzinfo=None)
    return when.replace(microsecond=0)


def format_time(value):
    """« 9 h », « 17 h 30 », « 9 h 05 »; midnight at the end of a day is « minuit »."""
    if value == dt.time.max:
        return "minuit"
    return f"{value.hour} h" if value.minute == 0 else f"{value.hour} h {value.minute:02d}"


def closed_on_public_holidays(hours):
    """Whether the rule says the place is closed on public holidays (« PH off »)."""
    return bool(hours and PH_CLOSED_RE.search(hours))


def weekly_table(hours, *, when=None):
    """Seven `Day`s, Monday to Sunday, of the week holding `when` (this week by default), ignoring public holidays.
    Empty list when there are no readable hours."""
    parsed = parse(hours, holidays=False)
    if parsed is None:
        return []
    monday = local_naive(when).date() - dt.timedelta(days=local_naive(when).weekday())
    return [Day(index, tuple(_spans(parsed, monday + dt.timedelta(days=index)))) for index in range(7)]


def _spans(parsed, day):
    start = dt.datetime.combine(day, dt.time())
    end = start + dt.timedelta(days=1)
    spans = []
    for begin, finish, state, comment in parsed.intervals(start, end):
        if state == osm.State.CLOSED:
            continue
        begin = max(begin, start)
        finish = min(finish or end, end)
        if finish <= begin:
            continue
        spans.append(
            Span(
                begin.time(),
                dt.time.max if finish == end else finish.time(),
                unknown=state == osm.State.UNKNOWN,
                comment=comment or "",
            )
        )
    return spans


def status_at(hours, when=None):
    """Whether the place is open at `when` (now by default), in words: « Ouvert maintenant — ferme à 17 h »,
    « Fermé — ouvre mardi à 9 h ». State "unknown" when the hours are missing or say nothing for that moment."""
    parsed = parse(hours)
    if parsed is None:
        return Status("unknown", "Horaires non renseignés")
    now = local_naive(when)
    if parsed.is_unknown(now):
        return Status("unknown", "Horaires à confirmer auprès du lieu")
    change = parsed.next_change(now)
    if parsed.is_open(now):
        if change is None:
            return Status("open", "Ouvert maintenant")
        return Status("open", f"Ouvert maintenant — ferme {_when_words(now, local_naive(change))}")
    if change is None:
        return Status("closed", "Fermé")
    change = local_naive(change)
    if not parsed.is_open(change):
        return Status("closed", "Fermé")
    return Status("closed", f"Fermé — ouvre {_when_words(now, change)}")


def _when_words(now, moment):
    days = (moment.date() - now.date()).days
    at = f"à {format_time(moment.time())}" if moment.time() != dt.time() else "à minuit"
    if days == 0:
        return at
    if days == 1:
        return f"demain {at}"
    if days < 7:
        return f"{DAY_NAMES[moment.weekday()]} {at}"
    day = "1er" if moment.day == 1 else str(moment.day)
    return f"le {day} {MONTH_NAMES[moment.month - 1]} {at}"


def is_open_on(hours, weekday, half_day, *, when=None):
    """Whether the place is open (or possibly open) some time in the `half_day` ("morning": 6 h–12 h,
    "afternoon": 13 h–20 h) of `weekday` (0 = Monday) in an ordinary week. For « ouvert le mardi matin »."""
    low, high = HALF_DAYS[half_day]
    table = weekly_table(hours, when=when)
    if not table:
        return False
    return any(span.start < high and span.end > low for span in table[weekday].spans)
