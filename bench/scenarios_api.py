"""The read API on the bench database (30,000 places after `places_io`): pages of /api/v1/lieux/ (100 places each,
random pages, sometimes filtered by commune or service) through the test client, with a token so the per-IP limit
does not interfere. Register in bench/run.py like the others."""

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


def places_list_scenario(requests=REQUESTS, per_page=100):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from accounts.models import Organization
    from api.models import ApiToken, Scope, new_secret
    from places import vocabulary
    from places.models import Place

    rng = random.Random(SEED)
    if connection.vendor == "postgresql":  # fresh statistics after the bulk load, as autovacuum would leave them
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE places_place")
    published = Place.objects.published().count()
    if not published:
        raise AssertionError("aucun lieu publié : lancez d'abord le scénario places_io")
    organization, _ = Organization.objects.get_or_create(name="Banc d'essai de l'API")
    secret, prefix, secret_hash = new_secret()
    token = ApiToken.objects.create(
        organization=organization,
        name="banc d'essai",
        prefix=prefix,
        secret_hash=secret_hash,
        scopes=[Scope.PLACES_READ],
    )
    communes = list(
        Place.objects.published().exclude(insee_code="").values_list("insee_code", flat=True).distinct()[:300]
    )
    pages = max(1, published // per_page)
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {secret}")
    timings, query_counts, sizes = [], set(), []
    try:
        with override_settings(DEBUG=False):
            for index in range(requests + 5):
                params = {"par_page": per_page, "page": rng.randint(1, pages)}
                draw = rng.random()
                if draw < 0.2 and communes:
                    params = {"commune": rng.choice(communes), "par_page": per_page}
                elif draw < 0.3:
                    params = {"service": rng.choice(vocabulary.SERVICES), "par_page": per_page}
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get("/api/v1/lieux/", params)
                    elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise AssertionError(f"/api/v1/lieux/ : statut {response.status_code}")
                if index >= 5:  # warm-up
                    timings.append(elapsed)
                    query_counts.add(len(queries))
                    sizes.append(len(response.content))
    finally:
        token.delete()
    return {
        "database": connection.vendor,
        "published_places": published,
        "requests": requests,
        "per_page": per_page,
        **_percentiles(timings),
        "queries_per_request": sorted(query_counts),
        "median_response_kb": round(statistics.median(sizes) / 1024, 1),
    }
