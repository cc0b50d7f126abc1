import datetime

import pytest

from core.workdays import (
    add_working_days,
    easter_sunday,
    french_public_holidays,
    is_working_day,
    working_days_between,
)

D = datetime.date


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2024, D(2024, 3, 31)),
        (2025, D(2025, 4, 20)),
        (2026, D(2026, 4, 5)),
        (2027, D(2027, 3, 28)),
        (2038, D(2038, 4, 25)),
    ],
)
def test_easter_sunday(year, expected):
    assert easter_sunday(year) == expected


def test_french_public_holidays_2026():
    assert sorted(french_public_holidays(2026)) == [
        D(2026, 1, 1),
        D(2026, 4, 6),  # Lundi de Pâques
        D(2026, 5, 1),
        D(2026, 5, 8),
        D(2026, 5, 14),  # Ascension
        D(2026, 5, 25),  # Lundi de Pentecôte
        D(2026, 7, 14),
        D(2026, 8, 15),
        D(2026, 11, 1),
        D(2026, 11, 11),
        D(2026, 12, 25),
    ]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 11, 30), True),  # lundi
        (D(2026, 11, 28), False),  # samedi
        (D(2026, 11, 29), False),  # dimanche
        (D(2026, 11, 11), False),  # mercredi férié
        (D(2026, 4, 6), False),  # lundi de Pâques
        (datetime.datetime(2026, 12, 25, 10, 0), False),
    ],
)
def test_is_working_day(day, expected):
    assert is_working_day(day) is expected


def test_add_working_days_skips_weekends_and_holidays():
    assert add_working_days(D(2026, 11, 27), 1) == D(2026, 11, 30)  # vendredi → lundi
    assert add_working_days(D(2026, 11, 10), 1) == D(2026, 11, 12)  # saute le 11 novembre
    assert add_working_days(D(2026, 5, 13), 1) == D(2026, 5, 15)  # saute l'Ascension
    assert add_working_days(D(2026, 12, 21), 5) == D(2026, 12, 29)  # saute Noël et le week-end
    assert add_working_days(D(2026, 11, 28), 0) == D(2026, 11, 28)
    assert add_working_days(D(2026, 11, 30), -1) == D(2026, 11, 27)


def test_working_days_between():
    assert working_days_between(D(2026, 11, 27), D(2026, 11, 30)) == 1
    assert working_days_between(D(2026, 11, 30), D(2026, 11, 30)) == 0
    assert working_days_between(D(2026, 11, 2), D(2026, 11, 16)) == 9  # deux semaines moins le 11 novembre
    assert working_days_between(D(2026, 11, 16), D(2026, 11, 2)) == -9
    assert working_days_between(D(2026, 12, 24), D(2027, 1, 4)) == 5  # 28-31 déc., 4 janv.


def test_add_and_between_agree_over_a_year():
    start = D(2026, 1, 1)
    for n in (1, 5, 17, 60, 250):
        assert working_days_between(start, add_working_days(start, n)) == n
    assert (
        working_days_between(D(2026, 1, 1), D(2026, 12, 31)) == 365 - 104 - 9
    )  # 104 j. de week-end, 9 fériés en semaine
