"""Reading rows of the standard: normalisations, errors in French naming the column, legacy v0.1, JSON."""

import json
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from geo.testing import load_test_territory
from places.standard import (
    COLUMNS,
    ENUM_COLUMNS,
    FORMAT_CSV,
    FORMAT_JSON,
    FORMAT_LEGACY,
    RowReader,
    StandardFileError,
    normalize_phone,
    read_pivot,
    read_table,
)

DATA = Path(__file__).parent / "data"


def row(**values):
    base = {
        "id": "lieu-1",
        "pivot": "00000000000000",
        "nom": "Espace numérique",
        "commune": "Agen",
        "code_postal": "47000",
        "code_insee": "47001",
        "adresse": "8 rue Jean Jaurès",
        "date_maj": "2025-03-14",
    }
    base.update(values)
    return base


def read(**values):
    return RowReader().read(row(**values))


def errors_of(**values):
    return dict(read(**values)[1])


def test_the_32_columns_in_the_schema_order():
    with open(DATA / "schema-lieux-v1.0.2.json", encoding="utf-8") as handle:
        schema = json.load(handle)
    assert COLUMNS == [f["name"] for f in schema["fields"]]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("05 53 00 00 00", "+33553000000"),
        ("05.53.00.00.00", "+33553000000"),
        ("05-53-00-00-00", "+33553000000"),
        ("+33 5 53 00 00 00", "+33553000000"),
        ("+33 (0)5 53 00 00 00", "+33553000000"),
        ("0033 5 53 00 00 00", "+33553000000"),
        ("+33553000000", "+33553000000"),
        ("06 12 34 56 78 / 05 53 00 00 00", "+33612345678"),
        ("0590 12 34 56", "+590590123456"),
        ("0692 12 34 56", "+262692123456"),
        ("", ""),
    ],
)
def test_phones_in_national_format_become_e164(raw, expected):
    assert normalize_phone(raw) == expected


def test_unreadable_phone_is_an_error_naming_the_column():
    assert "telephone" in errors_of(telephone="appeler la mairie")


def test_pivot():
    assert read_pivot("21470001500008") == ("21470001500008", "")
    assert read_pivot("214 700 015 00008") == ("21470001500008", "")
    assert read_pivot("w123456789") == ("", "W123456789")
    assert read_pivot("00000000000000") == ("", "")
    assert read_pivot("") == ("", "")
    with pytest.raises(ValidationError, match="clé de contrôle"):
        read_pivot("21470001500009")
    with pytest.raises(ValidationError, match="SIREN"):
        read_pivot("214700015")
    with pytest.raises(ValidationError, match="non reconnu"):
        read_pivot("ABC")


def test_a_complete_row():
    values, errors = read(
        pivot="21470001500008",
        latitude="44,2033",
        longitude="0.6163",
        telephone="05 53 00 00 00",
        courriels="a@example.org | b@example.org|",
        site_web="www.example.org",
        services="Aide aux démarches administratives | Maîtrise des outils numériques du quotidien",
        modalites_acces="Ce lieu n’accueille pas de public",
        formations_labels="Formé à\u00a0« Mon Espace Santé »|Étapes numériques(La Poste)",
        frais_a_charge="gratuit",
        itinerance="Fixe",
        horaires="Mo-Fr 09:00-12:00",
        date_maj="14/03/2025",
    )
    assert errors == []
    assert values["siret"] == "21470001500008"
    assert (values["latitude"], values["longitude"]) == (44.2033, 0.6163)
    assert values["phone"] == "+33553000000"
    assert values["emails"] == ["a@example.org", "b@example.org"]
    assert values["websites"] == ["https://www.example.org"]
    assert values["services"] == ["Aide aux démarches administratives", "Maîtrise des outils numériques du quotidien"]
    assert values["access_modes"] == ["Ce lieu n'accueille pas de public"]
    assert values["training_labels"] == ["Formé à « Mon Espace Santé »", "Étapes numériques (La Poste)"]
    assert values["fees"] == ["Gratuit"]
    assert values["updated_on"] == date(2025, 3, 14)


@pytest.mark.parametrize(
    "values, column, fragment",
    [
        ({"code_postal": "4700A"}, "code_postal", "5 chiffres"),
        ({"code_insee": "47ABC"}, "code_insee", "code INSEE"),
        ({"services": "Aide aux démarches|Cuisine"}, "services", "valeur inconnue « Cuisine »"),
        ({"horaires": "lundi 9h-12h"}, "horaires", "Horaires illisibles"),
        ({"date_maj": "mars 2025"}, "date_maj", "AAAA-MM-JJ"),
        ({"nom": ""}, "nom", "obligatoire"),
        ({"latitude": "44.2"}, "longitude", "vont ensemble"),
        ({"latitude": "144.2", "longitude": "0.6"}, "latitude", "hors des bornes"),
        ({"courriels": "pas-une-adresse"}, "courriels", "adresse e-mail"),
        ({"prise_rdv": "rendez-vous"}, "prise_rdv", "adresse web"),
        ({"pivot": "123"}, "pivot", "non reconnu"),
    ],
)
def test_errors_are_french_and_name_the_column(values, column, fragment):
    errors = errors_of(**values)
    assert column in errors, errors
    assert fragment in errors[column]


def test_codes_that_lost_their_leading_zero_are_repaired():
    values, errors = read(code_postal="1000", code_insee="1053", commune="Bourg-en-Bresse")
    assert errors == []
    assert (values["postal_code"], values["insee_code"]) == ("01000", "01053")


def test_long_summary_is_cut_like_the_national_tooling():
    values, _ = read(presentation_resume="x" * 400)
    assert len(values["summary"]) == 280 and values["summary"].endswith("...")


def test_commune_resolved_by_insee_code_else_postal_code_and_name():
    load_test_territory(departements=[], insee_codes=["47001", "47195"])
    assert read()[0]["commune_id"] == "47001"
    values, _ = read(code_insee="", commune="NERAC", code_postal="47600")
    assert values["commune_id"] == "47195" and values["insee_code"] == "47195"
    assert read(code_insee="", commune="Inconnue", code_postal="47600")[0]["commune_id"] is None


def csv_text(rows, delimiter=","):
    header = delimiter.join(COLUMNS)
    lines = [header]
    for values in rows:
        lines.append(delimiter.join(f'"{values.get(column, "")}"' for column in COLUMNS))
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_encodings_and_separators(encoding, delimiter):
    data = csv_text([row(nom="Médiathèque d'Agen", services="Aide aux démarches administratives")], delimiter)
    table = read_table(data.encode(encoding), "lieux.csv")
    assert table.format == FORMAT_CSV
    [(line, first)] = table.rows
    assert line == 2
    assert first["nom"] == "Médiathèque d'Agen"
    assert first["id"] == "lieu-1"


def test_missing_required_column_is_a_file_error():
    data = b"id,nom,commune\r\n1,A,Agen\r\n"
    with pytest.raises(StandardFileError) as caught:
        read_table(data, "lieux.csv")
    assert "Colonne obligatoire absente : code_postal." in caught.value.errors


def test_json_list_of_flat_objects():
    items = [
        {**row(), "latitude": 44.2, "longitude": 0.6, "services": ["Aide aux démarches administratives"]},
        {**row(id="lieu-2"), "services": "Aide aux démarches administratives|Compréhension du monde numérique"},
    ]
    table = read_table(json.dumps(items).encode(), "lieux.json")
    assert table.format == FORMAT_JSON
    reader = RowReader(columns=table.columns)
    first, errors = reader.read(table.rows[0][1])
    assert errors == [] and first["latitude"] == 44.2
    assert first["services"] == ["Aide aux démarches administratives"]
    second, _ = reader.read(table.rows[1][1])
    assert len(second["services"]) == 2 and second["phone"] == ""  # absent key = empty value


def test_unreadable_json():
    with pytest.raises(StandardFileError, match="JSON"):
        read_table(b"[{", "lieux.json")


def test_legacy_v01_file():
    with open(DATA / "lieux-v0.1.csv", "rb") as handle:
        table = read_table(handle.read(), "ancien.csv")
    assert table.format == FORMAT_LEGACY
    reader = RowReader(legacy=True, columns=table.columns)
    values, errors = reader.read(table.rows[0][1])
    assert errors == []
    assert values["services"] == [
        "Aide aux démarches administratives",
        "Maîtrise des outils numériques du quotidien",
        "Accès internet et matériel informatique",
    ]
    assert values["publics"] == ["Jeunes", "Seniors"]
    assert values["specific_support"] == ["Surdité", "Handicaps mentaux"]
    assert values["fees"] == ["Gratuit sous condition"]
    assert values["accepts_pass_numerique"] is True
    assert values["national_programmes"] == ["Conseillers numériques", "France Services"]
    assert values["other_labels"] == ["Repair café", "Relais pôle emploi"]
    assert values["support_modes"] == ["Accompagnement individuel", "Dans un atelier collectif"]
    assert values["emails"] == ["contact@example.org"]
    assert values["accessibility_url"].startswith("https://acceslibre")
    values, errors = reader.read(table.rows[1][1])
    assert dict(errors)["services"] == "valeur inconnue « Faire la cuisine » (format v0.1)."


def test_every_vocabulary_value_is_read_back():
    for column, (name, values) in ENUM_COLUMNS.items():
        result, errors = read(**{column: "|".join(reversed(values))})
        assert errors == [], column
        assert result[name] == values, column
