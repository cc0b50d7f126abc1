"""Referrals benchmark: ranking places for a referral among the places already in the bench database (30,000 after
`places_io`). Register `rank_places` in bench/run.py (lazy import, like the places scenarios)."""

import random
import statistics
import time

SEED = 20260404
REQUESTS = 300


def rank_places_scenario(requests=REQUESTS):
    """Time `referrals.ranking.rank_places` for random populated communes, needs and availabilities: p50/p95 (ms)
    and the mean number of candidates returned. Target: p95 under 50 ms."""
    from geo.models import Commune
    from places import vocabulary
    from places.models import Place
    from referrals.models import AVAILABILITY_CHOICES
    from referrals.ranking import rank_places

    rng = random.Random(SEED)
    places = Place.objects.published().count()
    communes = list(Commune.objects.exclude(latitude=None).order_by("-population")[:2000])
    if not communes:
        raise RuntimeError("Aucune commune chargée : lancez `manage.py load_territory`.")
    days = [code for code, _label in AVAILABILITY_CHOICES]
    rank_places(needs=[vocabulary.SERVICES[0]], commune=communes[0])  # warm-up
    timings, sizes = [], []
    for _ in range(requests):
        commune = rng.choice(communes)
        started = time.perf_counter()
        result = rank_places(
            needs=rng.sample(vocabulary.SERVICES, 2),
            commune=commune,
            specific_needs=rng.sample(["hearing", "sight", "mobility", "illiteracy"], 1),
            days=rng.sample(days, 2),
        )
        timings.append((time.perf_counter() - started) * 1000)
        sizes.append(len(result))
    timings.sort()
    return {
        "published_places": places,
        "requests": requests,
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
        "max_ms": round(timings[-1], 2),
        "mean_results": round(statistics.mean(sizes), 1),
        "target_p95_ms": 50,
    }
