"""core.ratelimit: fixed windows counted in the database, keys without personal data, purge of ended windows."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import RequestFactory

from core.models import RateLimitCounter
from core.ratelimit import client_ip, hashed_key, hit, purge_expired, window_bounds

NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


def test_allows_up_to_the_limit_then_refuses_within_the_window():
    answers = [hit("test:a", limit=3, window_seconds=3600, now=NOON + dt.timedelta(minutes=i)) for i in range(5)]
    assert answers == [True, True, True, False, False]
    counter = RateLimitCounter.objects.get(key="test:a")
    assert counter.count == 5  # refused requests count too
    assert counter.window_start == NOON and counter.expires_at == NOON + dt.timedelta(hours=1)


def test_the_next_window_starts_from_zero():
    for _ in range(3):
        hit("test:roll", limit=3, window_seconds=3600, now=NOON + dt.timedelta(minutes=59))
    assert not hit("test:roll", limit=3, window_seconds=3600, now=NOON + dt.timedelta(minutes=59, seconds=59))
    assert hit("test:roll", limit=3, window_seconds=3600, now=NOON + dt.timedelta(hours=1))
    assert RateLimitCounter.objects.filter(key="test:roll").count() == 2


def test_keys_are_counted_apart():
    assert hit("test:one", limit=1, window_seconds=60, now=NOON)
    assert hit("test:two", limit=1, window_seconds=60, now=NOON)
    assert not hit("test:one", limit=1, window_seconds=60, now=NOON)


def test_windows_are_aligned():
    start, end = window_bounds(NOON + dt.timedelta(minutes=42, seconds=7), 3600)
    assert (start, end) == (NOON, NOON + dt.timedelta(hours=1))
    start, _end = window_bounds(NOON + dt.timedelta(hours=5), 24 * 3600)
    assert start == dt.datetime(2026, 3, 2, tzinfo=dt.UTC)


def test_hashed_keys_hide_the_value_and_ignore_case_and_spaces():
    key = hashed_key("guide-send:to", "Marie@Example.org ")
    assert key.startswith("guide-send:to:") and "marie" not in key.lower()
    assert key == hashed_key("guide-send:to", "marie@example.org")
    assert key != hashed_key("guide-send:ip", "marie@example.org")
    assert len(key) <= RateLimitCounter._meta.get_field("key").max_length


def test_a_key_too_long_is_refused_loudly():
    with pytest.raises(ValueError, match="trop longue"):
        hit("x" * 101, limit=1, window_seconds=60)


def test_purge_deletes_only_ended_windows():
    hit("test:old", limit=5, window_seconds=3600, now=NOON)
    hit("test:current", limit=5, window_seconds=3600, now=NOON + dt.timedelta(hours=1))
    assert purge_expired(now=NOON + dt.timedelta(hours=1, minutes=30)) == 1
    assert list(RateLimitCounter.objects.values_list("key", flat=True)) == ["test:current"]
    assert purge_expired(now=NOON + dt.timedelta(hours=1, minutes=30)) == 0


def test_client_ip_is_remote_addr():
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client_ip(request) == "203.0.113.7"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_are_all_counted():
    """Eight requests at once on a fresh key: one creates the row, none is lost, exactly `limit` are allowed."""
    workers = 8
    barrier = threading.Barrier(workers)
    answers = []
    errors = []

    def one_hit():
        try:
            barrier.wait(timeout=10)
            answers.append(hit("test:race", limit=5, window_seconds=3600, now=NOON))
        except Exception as error:  # reported by the assertion below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=one_hit) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert sorted(answers) == [False] * 3 + [True] * 5
    assert RateLimitCounter.objects.get(key="test:race").count == workers
