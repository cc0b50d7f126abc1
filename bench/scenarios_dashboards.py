"""Pilotage benchmarks, on whatever the other scenarios left in the bench database: after `places_io` and
`volumes_pilotage` (bench/scenarios_volumes.py), the issue's volumes — 30,000 places, 200,000 referrals, 100,000
event registrations, 50,000 devices (about 20,000 delivered), 1,000,000 passes. Registered lazily in bench/run.py:

- `dashboards_coordinator` — the coordinator's dashboard for the current year, whole département, as the
  coordinator's browser asks it (test client, OTP-verified session): p50/p95 with the figures computed at each
  request (cache emptied before each one, database warm) — target p95 < 500 ms on PostgreSQL — and p95 when the
  5-minute cache answers; the coverage page too; and each section's own time (its provider called on the
  year's scope, median of 5), so a slow module shows (places … vouchers, events, devices, funding);
- `dashboards_export` — the streamed CSV of every pass (one anonymous row per pass): rows, seconds and the peak
  Python memory seen by tracemalloc while the response is consumed (constant: rows are read 5,000 at a time);
- `dashboards_yearly_report` — the yearly report for the current year: figures, HTML page and PDF (target < 30 s).
"""

import statistics
import time
import tracemalloc

REQUESTS = 20


def _coordinator():
    from accounts.models import Membership, Organization, Role, User

    user, created = User.objects.get_or_create(
        email="mesure-pilotage@example.org", defaults={"first_name": "Mesure", "last_name": "Pilotage"}
    )
    organization, _ = Organization.objects.get_or_create(name="Mesure : coordination départementale")
    Membership.objects.get_or_create(user=user, organization=organization, role=Role.COORDINATOR)
    return User.objects.get(pk=user.pk)


def _client():
    from bench.scenarios_referrals import _logged_in_client

    return _logged_in_client(_coordinator())


def _volumes():
    from devices.models import Delivery, Device
    from events.models import Registration
    from funding.models import Contribution, Grant
    from places.models import Place
    from referrals.models import Referral
    from vouchers.models import Book, Pass

    return {
        "places": Place.objects.count(),
        "referrals": Referral.objects.count(),
        "books_handed_out": Book.objects.handed_out().count(),
        "passes": Pass.objects.count(),
        "event_registrations": Registration.objects.count(),
        "devices": Device.objects.count(),
        "device_deliveries": Delivery.objects.count(),
        "fund_contributions": Contribution.objects.count(),
        "grants": Grant.objects.count(),
    }


def _section_timings(runs=5):
    """{section key: median ms} of each registered provider on the current year's scope."""
    from django.utils import timezone

    from dashboards import registry
    from dashboards.report import year_scope

    scope = year_scope(timezone.localdate().year)
    timings = {}
    for provider in registry.providers():
        measured = []
        for _ in range(runs):
            started = time.perf_counter()
            provider.function(scope)
            measured.append((time.perf_counter() - started) * 1000)
        timings[f"section_{provider.key}_ms"] = round(statistics.median(measured), 1)
    return timings


def _timed_get(client, url, *, clear_cache):
    from django.core.cache import cache

    if clear_cache:
        cache.clear()
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise AssertionError(f"{url} : statut {response.status_code}")
    return elapsed


def _summary(timings):
    timings = sorted(timings)
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 1),
        "max_ms": round(timings[-1], 1),
    }


def coordinator_scenario(requests=REQUESTS):
    from django.db import connection
    from django.test.utils import override_settings

    client = _client()
    result = {"database": connection.vendor, **_volumes(), "requests": requests}
    with override_settings(DEBUG=False):
        result["first_request_ms"] = round(_timed_get(client, "/pilotage/", clear_cache=True), 1)
        computed = [_timed_get(client, "/pilotage/", clear_cache=True) for _ in range(requests)]
        cached = [_timed_get(client, "/pilotage/", clear_cache=False) for _ in range(requests)]
        coverage = [
            _timed_get(client, "/pilotage/couverture/", clear_cache=True) for _ in range(max(5, requests // 4))
        ]
    result.update({f"computed_{key}": value for key, value in _summary(computed).items()})
    result.update({f"cached_{key}": value for key, value in _summary(cached).items()})
    result.update({f"coverage_{key}": value for key, value in _summary(coverage).items()})
    result.update(_section_timings())
    result["refresh_command_s"] = _timed_refresh()
    return result


def _timed_refresh():
    """Seconds of `refresh_dashboards --wet-run` (the département and every partner, computed ahead)."""
    import io

    from django.core.management import call_command

    started = time.perf_counter()
    call_command("refresh_dashboards", "--wet-run", stdout=io.StringIO())
    return round(time.perf_counter() - started, 2)


def export_scenario():
    from django.db import connection
    from django.test.utils import override_settings

    client = _client()
    with override_settings(DEBUG=False):
        tracemalloc.start()
        started = time.perf_counter()
        response = client.get("/pilotage/export/pass.csv")
        lines = size = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\n")
        seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {
        "database": connection.vendor,
        "rows": lines - 1,
        "megabytes": round(size / 1e6, 1),
        "seconds": round(seconds, 2),
        "rows_per_second": round((lines - 1) / seconds) if seconds else None,
        "peak_python_memory_mb": round(peak / 1e6, 1),
    }


def yearly_report_scenario():
    from django.db import connection
    from django.test.utils import override_settings
    from django.utils import timezone

    from dashboards.report import build_report, report_pdf

    year = timezone.localdate().year
    started = time.perf_counter()
    report = build_report(year)
    built = time.perf_counter() - started
    started = time.perf_counter()
    pdf = report_pdf(report)
    pdf_seconds = time.perf_counter() - started
    client = _client()
    with override_settings(DEBUG=False):
        page_ms = _timed_get(client, f"/pilotage/bilan/{year}/", clear_cache=True)
        pdf_page_ms = _timed_get(client, f"/pilotage/bilan/{year}/pdf/", clear_cache=True)
    return {
        "database": connection.vendor,
        "sections": len(report.sections),
        "figures_s": round(built, 2),
        "pdf_s": round(pdf_seconds, 2),
        "pdf_bytes": len(pdf),
        "html_page_s": round(page_ms / 1000, 2),
        "pdf_page_s": round(pdf_page_ms / 1000, 2),
    }
