"""Places benchmark: a synthetic national-scale file in the standard (30,000 places spread over real communes,
weighted by population), then import, re-import of the unchanged file (must write nothing) and exports.
The territory must be loaded (bench/run.py does it). Register `places_io` in bench/run.py."""

import csv
import io
import random
import time

from places import vocabulary
from places.standard import COLUMNS

SEED = 20260103
ROWS = 30_000
SOURCE = "bench-national"

HOURS = [
    "Mo-Fr 09:00-12:00,14:00-17:00",
    "Tu-Sa 10:00-12:30,13:30-18:00; PH off",
    "Mo,We,Fr 09:00-12:00",
    "Mo-Fr 08:30-12:30; Sa 09:00-12:00; PH off",
    "",
]
KINDS = ["Médiathèque", "France Services", "Espace public numérique", "Centre social", "Mairie", "Tiers-lieu"]
TYPOLOGIES = ["BIB", "RFS", "EPN", "CS", "MUNI", "TIERS_LIEUX", "ASSO", "CCAS"]


def luhn_siret(rng):
    """A random SIRET with a valid Luhn key (not La Poste's SIREN)."""
    from accounts.validators import luhn_complete

    return luhn_complete("2" + "".join(str(rng.randint(0, 9)) for _ in range(12)))


def sample(rng, values, low=0, high=3):
    return "|".join(rng.sample(values, rng.randint(low, min(high, len(values)))))


def generate_rows(n=ROWS, *, seed=SEED):
    """`n` rows of the standard (dicts of strings) over the loaded communes, deterministic for a seed."""
    from geo.models import Commune

    rng = random.Random(seed)
    communes = list(
        Commune.objects.exclude(latitude=None)
        .exclude(postal_codes=[])
        .values_list("insee_code", "name", "postal_codes", "latitude", "longitude", "population")
    )
    if not communes:
        raise RuntimeError("Aucune commune chargée : lancez `manage.py load_territory`.")
    weights = [max(population, 200) for *_, population in communes]
    picks = rng.choices(communes, weights=weights, k=n)
    rows = []
    for number, (insee, name, postal_codes, latitude, longitude, _) in enumerate(picks, start=1):
        pivot = (
            luhn_siret(rng)
            if number % 3
            else ("00000000000000" if number % 2 else f"W{rng.randint(0, 10**9 - 1):09d}")
        )
        rows.append(
            {
                "id": f"bench-{number:06d}",
                "pivot": pivot,
                "nom": f"{rng.choice(KINDS)} de {name}",
                "commune": name,
                "code_postal": postal_codes[0],
                "code_insee": insee,
                "adresse": f"{rng.randint(1, 120)} rue de la République",
                "complement_adresse": rng.choice(["", "", "Rez-de-chaussée", "Bâtiment B"]),
                "latitude": f"{latitude + rng.uniform(-0.02, 0.02):.6f}",
                "longitude": f"{longitude + rng.uniform(-0.02, 0.02):.6f}",
                "typologie": sample(rng, TYPOLOGIES, 1, 2),
                "telephone": f"+335{rng.randint(10**7, 10**8 - 1)}",
                "courriels": f"contact{number}@example.org",
                "site_web": f"https://www.example.org/lieux/{number}",
                "horaires": rng.choice(HOURS),
                "presentation_resume": "Accompagnement gratuit aux démarches en ligne et aux usages du numérique.",
                "presentation_detail": "",
                "source": "Banc d'essai",
                "itinerance": rng.choice(vocabulary.ITINERANCE),
                "structure_parente": "",
                "date_maj": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "services": sample(rng, vocabulary.SERVICES, 1, 4),
                "publics_specifiquement_adresses": sample(rng, vocabulary.PUBLICS, 0, 2),
                "prise_en_charge_specifique": sample(rng, vocabulary.SPECIFIC_SUPPORT, 0, 2),
                "frais_a_charge": rng.choice(vocabulary.FEES),
                "dispositif_programmes_nationaux": sample(rng, vocabulary.NATIONAL_PROGRAMMES, 0, 2),
                "formations_labels": sample(rng, vocabulary.TRAINING_LABELS, 0, 1),
                "autres_formations_labels": "",
                "modalites_acces": sample(rng, vocabulary.ACCESS_MODES, 1, 3),
                "modalites_accompagnement": sample(rng, vocabulary.SUPPORT_MODES, 1, 3),
                "fiche_acces_libre": "",
                "prise_rdv": "",
            }
        )
    return rows


def generate_file(n=ROWS, *, seed=SEED):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(generate_rows(n, seed=seed))
    return buffer.getvalue().encode("utf-8")


def _writes(queries):
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and ("places_place" in q["sql"] or "core_historyentry" in q["sql"])
    ]


def places_io(n=ROWS):
    """Import `n` synthetic places (after removing the previous run's), re-import the same file, export CSV and
    JSON. Returns one dict per measurement."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from places.exporting import iter_csv, iter_json
    from places.importing import import_places
    from places.models import Place

    data = generate_file(n)
    Place.objects.filter(import_source=SOURCE).delete()
    vendor = connection.vendor

    started = time.perf_counter()
    report = import_places(data, filename="bench.csv", source=SOURCE)
    import_seconds = time.perf_counter() - started
    if report.created != n:
        raise AssertionError(f"{report.created} lieux créés sur {n} : {report.errors[:3]}")

    modified_before = Place.objects.filter(import_source=SOURCE).order_by("-modified_at").values("modified_at")[:1]
    modified_before = list(modified_before)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        again = import_places(data, filename="bench.csv", source=SOURCE)
        reimport_seconds = time.perf_counter() - started
    writes = _writes(queries.captured_queries)
    modified_after = list(
        Place.objects.filter(import_source=SOURCE).order_by("-modified_at").values("modified_at")[:1]
    )
    if writes or again.unchanged != n or modified_after != modified_before:
        raise AssertionError(f"La réimportation a écrit : {len(writes)} écritures, {again.unchanged} inchangés.")

    published = Place.objects.published().count()
    started = time.perf_counter()
    size = sum(len(chunk) for chunk in iter_csv())
    export_csv_seconds = time.perf_counter() - started
    started = time.perf_counter()
    json_size = sum(len(chunk) for chunk in iter_json())
    export_json_seconds = time.perf_counter() - started
    return [
        {"scenario": "places_import", "database": vendor, "rows": n, "seconds": round(import_seconds, 2)},
        {
            "scenario": "places_reimport_unchanged",
            "database": vendor,
            "rows": n,
            "seconds": round(reimport_seconds, 2),
            "writes": len(writes),
        },
        {
            "scenario": "places_export_csv",
            "database": vendor,
            "rows": published,
            "seconds": round(export_csv_seconds, 2),
            "characters": size,
        },
        {
            "scenario": "places_export_json",
            "database": vendor,
            "rows": published,
            "seconds": round(export_json_seconds, 2),
            "characters": json_size,
        },
    ]


def places_import_second_source(n=ROWS):
    """Import another synthetic file of `n` places as a second source over the places of `places_io` (run it
    first): every new place is checked for possible duplicates among the existing ones. Removes what it created."""
    from django.db import connection

    from places.importing import import_places
    from places.models import Place

    second = f"{SOURCE}-2"
    data = generate_file(n, seed=SEED + 1)
    Place.objects.filter(import_source=second).delete()
    started = time.perf_counter()
    report = import_places(data, filename="bench-2.csv", source=second)
    seconds = time.perf_counter() - started
    Place.objects.filter(import_source=second).delete()
    return {
        "scenario": "places_import_second_source",
        "database": connection.vendor,
        "rows": n,
        "existing_places": Place.objects.filter(import_source=SOURCE).count(),
        "seconds": round(seconds, 2),
        "possible_duplicates_flagged": len(report.warnings),
    }


def places_search(requests=300):
    """The public search as a visitor uses it — a commune, 30 km, two filters — over the places of `places_io` (run
    it first): server-side time of the whole request (form, query, template), p50/p95, and the query count, which
    must not depend on the number of results."""
    import statistics

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client(HTTP_HOST="localhost")
    with override_settings(DEBUG=False):
        return _search_timings(client, requests, connection, CaptureQueriesContext, statistics)


def _search_timings(client, requests, connection, CaptureQueriesContext, statistics):
    from places.models import Place

    queries_by_url = {}
    timings = []
    urls = [
        "/lieux/?commune=Agen&rayon=30&services=Aide+aux+d%C3%A9marches+administratives&frais=Gratuit",
        "/lieux/?commune=47300&rayon=30&services=Ma%C3%AEtrise+des+outils+num%C3%A9riques+du+quotidien&frais=Gratuit",
        "/lieux/?commune=Bordeaux&rayon=30&services=Aide+aux+d%C3%A9marches+administratives&accompagnement=En+autonomie",
        "/lieux/?commune=Paris&rayon=10&services=Aide+aux+d%C3%A9marches+administratives&frais=Gratuit",
    ]
    for url in urls:  # warm-up, and the query count of each search
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"{url} : {response.status_code}")
        queries_by_url[url] = len(queries)
    for index in range(requests):
        url = urls[index % len(urls)]
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "scenario": "places_search",
        "database": connection.vendor,
        "places": Place.objects.published().count(),
        "requests": requests,
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
        "queries_per_search": sorted(set(queries_by_url.values())),
    }
