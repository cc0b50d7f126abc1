"""Importing files of the standard: upsert by (source, id), zero writes on re-import, all-or-nothing, keep-valid,
dry run, history, progress, the command."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import HistoryEntry
from geo.testing import load_test_territory
from places import importing
from places.importing import format_error, import_places
from places.models import Place, PlaceImport
from places.standard import COLUMNS
from tests.places.factories import PlaceFactory

DATA = Path(__file__).parent / "data"


def place_row(number, **values):
    row = {
        "id": f"lieu-{number}",
        "pivot": "00000000000000",
        "nom": f"Espace numérique {number}",
        "commune": "Agen",
        "code_postal": "47000",
        "code_insee": "47001",
        "adresse": f"{number} rue Jean Jaurès",
        "latitude": "44.2033",
        "longitude": "0.6163",
        "telephone": "05 53 00 00 00",
        "courriels": "contact@example.org",
        "horaires": "Mo-Fr 09:00-12:00,14:00-17:00",
        "date_maj": "2025-03-14",
        "services": "Aide aux démarches administratives|Maîtrise des outils numériques du quotidien",
        "frais_a_charge": "Gratuit",
        "modalites_acces": "Se présenter|Téléphoner",
    }
    row.update(values)
    return row


def csv_bytes(rows, *, delimiter=",", encoding="utf-8"):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode(encoding)


def run(data, **options):
    options.setdefault("filename", "lieux.csv")
    options.setdefault("source", "reseau")
    return import_places(data, **options)


def writes_in(queries):
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and ("places_place" in q["sql"] or "core_historyentry" in q["sql"])
    ]


def test_import_creates_published_places_with_history():
    load_test_territory(departements=[], insee_codes=["47001"])
    report = run(csv_bytes([place_row(1), place_row(2)]))
    assert (report.created, report.updated, report.unchanged, report.rejected) == (2, 0, 0, 0)
    place = Place.objects.get(import_source="reseau", external_id="lieu-1")
    assert place.status == Place.Status.PUBLISHED
    assert place.commune_id == "47001"
    assert place.phone == "+33553000000"
    assert place.services == ["Aide aux démarches administratives", "Maîtrise des outils numériques du quotidien"]
    assert place.completeness > 0
    assert HistoryEntry.objects.filter(action="place_imported", object_id=str(place.pk)).count() == 1


def test_reimporting_the_same_file_writes_nothing():
    load_test_territory(departements=[], insee_codes=["47001"])
    data = csv_bytes([place_row(n) for n in range(1, 6)])
    run(data)
    modified = dict(Place.objects.values_list("pk", "modified_at"))
    history_count = HistoryEntry.objects.count()
    with CaptureQueriesContext(connection) as queries:
        report = run(data)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 5)
    assert writes_in(queries.captured_queries) == []
    assert dict(Place.objects.values_list("pk", "modified_at")) == modified
    assert HistoryEntry.objects.count() == history_count


def test_a_changed_line_updates_only_that_place_and_keeps_its_status():
    run(csv_bytes([place_row(1), place_row(2)]))
    Place.objects.filter(external_id="lieu-2").update(status=Place.Status.ARCHIVED)
    report = run(csv_bytes([place_row(1, horaires="Mo-Sa 09:00-12:00"), place_row(2)]))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    place = Place.objects.get(external_id="lieu-1")
    assert place.opening_hours == "Mo-Sa 09:00-12:00"
    entry = HistoryEntry.objects.get(action="place_import_updated")
    assert entry.changes["opening_hours"] == ["Mo-Fr 09:00-12:00,14:00-17:00", "Mo-Sa 09:00-12:00"]
    assert Place.objects.get(external_id="lieu-2").status == Place.Status.ARCHIVED


def test_same_id_in_another_source_is_another_place():
    run(csv_bytes([place_row(1)]), source="a")
    run(csv_bytes([place_row(1)]), source="b")
    assert Place.objects.count() == 2


def test_all_or_nothing_by_default():
    data = csv_bytes([place_row(1), place_row(2, code_postal="4700A"), place_row(3, services="Cuisine")])
    report = run(data)
    assert report.failed and not report.written
    assert Place.objects.count() == 0 and HistoryEntry.objects.count() == 0
    assert report.rejected == 2
    messages = [format_error(error) for error in report.errors]
    assert "Ligne 3, colonne code_postal : « 4700A » n'est pas un code postal (5 chiffres)." in messages
    assert any(message.startswith("Ligne 4, colonne services : valeur inconnue « Cuisine »") for message in messages)


def test_keep_valid_imports_the_valid_lines_and_lists_the_others():
    data = csv_bytes([place_row(1), place_row(2, horaires="lundi 9h-12h"), place_row(3)])
    report = run(data, keep_valid=True)
    assert report.written and (report.created, report.rejected) == (2, 1)
    assert sorted(Place.objects.values_list("external_id", flat=True)) == ["lieu-1", "lieu-3"]
    assert report.errors[0]["line"] == 3 and report.errors[0]["column"] == "horaires"


def test_dry_run_reports_and_writes_nothing():
    run(csv_bytes([place_row(1), place_row(2)]))
    data = csv_bytes([place_row(1), place_row(2, nom="Nouveau nom"), place_row(3), place_row(4, date_maj="hier")])
    with CaptureQueriesContext(connection) as queries:
        report = run(data, dry_run=True)
    assert (report.created, report.updated, report.unchanged, report.rejected) == (1, 1, 1, 1)
    assert writes_in(queries.captured_queries) == []
    assert Place.objects.get(external_id="lieu-2").name == "Espace numérique 2"


def test_duplicate_ids_in_a_file_are_rejected():
    report = run(csv_bytes([place_row(1), place_row(1)]))
    assert format_error(report.errors[0]) == "Ligne 3, colonne id : identifiant « lieu-1 » déjà utilisé à la ligne 2."


def test_draft_option():
    run(csv_bytes([place_row(1)]), draft=True)
    assert Place.objects.get().status == Place.Status.DRAFT


def test_missing_required_column_writes_nothing():
    data = b"id,nom,commune,adresse,date_maj\r\n1,A,Agen,1 rue,2025-01-01\r\n"
    report = run(data)
    assert report.failed
    assert [format_error(error) for error in report.errors][:2] == [
        "Colonne obligatoire absente : pivot.",
        "Colonne obligatoire absente : code_postal.",
    ]


def test_windows_1252_semicolon_file():
    data = csv_bytes([place_row(1, nom="Médiathèque d’Agen")], delimiter=";", encoding="cp1252")
    report = run(data)
    assert report.created == 1
    assert Place.objects.get().name == "Médiathèque d’Agen"


def test_json_file_round_trip_with_the_export():
    from places.exporting import iter_json

    PlaceFactory(published=True, complete=True)
    exported = "".join(iter_json()).encode()
    report = run(exported, filename="lieux.json", source="export")
    assert report.created == 1 and report.errors == []
    again = run(exported, filename="lieux.json", source="export")
    assert again.unchanged == 1


def test_legacy_file_with_keep_valid():
    with open(DATA / "lieux-v0.1.csv", "rb") as handle:
        report = run(handle.read(), keep_valid=True)
    assert report.format == "csv-v0.1" and (report.created, report.rejected) == (1, 1)
    place = Place.objects.get()
    assert place.accepts_pass_numerique and place.fees == ["Gratuit sous condition"]


def test_place_import_records_progress_and_outcome(monkeypatch):
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)
    place_import = PlaceImport.objects.create(source="reseau", filename="lieux.csv")
    seen = []
    run(
        csv_bytes([place_row(n) for n in range(1, 6)]),
        place_import=place_import,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(2, 5), (4, 5), (5, 5)]
    place_import.refresh_from_db()
    assert place_import.status == PlaceImport.Status.DONE
    assert (place_import.processed_rows, place_import.total_rows, place_import.created_count) == (5, 5, 5)
    assert HistoryEntry.objects.filter(action="places_import_done", object_id=str(place_import.pk)).exists()


def test_command(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)
    path = tmp_path / "lieux-47.csv"
    path.write_bytes(csv_bytes([place_row(n) for n in range(1, 4)]))
    out = io.StringIO()
    call_command("import_places", str(path), "--dry-run", stdout=out)
    assert "seraient créés" in out.getvalue() and Place.objects.count() == 0
    out = io.StringIO()
    call_command("import_places", str(path), stdout=out)
    text = out.getvalue()
    assert "2 / 3 lignes lues" in text and "3 / 3 lignes lues" in text
    assert "3 lieux ont été créés" in text
    assert set(Place.objects.values_list("import_source", flat=True)) == {"lieux-47"}
    out = io.StringIO()
    call_command("import_places", str(path), "--source", "lieux-47", stdout=out)
    assert "3 inchangés" in out.getvalue()


def test_command_refuses_a_file_with_errors(tmp_path):
    path = tmp_path / "lieux.json"
    path.write_text(json.dumps([place_row(1, code_postal="")]), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="rien n'a été écrit"):
        call_command("import_places", str(path), stdout=io.StringIO(), stderr=err)
    assert "Ligne 1, colonne code_postal : valeur obligatoire manquante." in err.getvalue()
    assert PlaceImport.objects.get().status == PlaceImport.Status.FAILED


def test_bench_scenario_at_a_small_size():
    from bench.scenarios_places import generate_rows, places_import_second_source, places_io

    load_test_territory()
    rows = generate_rows(5)
    assert len({row["id"] for row in rows}) == 5 and all(row["code_insee"] for row in rows)
    results = {result["scenario"]: result for result in places_io(n=40)}
    assert results["places_import"]["rows"] == 40
    assert results["places_reimport_unchanged"]["writes"] == 0
    assert results["places_export_csv"]["rows"] == 40
    again = {result["scenario"]: result for result in places_io(n=40)}  # a second run replaces the first
    assert again["places_export_csv"]["rows"] == 40
    second = places_import_second_source(n=40)
    assert second["rows"] == 40 and second["existing_places"] == 40
    assert not Place.objects.filter(import_source="bench-national-2").exists()


def test_possible_duplicates_from_another_source_are_flagged_not_refused():
    PlaceFactory(published=True, name="Médiathèque municipale", address="1 rue du Lot", insee_code="47001")
    PlaceFactory(
        published=True, name="Autre chose", address="9 avenue Foch", insee_code="47001", import_source="reseau"
    )
    report = run(csv_bytes([place_row(1, nom="Mediatheque municipale"), place_row(2, nom="Garage solidaire")]))
    assert report.created == 2
    [warning] = report.warnings
    assert format_error(warning).startswith("Ligne 2 : doublon possible de « Médiathèque municipale »")
    again = run(csv_bytes([place_row(1, nom="Mediatheque municipale")]))
    assert again.warnings == []  # only new places are checked


def test_duplicates_are_shown_on_the_import_page(client_for):
    PlaceFactory(published=True, name="Médiathèque municipale", insee_code="47001")
    place_import = PlaceImport.objects.create(source="reseau", filename="lieux.csv")
    run(csv_bytes([place_row(1, nom="Médiathèque municipale")]), place_import=place_import)
    page = client_for("coordinator").get(f"/espace/lieux/import/{place_import.pk}/").content.decode()
    assert "Doublons possibles (1)" in page and "Ligne 2 : doublon possible" in page
