"""Attendance benchmarks (registered lazily in bench/run.py), on the data of bench/scenarios_events.py (100 events,
1,000 sessions, ~3,500 registrations), with a past session of 200 registrants whose attendance is recorded:

- `events_figures`: the figures page (/evenements/gestion/chiffres/) of the bench organiser's admin, each grouping
  and filter, and the XLSX export (four sheets): p50/p95 (ms) and the largest number of SQL queries for one page;
- `events_check_in`: the check-in list of the 200-registrant session (GET), saving the ticked list (POST), and the
  sign-in sheet PDF of those 200 people: p50/p95 (ms) and the queries of one list.
"""

import datetime
import random
import statistics
import time

from bench.scenarios_events import SEED, _log, _p, ensure_data

PAGE_REQUESTS = 100
BIG_POOL = 200
ADMIN_EMAIL = "banc-evenements-admin@example.org"


def _admin_and_big_session():
    from django.utils import timezone

    from accounts.models import Membership, Role, User
    from events.models import Registration, Session

    organizer = ensure_data()
    user, created = User.objects.get_or_create(email=ADMIN_EMAIL, defaults={"first_name": "Banc"})
    if created:
        Membership.objects.create(user=user, organization=organizer, role=Role.ORG_ADMIN)
    now = timezone.now()
    session = Session.objects.filter(event__organizer=organizer, starts_at__lt=now).first()
    if session is None:
        started = time.perf_counter()
        template = Session.objects.filter(event__organizer=organizer).exclude(place=None).first()
        session = Session.objects.create(
            event=template.event,
            starts_at=now - datetime.timedelta(days=1),
            duration_minutes=120,
            place=template.place,
            capacity=BIG_POOL,
        )
        rng = random.Random(SEED + 2)
        Registration.objects.bulk_create(
            Registration(
                session=session,
                first_name=f"Prénom{k}",
                last_name=f"Nom{k}",
                email=f"banc-pointage-{k}@example.org",
                status=Registration.Status.CONFIRMED,
                created_at=now,
                queued_at=now,
                confirmed_at=now,
                attended=rng.random() < 0.8,
            )
            for k in range(BIG_POOL)
        )
        _log(f"Séance de {BIG_POOL} inscrits créée en {time.perf_counter() - started:.1f} s")
    return user, session


def _client(user):
    from bench.scenarios_referrals import _logged_in_client

    return _logged_in_client(user)


def _timed(client, method, url, data=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = getattr(client, method)(url, data or {})
        elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code in (200, 302), (url, response.status_code)
    return elapsed, len(queries)


def figures_scenario(requests=PAGE_REQUESTS):
    user, _session = _admin_and_big_session()
    client = _client(user)
    rng = random.Random(SEED)
    choices = [{"by": by} for by in ("seance", "lieu", "organisation", "commune")] + [
        {"by": "seance", "kind": "training"},
        {"by": "commune", "date_from": "2020-01-01"},
    ]
    timings, max_queries = [], 0
    for _ in range(requests):
        params = dict(rng.choice(choices))
        params["page"] = rng.randint(1, 5)
        elapsed, queries = _timed(client, "get", "/evenements/gestion/chiffres/", params)
        timings.append(elapsed)
        max_queries = max(max_queries, queries)
    xlsx = [_timed(client, "get", "/evenements/gestion/chiffres/export.xlsx")[0] for _ in range(5)]
    return {
        "scenario": "events_figures",
        "requests": requests,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(_p(timings, 0.95), 1),
        "max_queries_per_page": max_queries,
        "xlsx_p50_ms": round(statistics.median(xlsx), 1),
    }


def check_in_scenario(requests=30):
    from django.urls import reverse

    from events.models import Registration

    user, session = _admin_and_big_session()
    client = _client(user)
    url = reverse("events:check_in_list", args=[session.pk])
    ids = list(Registration.objects.filter(session=session).values_list("pk", flat=True))
    rng = random.Random(SEED)
    lists, saves, max_queries = [], [], 0
    for _ in range(requests):
        elapsed, queries = _timed(client, "get", url)
        lists.append(elapsed)
        max_queries = max(max_queries, queries)
        present = [str(pk) for pk in ids if rng.random() < 0.8]
        saves.append(_timed(client, "post", url, {"present": present})[0])
    sheet_url = reverse("events:sign_in_sheet", args=[session.pk])
    sheets = [_timed(client, "get", sheet_url)[0] for _ in range(5)]
    return {
        "scenario": "events_check_in",
        "registrants": len(ids),
        "list_p50_ms": round(statistics.median(lists), 1),
        "list_p95_ms": round(_p(lists, 0.95), 1),
        "list_queries": max_queries,
        "save_p50_ms": round(statistics.median(saves), 1),
        "save_p95_ms": round(_p(saves, 0.95), 1),
        "sign_in_sheet_p50_ms": round(statistics.median(sheets), 1),
    }
