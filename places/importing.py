"""Importing a file of the standard: `import_places(data, filename=…, source=…)`.

Upsert by (source, the file's `id`). Each line is read and checked first (nothing written); then, unless it is a
dry run or a line was rejected without `keep_valid`, every write happens in ONE transaction, in batches
(`bulk_create` / `bulk_update`), with one history row per created or changed place and one for the import itself.
A line whose values equal the stored ones is « unchanged » and is not written at all: re-importing the same file
writes nothing but the import's own record.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from core.history import _plain, record
from core.models import HistoryEntry
from places import completeness, duplicates
from places.models import Place, PlaceImport
from places.standard import RowReader, StandardFileError, read_table

BATCH_SIZE = 1000
MAX_ERRORS_KEPT = 1000
DUPLICATE_FIELDS = ["pk", "name", "address", "commune_name", "insee_code", "latitude", "longitude"]


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list = field(default_factory=list)  # [{"line": 12, "column": "code_postal", "message": "…"}]
    warnings: list = field(default_factory=list)  # possible duplicates: {"line": …, "message": …, "warning": True}
    dry_run: bool = False
    written: bool = False
    format: str = ""

    @property
    def failed(self):
        """Nothing was imported because of errors (all-or-nothing)."""
        return bool(self.errors) and not self.written and not self.dry_run


def format_error(error):
    """« Ligne 12, colonne code_postal : … »."""
    parts = []
    if error.get("line"):
        parts.append(f"Ligne {error['line']}")
    if error.get("column"):
        parts.append(f"colonne {error['column']}")
    prefix = ", ".join(parts)
    return f"{prefix} : {error['message']}" if prefix else error["message"]


def import_places(
    data,
    *,
    filename,
    source,
    acting_user=None,
    dry_run=False,
    keep_valid=False,
    draft=False,
    place_import=None,
    progress=None,
):
    """Import the bytes `data` of a file in the standard (CSV, JSON or legacy v0.1 CSV) as the places of `source`.

    - all-or-nothing by default: one rejected line and nothing is written; `keep_valid=True` writes the valid lines;
    - `dry_run=True` writes no place and reports what would be created, updated, left unchanged and rejected;
    - new places are published (the file is the source of truth), or drafts with `draft=True`; an existing place
      keeps its status;
    - `progress(processed, total)` is called every BATCH_SIZE lines; `place_import` (a PlaceImport) gets its
      `processed_rows` updated as lines are read, and the outcome at the end.
    Returns an `ImportReport`."""
    report = ImportReport(dry_run=dry_run)
    try:
        table = read_table(data, filename)
    except StandardFileError as error:
        report.errors = [{"line": None, "column": "", "message": message} for message in error.errors]
        _finish(place_import, report)
        return report
    report.format = table.format
    report.total = len(table.rows)
    if place_import is not None:
        PlaceImport.objects.filter(pk=place_import.pk).update(
            total_rows=report.total, status=PlaceImport.Status.RUNNING
        )
        place_import.total_rows = report.total

    existing = {place.external_id: place for place in Place.objects.filter(import_source=source)}
    reader = RowReader(legacy=table.is_legacy, columns=table.columns)
    seen = {}
    to_create, to_update, changes = [], [], {}
    created_lines = {}
    rejected_lines = set()
    now = timezone.now()

    for index, (line, row) in enumerate(table.rows, start=1):
        values, errors = reader.read(row)
        external_id = str(row.get("id") or "").strip()
        if external_id and external_id in seen:
            errors.append(("id", f"identifiant « {external_id} » déjà utilisé à la ligne {seen[external_id]}."))
        elif external_id:
            seen[external_id] = line
        if len(external_id) > 200:
            errors.append(("id", "identifiant trop long (200 caractères au plus)."))
        if errors:
            rejected_lines.add(line)
            for column, message in errors:
                if len(report.errors) < MAX_ERRORS_KEPT:
                    report.errors.append({"line": line, "column": column, "message": message})
        else:
            place = existing.get(external_id)
            if place is None:
                new = Place(import_source=source, external_id=external_id, **values)
                new.status = Place.Status.DRAFT if draft else Place.Status.PUBLISHED
                new.completeness = completeness.score(new)
                to_create.append(new)
                created_lines[id(new)] = line
            else:
                diff = _apply(place, values)
                if diff:
                    place.modified_at = now
                    to_update.append(place)
                    changes[place.pk] = diff
                else:
                    report.unchanged += 1
        if index % BATCH_SIZE == 0 or index == report.total:
            if progress:
                progress(index, report.total)
            if place_import is not None:
                PlaceImport.objects.filter(pk=place_import.pk).update(processed_rows=index)
                place_import.processed_rows = index

    report.rejected = len(rejected_lines)
    report.warnings = _possible_duplicates(to_create, created_lines, source=source)
    report.created, report.updated = len(to_create), len(to_update)
    if report.rejected and len(report.errors) >= MAX_ERRORS_KEPT:
        report.errors.append(
            {"line": None, "column": "", "message": f"Liste limitée aux {MAX_ERRORS_KEPT} premières erreurs."}
        )
    if dry_run or (report.rejected and not keep_valid):
        if not dry_run:
            report.created = report.updated = report.unchanged = 0
        _finish(place_import, report)
        return report

    with transaction.atomic():
        _write(to_create, to_update, changes, acting_user=acting_user, filename=filename, source=source)
        report.written = True
        _finish(place_import, report, acting_user=acting_user)
    return report


def _possible_duplicates(new_places, lines, *, source):
    """Warnings for the new places that look like a place already known from another source or typed by hand
    (`places.duplicates.is_possible_duplicate`: same commune, similar name or address, or within 100 m). The
    coordinator decides; nothing is refused. Cheap upper bounds (`quick_ratio`, a box around the point) skip most
    pairs before the exact test, so that a big city with hundreds of places stays fast."""
    codes = {place.insee_code for place in new_places if place.insee_code}
    if not codes:
        return []
    by_commune = defaultdict(list)
    others = Place.objects.exclude(status=Place.Status.ARCHIVED).exclude(import_source=source)
    for other in others.filter(insee_code__in=codes).only(*DUPLICATE_FIELDS):
        by_commune[other.insee_code].append(
            (other, duplicates.match_key(other.name), duplicates.match_key(other.address))
        )
    warnings = []
    for place in new_places:
        candidates = by_commune.get(place.insee_code)
        if not candidates or len(warnings) >= MAX_ERRORS_KEPT:
            continue
        name = SequenceMatcher(None, "", duplicates.match_key(place.name))
        address = SequenceMatcher(None, "", duplicates.match_key(place.address))
        for other, other_name, other_address in candidates:
            if not (
                _may_match(name, other_name, duplicates.NAME_SIMILARITY)
                or _may_match(address, other_address, duplicates.ADDRESS_SIMILARITY)
                or _may_be_near(place, other)
            ):
                continue
            if len(warnings) < MAX_ERRORS_KEPT and duplicates.is_possible_duplicate(place, other):
                warnings.append(
                    {
                        "line": lines[id(place)],
                        "column": "",
                        "message": f"doublon possible de « {other.name} » ({other.address}, {other.commune_name}), "
                        f"fiche n° {other.pk}.",
                        "warning": True,
                    }
                )
    return warnings


def _may_match(matcher, text, threshold):
    """An upper bound of `SequenceMatcher.ratio() >= threshold` (the matcher holds the new place's text)."""
    if not text or not matcher.b:
        return False
    matcher.set_seq1(text)
    return text == matcher.b or (matcher.real_quick_ratio() >= threshold and matcher.quick_ratio() >= threshold)


def _may_be_near(place, other, degrees=0.002):
    """Within a box of about 200 m (a superset of the 100 m test)."""
    if place.latitude is None or other.latitude is None:
        return False
    return abs(place.latitude - other.latitude) <= degrees and abs(place.longitude - other.longitude) <= degrees * 2


def _apply(place, values):
    """Set `values` on `place`; return {field: [old, new]} for the fields that changed."""
    diff = {}
    for name, value in values.items():
        current = getattr(place, name)
        if current != value:
            diff[name] = [_plain(current), _plain(value)]
            setattr(place, name, value)
    if diff:
        score = completeness.score(place)
        if score != place.completeness:
            diff["completeness"] = [place.completeness, score]
            place.completeness = score
    return diff


def _write(to_create, to_update, changes, *, acting_user, filename, source):
    Place.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        fields = sorted({name for diff in changes.values() for name in diff} | {"modified_at"})
        Place.objects.bulk_update(to_update, fields, batch_size=500)
    actor = acting_user if acting_user is not None and acting_user.is_authenticated else None
    content_type = ContentType.objects.get_for_model(Place)
    message = f"Import du fichier « {filename} » (source « {source} »)."

    def entry(place, action, diff):
        return HistoryEntry(
            actor=actor,
            actor_label=(str(actor) if actor else "Système")[:255],
            action=action,
            content_type=content_type,
            object_id=str(place.pk),
            object_label=str(place)[:255],
            changes=diff,
            message=message,
        )

    entries = [entry(place, "place_imported", {}) for place in to_create]
    entries += [entry(place, "place_import_updated", changes[place.pk]) for place in to_update]
    HistoryEntry.objects.bulk_create(entries, batch_size=1000)


def _finish(place_import, report, *, acting_user=None):
    if place_import is None:
        return
    place_import.processed_rows = report.total
    place_import.total_rows = report.total
    place_import.created_count = report.created
    place_import.updated_count = report.updated
    place_import.unchanged_count = report.unchanged
    place_import.rejected_count = report.rejected
    place_import.errors = report.errors + report.warnings
    place_import.status = PlaceImport.Status.FAILED if report.failed else PlaceImport.Status.DONE
    place_import.finished_at = timezone.now()
    place_import.save()
    if report.written:
        record(
            place_import,
            "places_import_done",
            acting_user=acting_user,
            changes={
                "created_count": report.created,
                "updated_count": report.updated,
                "unchanged_count": report.unchanged,
                "rejected_count": report.rejected,
            },
        )
