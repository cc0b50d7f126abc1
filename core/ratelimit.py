"""Rate limiting for public forms, counted in the database so that every worker process sees the same counts.

    from core.ratelimit import client_ip, hashed_key, hit
    if not hit(hashed_key("guide-send:ip", client_ip(request)), limit=10, window_seconds=3600):
        ...  # refuse politely (status 429)

Rules:
- Fixed windows: a key may be hit `limit` times between `window_start` and `window_start + window_seconds`
  (windows are aligned on multiples of `window_seconds` since the epoch); the next window starts from zero.
- One key per rule: the key names the rule (« guide-send:ip ») so that two rules never share a counter.
- Keys never hold personal data in clear: `hashed_key` keeps a keyed hash (HMAC with SECRET_KEY) of the IP address,
  phone number or e-mail address, and `purge_expired` deletes the counters of ended windows.
- The count is incremented with one UPDATE … SET count = count + 1 (row lock), the row being created by
  `get_or_create` when missing (a concurrent creation is caught by the unique constraint and retried by Django):
  no request is lost or counted twice under concurrency, on SQLite and PostgreSQL.
- The client's address is REMOTE_ADDR. Behind a reverse proxy, the proxy (or the WSGI server) must put the
  visitor's address there; otherwise every visitor shares the proxy's address and the per-IP limit applies to all.
"""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.models import RateLimitCounter

KEY_SALT = "core.ratelimit"


def hashed_key(rule, value):
    """« rule:<32 hex characters> »: the rule in clear, the value (IP address, phone, e-mail) as a keyed hash."""
    digest = salted_hmac(KEY_SALT, str(value).strip().lower(), algorithm="sha256").hexdigest()[:32]
    return f"{rule}:{digest}"


def client_ip(request):
    """The visitor's address: REMOTE_ADDR (see the module docstring for reverse proxies)."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def window_bounds(now, window_seconds):
    """(start, end) of the fixed window holding `now`."""
    seconds = int(now.timestamp()) // window_seconds * window_seconds
    start = dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    return start, start + dt.timedelta(seconds=window_seconds)


def hit(key, *, limit, window_seconds, now=None):
    """Count one request for `key` and say whether it is allowed: True while the window's count is at most
    `limit`. Refused requests are counted too (a client hammering the form stays refused until the window ends)."""
    if len(key) > RateLimitCounter._meta.get_field("key").max_length:
        raise ValueError(f"Clé de limitation trop longue : {key[:40]}… (utilisez hashed_key).")
    start, end = window_bounds(now or timezone.now(), window_seconds)
    counters = RateLimitCounter.objects.filter(key=key, window_start=start)
    with transaction.atomic():
        if not counters.update(count=F("count") + 1):
            _counter, created = RateLimitCounter.objects.get_or_create(
                key=key, window_start=start, defaults={"expires_at": end, "count": 1}
            )
            if not created:  # another request created it meanwhile
                counters.update(count=F("count") + 1)
        count = counters.values_list("count", flat=True).get()
    return count <= limit


def purge_expired(*, now=None):
    """Delete the counters whose window has ended; returns how many. Idempotent (run it from a daily command)."""
    deleted, _by_model = RateLimitCounter.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
