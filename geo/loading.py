"""Load the territory reference files (geo/data/*.csv.gz) into the database.

Reference data, not a user action: no history rows. Every write is a bulk operation, and only rows that are new or
differ from the database are written, so a second run writes nothing. Communes that disappeared from the files are
counted but never deleted (other tables point at them); review them by hand after a data update.
"""

import csv
import gzip
import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.db import transaction

from geo.models import Commune, CommuneWord, Departement, Epci, PostalCode, later_words
from geo.text import normalize_name

DATA_DIR = Path(__file__).resolve().parent / "data"
BATCH_SIZE = 2000


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    def __str__(self):
        text = f"{self.created} créé(s), {self.updated} mis à jour, {self.unchanged} inchangé(s)"
        return text + (f", {self.deleted} supprimé(s)" if self.deleted else "")


@dataclass
class LoadReport:
    departements: Counts = field(default_factory=Counts)
    epcis: Counts = field(default_factory=Counts)
    communes: Counts = field(default_factory=Counts)
    postal_codes: Counts = field(default_factory=Counts)
    words: Counts = field(default_factory=Counts)
    obsolete_communes: list = field(default_factory=list)

    @property
    def changed(self):
        return any(
            c.created or c.updated or c.deleted
            for c in (self.departements, self.epcis, self.communes, self.postal_codes, self.words)
        )


def read_csv_gz(path):
    """The rows of a gzipped CSV file, as dicts."""
    with gzip.open(path, "rb") as raw:
        return list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline="")))


@cache
def _read_cached(path, mtime):
    return tuple(read_csv_gz(path))


def read_data(data_dir=DATA_DIR):
    """{"departements": rows, "epci": rows, "communes": rows} from the three files of `data_dir` (cached in memory)."""
    data_dir = Path(data_dir)
    tables = {}
    for name in ("departements", "epci", "communes"):
        path = data_dir / f"{name}.csv.gz"
        tables[name] = _read_cached(path, path.stat().st_mtime_ns)
    return tables


@transaction.atomic
def load_territory(data_dir=DATA_DIR, *, departements=None, insee_codes=None):
    """Create or update départements, EPCI, communes and postal codes from `data_dir`; return a LoadReport.

    `departements` and `insee_codes` restrict the load to a subset (the union of both), for tests.
    """
    tables = read_data(data_dir)
    communes = tables["communes"]
    subset = departements is not None or insee_codes is not None
    if subset:
        wanted_departements = set(departements or ())
        wanted_codes = set(insee_codes or ())
        communes = [c for c in communes if c["departement"] in wanted_departements or c["insee"] in wanted_codes]
    used_departements = {c["departement"] for c in communes}
    used_epcis = {c["epci"] for c in communes if c["epci"]}

    report = LoadReport()
    report.departements = _sync(
        Departement,
        "code",
        {
            row["code"]: {"name": row["name"], "region_code": row["region"]}
            for row in tables["departements"]
            if not subset or row["code"] in used_departements
        },
    )
    report.epcis = _sync(
        Epci,
        "code",
        {
            row["code"]: {"name": row["name"], "kind": row["kind"]}
            for row in tables["epci"]
            if not subset or row["code"] in used_epcis
        },
    )
    wanted = {
        row["insee"]: {
            "name": row["name"],
            "search_name": normalize_name(row["name"]),
            "departement_id": row["departement"],
            "epci_id": row["epci"] or None,
            "population": int(row["population"] or 0),
            "latitude": float(row["lat"]) if row["lat"] else None,
            "longitude": float(row["lon"]) if row["lon"] else None,
            "postal_codes": row["postal_codes"].split(),
        }
        for row in communes
    }
    report.communes = _sync(Commune, "insee_code", wanted)
    report.postal_codes = _sync_commune_rows(
        PostalCode, "code", {code: values["postal_codes"] for code, values in wanted.items()}
    )
    report.words = _sync_commune_rows(
        CommuneWord, "word", {code: later_words(values["search_name"]) for code, values in wanted.items()}
    )
    if not subset:
        report.obsolete_communes = sorted(set(Commune.objects.values_list("pk", flat=True)) - set(wanted))
    return report


def _sync(model, key, wanted):
    """Write the rows of `wanted` ({pk: {field: value}}) that are missing or differ; return Counts."""
    fields = list(next(iter(wanted.values()), {}))
    counts = Counts()
    if not fields:
        return counts
    rows = _rows_for(model.objects.all(), "pk", wanted).values_list(key, *fields)
    existing = {row[0]: dict(zip(fields, row[1:], strict=True)) for row in rows.iterator(chunk_size=5000)}
    to_write = []
    for pk, values in wanted.items():
        current = existing.get(pk)
        if current is None:
            counts.created += 1
        elif current != values:
            counts.updated += 1
        else:
            counts.unchanged += 1
            continue
        to_write.append(model(**{key: pk}, **values))
    if to_write:
        model.objects.bulk_create(
            to_write, batch_size=BATCH_SIZE, update_conflicts=True, unique_fields=[key], update_fields=fields
        )
    return counts


def _rows_for(queryset, field_name, keys):
    """`queryset` narrowed to `keys` when they are few; whole table otherwise (a long IN list costs more)."""
    if len(keys) > 5000:
        return queryset
    return queryset.filter(**{f"{field_name}__in": list(keys)})


def _sync_commune_rows(model, field_name, values_by_commune):
    """One `model` row per (value, commune) of `values_by_commune` ({insee: [values]}); stale rows of these
    communes are deleted. Serves the postal codes and the words of names."""
    counts = Counts()
    wanted = {(value, insee) for insee, values in values_by_commune.items() for value in values}
    rows = _rows_for(model.objects.all(), "commune_id", values_by_commune)
    existing = {(value, commune): pk for pk, value, commune in rows.values_list("pk", field_name, "commune_id")}
    existing = {pair: pk for pair, pk in existing.items() if pair[1] in values_by_commune}
    stale = [pk for pair, pk in existing.items() if pair not in wanted]
    for start in range(0, len(stale), 10000):  # stays under SQLite's limit of bound variables
        model.objects.filter(pk__in=stale[start : start + 10000]).delete()
    missing = [model(**{field_name: value}, commune_id=insee) for value, insee in sorted(wanted - existing.keys())]
    model.objects.bulk_create(missing, batch_size=BATCH_SIZE)
    counts.created = len(missing)
    counts.deleted = len(stale)
    counts.unchanged = len(wanted) - len(missing)
    return counts
