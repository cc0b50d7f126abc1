"""Working days: Monday to Friday, except French (metropolitan) public holidays.

Used by the referral timers (« relance après N jours ouvrés ») and the coordination's response times. Alsace-Moselle's
two extra days (Good Friday, 26 December) are not counted: the platform serves a single département outside it.
"""

import datetime
from functools import lru_cache

ONE_DAY = datetime.timedelta(days=1)


def easter_sunday(year):
    """Gregorian Easter Sunday (anonymous Gregorian algorithm, « Meeus/Jones/Butcher »)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


@lru_cache(maxsize=64)
def french_public_holidays(year):
    """The eleven French public holidays of `year`, as a frozenset of dates."""
    easter = easter_sunday(year)
    return frozenset(
        {
            datetime.date(year, 1, 1),  # Jour de l'an
            easter + ONE_DAY,  # Lundi de Pâques
            datetime.date(year, 5, 1),  # Fête du travail
            datetime.date(year, 5, 8),  # Victoire 1945
            easter + datetime.timedelta(days=39),  # Ascension
            easter + datetime.timedelta(days=50),  # Lundi de Pentecôte
            datetime.date(year, 7, 14),  # Fête nationale
            datetime.date(year, 8, 15),  # Assomption
            datetime.date(year, 11, 1),  # Toussaint
            datetime.date(year, 11, 11),  # Armistice 1918
            datetime.date(year, 12, 25),  # Noël
        }
    )


def _as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value


def is_working_day(d):
    """Monday to Friday and not a French public holiday (`d` is a date or a datetime)."""
    d = _as_date(d)
    return d.weekday() < 5 and d not in french_public_holidays(d.year)


def add_working_days(d, n):
    """The date `n` working days after `d` (before it when `n` is negative); `d` itself need not be a working day.

    `add_working_days(friday, 1)` is the next Monday; with `n == 0`, `d` is returned unchanged.
    """
    d = _as_date(d)
    step = ONE_DAY if n >= 0 else -ONE_DAY
    remaining = abs(n)
    while remaining:
        d += step
        if is_working_day(d):
            remaining -= 1
    return d


def working_days_between(start, end):
    """The number of working days in the interval ]start, end] — so Friday → Monday is 1, and a day → itself is 0.

    Negative when `end` is before `start`. Dates or datetimes (only the date part counts).
    """
    start, end = _as_date(start), _as_date(end)
    if end < start:
        return -working_days_between(end, start)
    full_weeks, extra = divmod((end - start).days, 7)
    count = full_weeks * 5
    day = start + datetime.timedelta(weeks=full_weeks)
    for _ in range(extra):
        day += ONE_DAY
        if day.weekday() < 5:
            count += 1
    for year in range(start.year, end.year + 1):
        count -= sum(1 for h in french_public_holidays(year) if start < h <= end and h.weekday() < 5)
    return count
