import csv
import gzip
import io
import math

import pytest
from django.core.management import call_command

from geo.loading import DATA_DIR, load_territory, read_csv_gz
from geo.models import Commune, Departement, Epci, PostalCode

COMMUNES = [
    # insee, name, departement, epci, population, lat, lon, postal_codes
    ["47001", "Agen", "47", "200096956", "32801", "44.203233", "0.615525", "47000"],
    ["47027", "Bias", "47", "200023307", "2954", "44.4165", "0.6688", "47300"],
    ["47323", "Villeneuve-sur-Lot", "47", "200023307", "22350", "44.407126", "0.703561", "47300"],
    ["2A004", "Ajaccio", "2A", "", "76320", "41.918648", "8.736879", "20000 20090 20167"],
]


def write_files(folder, communes=COMMUNES, epci_name="CA Grand Villeneuvois"):
    def write(name, header, rows):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        (folder / f"{name}.csv.gz").write_bytes(gzip.compress(buffer.getvalue().encode()))

    write("departements", ["code", "name", "region"], [["47", "Lot-et-Garonne", "75"], ["2A", "Corse-du-Sud", "94"]])
    write(
        "epci",
        ["code", "name", "kind"],
        [["200096956", "CA Agglomération d'Agen", "CA"], ["200023307", epci_name, "CA"]],
    )
    write("communes", ["insee", "name", "departement", "epci", "population", "lat", "lon", "postal_codes"], communes)
    return folder


def test_loads_every_table(tmp_path):
    report = load_territory(write_files(tmp_path))
    assert report.communes.created == 4
    assert Departement.objects.count() == 2
    assert Epci.objects.count() == 2
    ajaccio = Commune.objects.get(pk="2A004")
    assert ajaccio.search_name == "ajaccio"
    assert ajaccio.postal_codes == ["20000", "20090", "20167"]
    assert ajaccio.epci is None
    assert ajaccio.departement.name == "Corse-du-Sud"
    assert ajaccio.point == (41.918648, 8.736879)
    assert set(PostalCode.objects.filter(code="47300").values_list("commune_id", flat=True)) == {"47027", "47323"}
    assert PostalCode.objects.count() == 6


def test_second_run_changes_nothing(tmp_path):
    write_files(tmp_path)
    load_territory(tmp_path)
    report = load_territory(tmp_path)
    assert not report.changed
    assert report.communes.unchanged == 4
    assert report.postal_codes.unchanged == 6


def test_updates_only_what_changed(tmp_path):
    load_territory(write_files(tmp_path))
    communes = [row[:] for row in COMMUNES]
    communes[0][4] = "33000"  # Agen's population
    communes[1][7] = "47300 47301"  # Bias gets a second postal code
    communes[3][7] = "20000"  # Ajaccio loses two
    report = load_territory(write_files(tmp_path, communes, epci_name="Grand Villeneuvois"))
    assert (report.communes.created, report.communes.updated, report.communes.unchanged) == (0, 3, 1)
    assert (report.epcis.updated, report.epcis.unchanged) == (1, 1)
    assert (report.postal_codes.created, report.postal_codes.deleted) == (1, 2)
    assert Commune.objects.get(pk="47001").population == 33000
    assert sorted(PostalCode.objects.filter(commune_id="2A004").values_list("code", flat=True)) == ["20000"]
    assert Epci.objects.get(pk="200023307").name == "Grand Villeneuvois"


def test_communes_missing_from_files_are_kept_and_reported(tmp_path):
    load_territory(write_files(tmp_path))
    report = load_territory(write_files(tmp_path, COMMUNES[:3]))
    assert report.obsolete_communes == ["2A004"]
    assert Commune.objects.filter(pk="2A004").exists()


def test_subset(tmp_path):
    report = load_territory(write_files(tmp_path), departements=["2A"], insee_codes=["47001"])
    assert report.communes.created == 2
    assert set(Commune.objects.values_list("pk", flat=True)) == {"2A004", "47001"}
    assert set(Epci.objects.values_list("pk", flat=True)) == {"200096956"}


def test_command_is_idempotent_and_prints_counts(tmp_path, capsys):
    write_files(tmp_path)
    call_command("load_territory", data_dir=str(tmp_path))
    first = capsys.readouterr().out
    assert "Communes : 4 créé(s), 0 mis à jour, 0 inchangé(s)" in first
    call_command("load_territory", data_dir=str(tmp_path))
    second = capsys.readouterr().out
    assert "Communes : 0 créé(s), 0 mis à jour, 4 inchangé(s)" in second
    assert "Codes postaux : 0 créé(s), 0 mis à jour, 6 inchangé(s)" in second


def test_command_if_empty(tmp_path, capsys):
    write_files(tmp_path)
    call_command("load_territory", "--if-empty", data_dir=str(tmp_path))
    assert Commune.objects.count() == 4
    capsys.readouterr()
    Commune.objects.filter(pk="47001").update(population=1)
    call_command("load_territory", "--if-empty", data_dir=str(tmp_path))
    assert "déjà chargé" in capsys.readouterr().out
    assert Commune.objects.get(pk="47001").population == 1


def test_command_departement_option(tmp_path):
    write_files(tmp_path)
    call_command("load_territory", data_dir=str(tmp_path), departements=["47"], stdout=io.StringIO())
    assert Commune.objects.count() == 3


# The shipped files (read directly, not loaded: fast).


@pytest.fixture(scope="module")
def shipped():
    return {name: read_csv_gz(DATA_DIR / f"{name}.csv.gz") for name in ("communes", "epci", "departements")}


def test_shipped_files_hold_every_commune_with_a_point(shipped):
    communes = shipped["communes"]
    assert 34_800 <= len(communes) <= 35_000
    assert len({c["insee"] for c in communes}) == len(communes)
    assert sum(1 for c in communes if c["departement"] == "47") == 319
    for commune in communes:
        lat, lon = float(commune["lat"]), float(commune["lon"])
        assert not math.isnan(lat) and not math.isnan(lon), commune["insee"]
        assert -90 <= lat <= 90 and -180 <= lon <= 180, commune["insee"]
    # Metropolitan communes lie in metropolitan France.
    for commune in communes:
        if not commune["insee"].startswith("97"):
            assert 41 < float(commune["lat"]) < 51.2 and -5.3 < float(commune["lon"]) < 9.7, commune["insee"]


def test_shipped_files_are_consistent(shipped):
    departements = {d["code"] for d in shipped["departements"]}
    epcis = {e["code"] for e in shipped["epci"]}
    assert len(departements) == 101
    communes = shipped["communes"]
    assert all(c["departement"] in departements for c in communes)
    assert all(c["epci"] in epcis for c in communes if c["epci"])
    assert sum(1 for c in communes if not c["postal_codes"]) < 10
    agen = next(c for c in communes if c["insee"] == "47001")
    assert (agen["name"], agen["lat"], agen["lon"], agen["postal_codes"]) == ("Agen", "44.203233", "0.615525", "47000")
    assert {d["code"] for d in shipped["departements"]} >= {"2A", "2B", "971", "976"}
