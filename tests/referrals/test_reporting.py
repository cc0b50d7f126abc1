"""The coordination's figures: counts above the list and each place's response times, on a small known dataset."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from referrals import reporting
from referrals.models import Referral
from tests.places.factories import PlaceFactory
from tests.referrals.factories import ReferralFactory

S = Referral.Status
NOW = timezone.make_aware(datetime.datetime(2026, 11, 30, 12, 0))  # un lundi


def at(year, month, day, hour=10):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, 0))


def answered(place, sent, delay_days, status=S.ACCEPTED, **extra):
    return ReferralFactory(
        target_place=place,
        status=status,
        sent_at=sent,
        answered_at=sent + datetime.timedelta(days=delay_days),
        decline_reason=Referral.DeclineReason.FULL if status == S.DECLINED else "",
        **extra,
    )


@pytest.fixture
def dataset():
    slow = PlaceFactory(complete=True, published=True, name="Médiathèque lente")
    quick = PlaceFactory(complete=True, published=True, name="France Services rapide")
    monday = at(2026, 9, 7)
    # Lente : réponses en 1, 8 et 10 jours ; seule la première tient dans les 5 jours ouvrés.
    answered(slow, monday, 1)
    answered(slow, monday, 8)
    answered(slow, monday, 10, status=S.DECLINED)
    # Rapide : réponses en 0,5 et 1,5 jour, une attente dépassée, une attente récente (pas encore jugée).
    answered(quick, monday, 0.5)
    answered(quick, monday, 1.5)
    ReferralFactory(target_place=quick, status=S.SENT, sent_at=monday)
    ReferralFactory(target_place=quick, status=S.UNDER_REVIEW, sent_at=at(2026, 11, 27))
    ReferralFactory(target_place=quick, status=S.EXPIRED, sent_at=monday, closed_at=monday + datetime.timedelta(30))
    # Hors période, et « au réseau » : pas comptées.
    answered(slow, at(2025, 6, 2), 40)
    ReferralFactory(to_network=True, sent_at=monday)
    return slow, quick


@override_settings(REFERRAL_REMINDER_WORKING_DAYS=5)
def test_response_times_per_place_on_a_known_dataset(dataset):
    slow, quick = dataset
    rows = reporting.response_times(since=at(2026, 1, 1, 0), now=NOW)

    assert [row.place_id for row in rows] == [slow.pk, quick.pk]  # le plus lent d'abord
    first, second = rows
    assert (first.received, first.answered, first.declined, first.expired, first.waiting) == (3, 3, 1, 0, 0)
    assert first.median_days == 8.0
    assert first.p90_days == 9.6  # 8 + 0,8 × (10 − 8)
    assert (first.in_time, first.judged, first.in_time_share) == (1, 3, 33)
    assert (second.received, second.answered, second.declined, second.expired, second.waiting) == (5, 2, 0, 1, 2)
    assert second.median_days == 1.0
    assert second.p90_days == 1.4
    # Jugées : les 2 répondues, l'attente dépassée et l'expirée ; l'attente de vendredi dernier ne compte pas encore.
    assert (second.in_time, second.judged, second.in_time_share) == (2, 4, 50)
    assert second.place_name == "France Services rapide"


def test_response_times_with_a_shorter_delay(dataset):
    slow, _quick = dataset
    with override_settings(REFERRAL_REMINDER_WORKING_DAYS=1):
        rows = {row.place_id: row for row in reporting.response_times(since=at(2026, 1, 1, 0), now=NOW)}
    assert rows[slow.pk].in_time == 1


def test_response_times_period_excludes_older_referrals(dataset):
    slow, _quick = dataset
    rows = {row.place_id: row for row in reporting.response_times(since=at(2025, 1, 1, 0), now=NOW)}
    assert rows[slow.pk].received == 4
    assert rows[slow.pk].median_days == 9.0  # 1, 8, 10, 40


def test_a_place_with_nothing_to_judge_yet_comes_last():
    waiting = PlaceFactory(complete=True, published=True, name="Aaa nouveau lieu")
    late = PlaceFactory(complete=True, published=True, name="Zzz lieu en retard")
    ReferralFactory(target_place=waiting, sent_at=at(2026, 11, 27))
    ReferralFactory(target_place=late, sent_at=at(2026, 10, 1))
    rows = reporting.response_times(since=at(2026, 1, 1, 0), now=NOW)
    assert [row.place_id for row in rows] == [late.pk, waiting.pk]
    assert rows[1].in_time_share is None and rows[1].median_days is None


def test_percentile_interpolates_between_ranks():
    assert reporting.percentile([], 0.5) is None
    assert reporting.percentile([3.0], 0.9) == 3.0
    assert reporting.percentile([1, 2, 3, 4], 0.5) == 2.5
    assert reporting.percentile([10, 1, 8], 0.9) == pytest.approx(9.6)


def test_period_start_goes_back_whole_months():
    assert reporting.period_start(12, NOW) == at(2025, 11, 30, 0)
    assert reporting.period_start(3, at(2026, 5, 31)) == at(2026, 2, 28, 0)
    assert reporting.period_start(1, at(2026, 1, 15)) == at(2025, 12, 15, 0)


@override_settings(REFERRAL_REMINDER_WORKING_DAYS=5)
def test_summary_counts():
    place = PlaceFactory(complete=True, published=True)
    ReferralFactory(to_network=True, sent_at=at(2026, 11, 27))
    ReferralFactory(target_place=place, sent_at=at(2026, 11, 20))  # 6 jours ouvrés : en retard
    ReferralFactory(target_place=place, status=S.UNDER_REVIEW, sent_at=at(2026, 11, 23))  # 5 jours : pas encore
    ReferralFactory(target_place=place, accepted=True)
    ReferralFactory(target_place=place, in_progress=True)
    ReferralFactory(target_place=place, closed=True, closed_at=at(2026, 11, 2))
    ReferralFactory(target_place=place, closed=True, closed_at=at(2026, 10, 31))
    ReferralFactory(target_place=place, declined=True)

    counts = reporting.summary(Referral.objects.all(), now=NOW)

    assert counts == {"to_dispatch": 1, "unanswered": 3, "overdue": 1, "ongoing": 2, "closed_this_month": 1}


def test_overdue_limit_counts_working_days_only():
    # Cinq jours ouvrés avant le lundi 16 novembre 2026, le 11 novembre (férié) sauté : le vendredi 6.
    assert reporting.overdue_limit(at(2026, 11, 16), working_days=5) == at(2026, 11, 6, 0)


def test_csv_row_uses_decimal_commas(dataset):
    slow, _quick = dataset
    row = reporting.response_times(since=at(2026, 1, 1, 0), now=NOW)[0]
    assert reporting.csv_row(row) == ["Médiathèque lente", slow.commune_name, 3, 3, "8,0", "9,6", 33, 1, 0, 0]
