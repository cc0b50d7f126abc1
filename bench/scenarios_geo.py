"""Territory benchmark: `Commune.objects.search()` over all communes (the territory must be loaded)."""

import random
import statistics
import time

SEED = 20260101


def build_queries(n, rng):
    """A realistic mix of what people type: name prefixes, whole names (some with "st"/"ste"), postal codes, INSEE
    codes, words from the middle of names, misspellings that find nothing, and short prefixes while typing."""
    from geo.models import Commune, PostalCode

    communes = list(Commune.objects.values_list("insee_code", "name", "population"))
    postal_codes = list(PostalCode.objects.values_list("code", flat=True).distinct())
    # People look up populated communes more often: weight by population (at least 100).
    weights = [max(population, 100) for _, _, population in communes]
    picks = rng.choices(communes, weights=weights, k=n)
    queries = []
    for index, (insee, name, _) in enumerate(picks):
        kind = index % 10
        lowered = name.lower()
        if kind in (0, 1, 2):  # a prefix while typing: 3 to 8 characters
            queries.append(lowered[: rng.randint(3, 8)])
        elif kind == 3:  # the whole name
            queries.append(name)
        elif kind == 4:  # "st"/"ste" forms, or the name without hyphens and accents
            short = lowered.replace("sainte-", "ste ").replace("saint-", "st ")
            queries.append(short if short != lowered else lowered.replace("-", " "))
        elif kind == 5:
            queries.append(rng.choice(postal_codes))
        elif kind == 6:
            queries.append(insee)
        elif kind == 7:  # a later word of the name ("sur lot", "garonne")
            words = lowered.replace("-", " ").split()
            queries.append(" ".join(words[-2:]) if len(words) > 1 else words[0][:5])
        elif kind == 8:  # a typo: nothing found, so the scan runs
            queries.append(lowered[:4] + "zq")
        else:  # the autocomplete label
            queries.append(f"{name} ({insee})")
    return queries


def commune_lookup(n=2000):
    """Time `Commune.objects.search(q)` for `n` queries; return p50/p95/max in milliseconds."""
    from django.conf import settings

    from geo.models import Commune

    rng = random.Random(SEED)
    queries = build_queries(n, rng)
    Commune.objects.search("agen")  # warm-up: connection, statement cache
    timings = []
    found = 0
    for query in queries:
        started = time.perf_counter()
        results = Commune.objects.search(query, prefer_departement=settings.PLATFORM_DEPARTEMENT)
        timings.append((time.perf_counter() - started) * 1000)
        found += bool(results)
    timings.sort()

    def pct(fraction):
        return round(timings[min(len(timings) - 1, round(fraction * (len(timings) - 1)))], 2)

    return {
        "scenario": "commune_lookup",
        "queries": n,
        "communes": Commune.objects.count(),
        "found_ratio": round(found / n, 3),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "max_ms": round(timings[-1], 2),
        "mean_ms": round(statistics.fmean(timings), 2),
    }
