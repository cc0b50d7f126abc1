"""The public doors, on the bench database (30,000 places after `places_io`): the guided search's result page for
random populated communes and needs, and « être rappelé » requests (person, consents, referral « au réseau »).
Register in bench/run.py like the others."""

import random
import statistics
import time

SEED = 20261130
REQUESTS = 200


def _percentiles(timings):
    timings = sorted(timings)
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
        "max_ms": round(timings[-1], 2),
    }


def guide_result_scenario(requests=REQUESTS):
    """GET the result of « Trouver de l'aide » (ranking + opening flags + rendering) through the test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from geo.models import Commune
    from orientation.guide import NEEDS, result_url
    from places.models import Place

    rng = random.Random(SEED)
    communes = list(Commune.objects.exclude(latitude=None).order_by("-population")[:500])
    client = Client(HTTP_HOST="localhost")
    needs = [need.code for need in NEEDS]
    moments = ["mo_morning", "tu_afternoon", "we_morning", "sa_morning"]
    timings, query_counts = [], set()
    with override_settings(DEBUG=False):
        for index in range(requests + 5):
            commune = rng.choice(communes)
            params = {"besoin": rng.sample(needs, 2), "commune": commune.label, "moment": rng.sample(moments, 2)}
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(result_url(), params)
                elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise AssertionError(f"résultat : statut {response.status_code}")
            if index >= 5:  # warm-up
                timings.append(elapsed)
                query_counts.add(len(queries))
    return {
        "database": connection.vendor,
        "published_places": Place.objects.published().count(),
        "requests": requests,
        **_percentiles(timings),
        "queries_per_request": sorted(query_counts),
    }


def callback_scenario(requests=REQUESTS):
    """`orientation.callback.request_callback` (person + two consents + referral « au réseau » + history rows)."""
    from django.db import connection

    from geo.models import Commune
    from orientation.callback import request_callback
    from orientation.guide import NEEDS

    rng = random.Random(SEED)
    communes = list(Commune.objects.exclude(latitude=None).order_by("-population")[:500])
    timings = []
    for index in range(requests):
        started = time.perf_counter()
        request_callback(
            first_name=f"Banc {index}",
            phone=f"+3363998{index % 10000:04d}",
            email="",
            commune=rng.choice(communes),
            need=rng.choice(NEEDS).code,
            moments=["tu_morning"],
        )
        timings.append((time.perf_counter() - started) * 1000)
    return {"database": connection.vendor, "requests": requests, **_percentiles(timings)}
