import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from places.opening_hours import (
    closed_on_public_holidays,
    format_time,
    is_open_on,
    status_at,
    weekly_table,
)

HOURS = "Mo-Fr 09:00-12:00,14:00-17:30; Sa 09:00-12:00; PH off"
PARIS = ZoneInfo("Europe/Paris")
# Wednesday 15 July 2026.
WEDNESDAY = dt.datetime(2026, 7, 15, 10, 0, tzinfo=PARIS)


def test_format_time():
    assert format_time(dt.time(9)) == "9 h"
    assert format_time(dt.time(17, 30)) == "17 h 30"
    assert format_time(dt.time(9, 5)) == "9 h 05"


def test_weekly_table_in_french():
    table = weekly_table(HOURS, when=WEDNESDAY)
    assert [day.name for day in table] == ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
    assert table[0].label == "9 h – 12 h, 14 h – 17 h 30"
    # 14 July is a Tuesday and a public holiday: the ordinary week ignores it.
    assert table[1].label == "9 h – 12 h, 14 h – 17 h 30"
    assert table[5].label == "9 h – 12 h"
    assert table[6].label == "Fermé"


def test_weekly_table_comments_midnight_and_unknown():
    table = weekly_table('Mo 10:00-12:00 "sur rendez-vous"; Tu 20:00-24:00; We unknown', when=WEDNESDAY)
    assert table[0].label == "10 h – 12 h (sur rendez-vous)"
    assert table[1].label == "20 h – minuit"
    assert table[2].label == "0 h – minuit (à confirmer)"


def test_weekly_table_empty_or_unreadable():
    assert weekly_table("") == []
    assert weekly_table("n'importe quoi") == []


@pytest.mark.parametrize(
    "when, state, label",
    [
        (dt.datetime(2026, 7, 15, 10, 0), "open", "Ouvert maintenant — ferme à 12 h"),
        (dt.datetime(2026, 7, 15, 12, 30), "closed", "Fermé — ouvre à 14 h"),
        (dt.datetime(2026, 7, 15, 18, 0), "closed", "Fermé — ouvre demain à 9 h"),
        (dt.datetime(2026, 7, 18, 13, 0), "closed", "Fermé — ouvre lundi à 9 h"),
        (dt.datetime(2026, 7, 15, 15, 0), "open", "Ouvert maintenant — ferme à 17 h 30"),
        # Monday 13 July evening: Tuesday is 14 July (PH off), so it opens Wednesday.
        (dt.datetime(2026, 7, 13, 18, 0), "closed", "Fermé — ouvre mercredi à 9 h"),
        (dt.datetime(2026, 7, 14, 10, 0), "closed", "Fermé — ouvre demain à 9 h"),
    ],
)
def test_status_at(when, state, label):
    status = status_at(HOURS, when.replace(tzinfo=PARIS))
    assert (status.state, status.label) == (state, label)


def test_status_at_converts_to_paris_time():
    # 08:30 UTC is 10:30 in Paris in summer.
    status = status_at(HOURS, dt.datetime(2026, 7, 15, 8, 30, tzinfo=dt.UTC))
    assert status.label == "Ouvert maintenant — ferme à 12 h"


def test_status_at_unknown_and_always_open():
    assert status_at("", WEDNESDAY).state == "unknown"
    assert status_at("Mo-Su unknown", WEDNESDAY).state == "unknown"
    assert status_at("24/7", WEDNESDAY).label == "Ouvert maintenant"


def test_status_far_away_opening():
    status = status_at("Sep 01-Sep 30 Mo 09:00-12:00", dt.datetime(2026, 7, 15, 10, tzinfo=PARIS))
    assert status.label == "Fermé — ouvre le 7 septembre à 9 h"


def test_closed_on_public_holidays():
    assert closed_on_public_holidays(HOURS)
    assert not closed_on_public_holidays("Mo-Fr 09:00-12:00")
    assert not closed_on_public_holidays("")


@pytest.mark.parametrize(
    "weekday, half_day, expected",
    [
        (1, "morning", True),
        (1, "afternoon", True),
        (5, "morning", True),
        (5, "afternoon", False),
        (6, "morning", False),
    ],
)
def test_is_open_on(weekday, half_day, expected):
    assert is_open_on(HOURS, weekday, half_day, when=WEDNESDAY) is expected


def test_is_open_on_without_hours():
    assert not is_open_on("", 1, "morning")


def test_template_tag_renders_accessible_table():
    html = Template("{% load place_hours %}{% opening_hours_block hours when %}").render(
        Context({"hours": HOURS, "when": WEDNESDAY})
    )
    assert "<caption>Horaires d&#x27;ouverture</caption>" in html
    assert '<th scope="row">Lundi</th>' in html
    assert "Ouvert maintenant — ferme à 12 h" in html
    assert "Fermé les jours fériés." in html
    empty = Template("{% load place_hours %}{% opening_hours_block '' %}").render(Context({}))
    assert "Horaires non renseignés" in empty
