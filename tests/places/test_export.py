"""Exporting in the standard: exact columns, `|` lists, dates, E.164 phones, `pivot`, validated against the official
schema with frictionless; JSON; data·inclusion v1 validated with the official pydantic models."""

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from frictionless import Resource, Schema, validate

from places import data_inclusion, vocabulary
from places.exporting import file_name, iter_csv, iter_json
from places.standard import COLUMNS
from tests.places.factories import PlaceFactory

DATA = Path(__file__).parent / "data"
ETAPES = "Étapes numériques (La Poste)"


def official_schema(*, fix_etapes=False):
    with open(DATA / "schema-lieux-v1.0.2.json", encoding="utf-8") as handle:
        descriptor = json.load(handle)
    if fix_etapes:  # the one correction of ADR 007: the space missing from the official regex
        for field in descriptor["fields"]:
            if field["name"] == "formations_labels":
                field["constraints"]["pattern"] = field["constraints"]["pattern"].replace(
                    r"Étapes numériques\(La Poste\)", r"Étapes numériques \(La Poste\)"
                )
    return Schema.from_descriptor(descriptor)


def pick(values, index, count=2):
    return [values[(index + k) % len(values)] for k in range(count)]


def realistic_places():
    """Published places covering every value of every vocabulary, SIRET / RNA / unknown pivots, overseas phones,
    Corsican INSEE codes, quotes and commas in texts."""
    places = []
    pivots = [("21470001500008", ""), ("", "W473000123"), ("", "")]
    for index in range(11):
        siret, rna = pivots[index % 3]
        places.append(
            PlaceFactory(
                published=True,
                complete=True,
                name=f'Espace "numérique", n° {index}',
                siret=siret,
                rna=rna,
                insee_code="2A004" if index == 5 else "47001",
                phone="+590590123456" if index == 4 else "+33553000000",
                services=pick(vocabulary.SERVICES, index, 3),
                publics=pick(vocabulary.PUBLICS, index),
                specific_support=pick(vocabulary.SPECIFIC_SUPPORT, index),
                fees=pick(vocabulary.FEES, index, 1),
                national_programmes=pick(vocabulary.NATIONAL_PROGRAMMES, index),
                training_labels=[v for v in pick(vocabulary.TRAINING_LABELS, index) if v != ETAPES],
                access_modes=pick(vocabulary.ACCESS_MODES, index),
                support_modes=pick(vocabulary.SUPPORT_MODES, index),
                itinerance=pick(vocabulary.ITINERANCE, index, 1),
                other_labels=["Pass numérique APTIC", "QPV"],
                description="Ligne 1\nLigne 2, avec virgule ; et point-virgule",
                booking_url="https://rdv.anct.gouv.fr/exemple",
                updated_on=date(2025, 3, index + 1),
            )
        )
    return places


def export_text():
    return "".join(iter_csv())


def test_csv_header_and_values():
    place = PlaceFactory(published=True, complete=True, siret="", rna="W473000123", updated_on=date(2025, 3, 14))
    PlaceFactory(draft=True)  # not exported
    rows = list(csv.DictReader(io.StringIO(export_text())))
    assert next(csv.reader(io.StringIO(export_text()))) == COLUMNS
    [row] = rows
    assert row["id"] == str(place.uid)
    assert row["pivot"] == "W473000123"
    assert row["date_maj"] == "2025-03-14"
    assert row["telephone"] == "+33553000000"
    assert row["services"] == "Aide aux démarches administratives|Maîtrise des outils numériques du quotidien"
    assert row["latitude"] == repr(place.latitude)


def test_unknown_pivot_is_the_national_placeholder():
    PlaceFactory(published=True)
    [row] = csv.DictReader(io.StringIO(export_text()))
    assert row["pivot"] == "00000000000000"


def test_csv_export_is_valid_against_the_official_schema(tmp_path):
    places = realistic_places()
    covered = {name: set() for name in ("services", "publics", "access_modes", "national_programmes")}
    for place in places:
        for name, values in covered.items():
            values.update(getattr(place, name))
    assert covered["services"] == set(vocabulary.SERVICES)
    assert covered["national_programmes"] == set(vocabulary.NATIONAL_PROGRAMMES)
    report = validate(Resource(data=export_text().encode(), format="csv", schema=official_schema()))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.tasks[0].stats["rows"] == 11


def test_etapes_numeriques_keeps_its_correct_spelling_adr_007():
    """We export the label as the vocabulary spells it; the official v1.0.2 regex lacks a space and flags exactly
    that cell; with the regex corrected the file is valid."""
    PlaceFactory(published=True, complete=True, training_labels=[ETAPES, "ORDI 3.0"])
    PlaceFactory(published=True, complete=True, training_labels=["Fabriques de Territoire"])
    data = export_text().encode()
    strict = validate(Resource(data=data, format="csv", schema=official_schema()))
    errors = strict.flatten(["rowNumber", "fieldName", "type"])
    assert len(errors) == 1 and errors[0][1:] == ["formations_labels", "constraint-error"]
    corrected = validate(Resource(data=data, format="csv", schema=official_schema(fix_etapes=True)))
    assert corrected.valid, corrected.flatten(["rowNumber", "fieldName", "type", "note"])


def test_json_export():
    place = PlaceFactory(published=True, complete=True)
    PlaceFactory(published=True, phone="", emails=[])
    items = json.loads("".join(iter_json()))
    assert len(items) == 2
    first = next(item for item in items if item["id"] == str(place.uid))
    assert first["latitude"] == place.latitude and isinstance(first["latitude"], float)
    assert first["services"] == "|".join(place.services)
    assert list(first) == [column for column in COLUMNS if column in first]
    second = next(item for item in items if item["id"] != str(place.uid))
    assert "telephone" not in second and "courriels" not in second


def test_empty_exports_are_valid():
    assert json.loads("".join(iter_json())) == []
    assert export_text().strip() == ",".join(COLUMNS)
    assert json.loads("".join(data_inclusion.iter_json())) == {"structures": [], "services": []}


def test_recommended_file_name(settings):
    settings.PLATFORM_OPERATOR_SIRET = "22470001700011"
    name = file_name("csv")
    assert name.endswith("_22470001700011_lieux-de-mediation-numerique_Departement47.csv")
    assert name[:10].count("-") == 2
    settings.PLATFORM_OPERATOR_SIRET = ""
    from geo.testing import load_test_territory

    load_test_territory(insee_codes=[])
    assert file_name("json").endswith("_conseil-departemental_lieux-de-mediation-numerique_LotEtGaronne.json")


def test_data_inclusion_export_is_valid_against_the_official_models():
    pytest.importorskip("data_inclusion.schema.v1")
    from data_inclusion.schema.v1 import Service, Structure

    realistic_places()
    PlaceFactory(published=True, summary="", description="")  # minimal record
    document = json.loads("".join(data_inclusion.iter_json()))
    assert len(document["structures"]) == len(document["services"]) == 12
    for item in document["structures"]:
        Structure.model_validate(item)
    for item in document["services"]:
        Service.model_validate(item)


def test_data_inclusion_mapping():
    place = PlaceFactory(
        published=True,
        complete=True,
        siret="21470001500008",
        services=["Aide aux démarches administratives"],
        fees=["Payant", "Gratuit sous condition"],
        publics=["Seniors"],
        specific_support=["Surdité", "Illettrisme"],
        support_modes=["Accompagnement individuel", "En autonomie", "À distance"],
        access_modes=[],
        national_programmes=["France Services", "Certification PIX"],
    )
    structure = data_inclusion.structure(place)
    service = data_inclusion.service(place)
    assert structure["siret"] == "21470001500008"
    assert structure["reseaux_porteurs"] == ["france-service"]
    assert service["thematiques"] == [
        "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
        "numerique--acceder-a-des-services-en-ligne",
    ]
    assert service["frais"] == "gratuit"
    assert service["type"] == "aide-materielle"
    assert service["modes_accueil"] == ["a-distance", "en-presentiel"]
    assert service["publics"] == ["seniors", "personnes-en-situation-de-handicap"]
    assert service["modes_mobilisation"] == ["telephoner", "envoyer-un-courriel"]  # fallback from the contacts
    assert service["zone_eligibilite"] == ["47"]


@pytest.mark.parametrize("fmt", ["csv", "json", "data-inclusion"])
def test_command(tmp_path, fmt):
    PlaceFactory(published=True, complete=True)
    output = tmp_path / "export"
    call_command("export_places", "--format", fmt, "--output", str(output), stderr=io.StringIO())
    text = output.read_bytes().decode("utf-8")
    if fmt == "csv":
        assert text.startswith("id,pivot,nom,") and text.count("\r\n") == 2
    else:
        json.loads(text)


def test_command_to_stdout():
    PlaceFactory(published=True)
    out = io.StringIO()
    call_command("export_places", stdout=out)
    assert out.getvalue().startswith("id,pivot,nom")
