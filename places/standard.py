"""The *schéma des lieux de médiation numérique* v1.0.2 (shared standards.md §1) ↔ `Place` field values.

Reading: `read_table(data, filename)` turns the bytes of a CSV or JSON file (or a legacy v0.1 CSV) into a `Table` of
rows (dicts of strings, or JSON values); `RowReader().read(row)` turns one row into `Place` field values plus the
errors, in French, each naming its column. Writing: `place_to_row(place)` gives the 32 columns as strings (CSV) and
`place_to_json(place)` the same keys with numbers and without empty values (JSON).

What is forgiven on input (and how), and where our output departs from the official schema: docs/adr/007.
"""

import csv
import functools
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from accounts.validators import validate_siret
from places import vocabulary
from places.validators import PHONE_RE, validate_opening_hours

# The 32 columns of v1.0.2, in the schema's order.
COLUMNS = [
    "id",
    "pivot",
    "nom",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "latitude",
    "longitude",
    "typologie",
    "telephone",
    "courriels",
    "site_web",
    "horaires",
    "presentation_resume",
    "presentation_detail",
    "source",
    "itinerance",
    "structure_parente",
    "date_maj",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "autres_formations_labels",
    "modalites_acces",
    "modalites_accompagnement",
    "fiche_acces_libre",
    "prise_rdv",
]
# Columns a file must have (the schema's required fields).
REQUIRED_COLUMNS = ["id", "pivot", "nom", "commune", "code_postal", "adresse", "date_maj"]
# …and that must hold a value on every line (an empty `pivot` reads as « unknown », see ADR 007).
REQUIRED_VALUES = ["id", "nom", "commune", "code_postal", "adresse", "date_maj"]

SEPARATOR = "|"
UNKNOWN_PIVOT = "00000000000000"
SUMMARY_MAX = 280

# Single-line text columns → Place field, max length.
TEXT_COLUMNS = {
    "nom": ("name", 250),
    "commune": ("commune_name", 100),
    "adresse": ("address", 250),
    "complement_adresse": ("address_complement", 250),
    "source": ("data_source", 250),
    "structure_parente": ("parent_structure", 250),
}
# Enumerated multi-valued columns → Place field, vocabulary.
ENUM_COLUMNS = {
    "itinerance": ("itinerance", vocabulary.ITINERANCE),
    "services": ("services", vocabulary.SERVICES),
    "publics_specifiquement_adresses": ("publics", vocabulary.PUBLICS),
    "prise_en_charge_specifique": ("specific_support", vocabulary.SPECIFIC_SUPPORT),
    "frais_a_charge": ("fees", vocabulary.FEES),
    "dispositif_programmes_nationaux": ("national_programmes", vocabulary.NATIONAL_PROGRAMMES),
    "formations_labels": ("training_labels", vocabulary.TRAINING_LABELS),
    "modalites_acces": ("access_modes", vocabulary.ACCESS_MODES),
    "modalites_accompagnement": ("support_modes", vocabulary.SUPPORT_MODES),
}
URL_COLUMNS = {"fiche_acces_libre": "accessibility_url", "prise_rdv": "booking_url"}

# Legacy v0.1 (standards.md §1.7): detected by these columns, multi-values separated by `;`.
LEGACY_COLUMNS = {"courriel", "publics_accueillis", "conditions_acces", "labels_nationaux", "cle_ban", "accessibilite"}
LEGACY_SERVICES = {
    "Devenir autonome dans les démarches administratives": ["Aide aux démarches administratives"],
    "Réaliser des démarches administratives avec un accompagnement": ["Aide aux démarches administratives"],
    "Accompagner les démarches de santé": ["Aide aux démarches administratives"],
    "Prendre en main un smartphone ou une tablette": ["Maîtrise des outils numériques du quotidien"],
    "Prendre en main un ordinateur": ["Maîtrise des outils numériques du quotidien"],
    "Utiliser le numérique au quotidien": ["Maîtrise des outils numériques du quotidien"],
    "Approfondir ma culture numérique": ["Compréhension du monde numérique"],
    "Promouvoir la citoyenneté numérique": ["Compréhension du monde numérique"],
    "Favoriser mon insertion professionnelle": ["Insertion professionnelle via le numérique"],
    "Créer et développer mon entreprise": ["Insertion professionnelle via le numérique"],
    "Accéder à une connexion internet": ["Accès internet et matériel informatique"],
    "Accéder à du matériel": ["Accès internet et matériel informatique"],
    "S'équiper en matériel informatique": ["Acquisition de matériel informatique à prix solidaire"],
    "Créer avec le numérique": ["Loisirs et créations numériques"],
    "Soutenir la parentalité et l'éducation avec le numérique": ["Parentalité et éducation avec le numérique"],
}
# publics_accueillis → (field, value); "Adultes" means everyone: nothing to record.
LEGACY_PUBLICS = {
    "Seniors (+ 65 ans)": ("publics", "Seniors"),
    "Familles/enfants": ("publics", "Familles et/ou enfants"),
    "Adultes": None,
    "Jeunes (16-26 ans)": ("publics", "Jeunes"),
    "Uniquement femmes": ("publics", "Femmes"),
    "Public langues étrangères": ("specific_support", "Langues étrangères (autres)"),
    "Déficience visuelle": ("specific_support", "Déficience visuelle"),
    "Surdité": ("specific_support", "Surdité"),
    "Handicaps psychiques": ("specific_support", "Handicaps mentaux"),
    "Handicaps mentaux": ("specific_support", "Handicaps mentaux"),
    "Personnes en situation d'illettrisme": ("specific_support", "Illettrisme"),
}
# conditions_acces (matched on the part before « : ») → fees; the Pass numérique is our own field.
LEGACY_CONDITIONS = {
    "Gratuit": ("fees", "Gratuit"),
    "Gratuit sous condition": ("fees", "Gratuit sous condition"),
    "Payant": ("fees", "Payant"),
    "Adhésion": ("fees", "Payant"),
    "Accepte le Pass numérique": ("accepts_pass_numerique", True),
}
# labels_nationaux → programmes or training labels; the others are kept as free labels.
LEGACY_LABELS = {
    "France Services": ("national_programmes", "France Services"),
    "CNFS": ("national_programmes", "Conseillers numériques"),
    "Aidants Connect": ("national_programmes", "Aidants Connect"),
    "Grandes écoles du numérique": ("national_programmes", "Grande école du numérique"),
    "Point relais CAF": ("national_programmes", "Point d'accès numérique CAF"),
    "Point numérique CAF": ("national_programmes", "Point d'accès numérique CAF"),
    "Fabriques de Territoire": ("training_labels", "Fabriques de Territoire"),
    "APTIC": ("accepts_pass_numerique", True),
}
LEGACY_SUPPORT = {
    "Seul": "En autonomie",
    "Avec de l'aide": "Accompagnement individuel",
    "A ma place": "Accompagnement individuel",
    "Dans un atelier": "Dans un atelier collectif",
}

FORMAT_CSV = "csv"
FORMAT_JSON = "json"
FORMAT_LEGACY = "csv-v0.1"


class StandardFileError(Exception):
    """The file cannot be read as a whole (encoding, missing columns…): `errors` lists the reasons in French."""

    def __init__(self, errors):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class Table:
    format: str
    columns: list
    rows: list = field(default_factory=list)  # [(line number, row dict)]

    @property
    def is_legacy(self):
        return self.format == FORMAT_LEGACY


# ---------------------------------------------------------------------------------------------------------
# Reading a file


def decode(data):
    """The text of `data`: UTF-8 with or without BOM, else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(header_line):
    try:
        return csv.Sniffer().sniff(header_line, delimiters=",;\t").delimiter
    except csv.Error:
        return ";" if header_line.count(";") > header_line.count(",") else ","


def read_table(data, filename=""):
    """A `Table` from the bytes of a CSV or JSON file; raises `StandardFileError` when the file cannot be used."""
    text = decode(data)
    stripped = text.lstrip()
    if filename.lower().endswith(".json") or stripped.startswith(("[", "{")):
        return _read_json(stripped)
    return _read_csv(text)


def _read_csv(text):
    if not text.strip():
        raise StandardFileError(["Le fichier est vide."])
    header_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(header_line))
    try:
        header = [name.strip().strip("\ufeff").lower() for name in next(reader)]
        rows = []
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            rows.append((reader.line_num, dict(zip(header, values, strict=False))))
    except csv.Error as error:
        raise StandardFileError([f"Ligne {reader.line_num} : le fichier CSV est mal formé ({error})."]) from error
    legacy = len(LEGACY_COLUMNS & set(header)) >= 2 and "courriels" not in header
    _check_columns(header)
    return Table(FORMAT_LEGACY if legacy else FORMAT_CSV, header, rows)


def _read_json(text):
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise StandardFileError([f"Le fichier JSON est illisible (ligne {error.lineno}) : {error.msg}."]) from error
    if isinstance(document, dict):  # {"data": [...]} or a single object
        document = next((v for v in document.values() if isinstance(v, list)), [document])
    if not isinstance(document, list) or not all(isinstance(item, dict) for item in document):
        raise StandardFileError(["Le fichier JSON doit contenir une liste d'objets (un objet par lieu)."])
    rows = [(index, {str(k).lower(): v for k, v in item.items()}) for index, item in enumerate(document, start=1)]
    missing = [name for name in REQUIRED_COLUMNS if name != "pivot" and not any(name in row for _, row in rows)]
    if rows and missing:
        raise StandardFileError([f"Colonne obligatoire absente : {name}." for name in missing])
    # In JSON an absent key is an empty value (exports omit empty fields): every column counts as present.
    return Table(FORMAT_JSON, COLUMNS, rows)


def _check_columns(header):
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise StandardFileError(
            [f"Colonne obligatoire absente : {name}." for name in missing]
            + ["Vérifiez la première ligne du fichier : elle doit porter les noms des colonnes du standard."]
        )


# ---------------------------------------------------------------------------------------------------------
# Normalisations


@functools.lru_cache(maxsize=4096)
def vocabulary_key(text):
    """A comparison key that forgives case, accents, curly apostrophes and spaces (« Étapes numériques(La Poste) »
    and « etapes numériques (la poste) » find the same value)."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    return "".join(char for char in text if not unicodedata.combining(char) and not char.isspace()).casefold()


_KEYS = {name: {vocabulary_key(v): v for v in values} for name, values in ENUM_COLUMNS.values()}


def split_values(value, separators="|"):
    """The items of a multi-valued cell: a JSON list, or a string cut on the separators; blanks dropped."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        items = [str(item) for item in value]
    else:
        items = re.split("|".join(re.escape(s) for s in separators), str(value))
    return [" ".join(item.split()) for item in items if item and item.strip()]


def normalize_phone(value):
    """« 05 53 00 00 00 », « 05.53.00.00.00 », « +33 (0)5 53… », « 0033 5… » → « +33553000000 ». Overseas
    numbers keep their own code (« 0590 12 34 56 » → « +590590123456 »). Returns "" for an empty value and the
    compacted input when it cannot be read (the validator then says why)."""
    text = str(value or "").strip()
    if not text:
        return ""
    text = re.split(r"\s*[|/;,]\s*|\s+ou\s+", text)[0]  # one number: the first one
    compact = re.sub(r"[\s.\-()]", "", text.replace("(0)", ""))
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith("0") and len(compact) == 10 and compact.isdigit():
        for prefixes, code in OVERSEAS_PREFIXES:
            if compact[:4] in prefixes:
                return code + compact[1:]
        return "+33" + compact[1:]
    return compact


OVERSEAS_PREFIXES = [
    ({"0590", "0690", "0691"}, "+590"),
    ({"0594", "0694"}, "+594"),
    ({"0262", "0263", "0692", "0693", "0269", "0639"}, "+262"),
    ({"0596", "0696", "0697"}, "+596"),
]


def read_pivot(value):
    """(siret, rna) from a `pivot`: 14 digits = SIRET (checked), W + 9 = RNA, « 00000000000000 » or empty =
    unknown. Raises ValidationError otherwise."""
    compact = re.sub(r"[\s.]", "", str(value or "")).upper()
    if not compact or compact == UNKNOWN_PIVOT:
        return "", ""
    if compact.isdigit() and len(compact) == 14:
        validate_siret(compact)
        return compact, ""
    if re.fullmatch(r"W[0-9A-Z]{9}", compact):
        return "", compact
    if compact.isdigit() and len(compact) == 9:
        raise ValidationError("c'est un SIREN (9 chiffres) : donnez le SIRET de l'établissement (14 chiffres).")
    raise ValidationError(
        "identifiant non reconnu : un SIRET (14 chiffres), un numéro RNA (W suivi de 9 caractères) ou "
        "« 00000000000000 » s'il n'y en a pas."
    )


def read_date(value):
    text = str(value or "").strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text[:10], pattern).date()
        except ValueError:
            continue
    raise ValidationError("date illisible : attendu AAAA-MM-JJ (par exemple 2025-03-14).")


def read_number(value):
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip().replace(",", "."))
    except ValueError:
        raise ValidationError("nombre illisible (séparateur décimal : le point).") from None


def _cell(row, column):
    value = row.get(column)
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return SEPARATOR.join(str(item) for item in value)
    return str(value).strip()


def _digits_code(value, length):
    """Codes that spreadsheets have turned into numbers lose their leading zero (« 1000 » for « 01000 »)."""
    compact = value.replace(" ", "")
    if compact.isdigit() and len(compact) == length - 1:
        return "0" + compact
    return compact


_email_validator = EmailValidator()
_url_validator = URLValidator()


def _url(value):
    value = value.strip()
    if value and "://" not in value and value.startswith("www."):
        value = "https://" + value
    _url_validator(value)
    return value


# ---------------------------------------------------------------------------------------------------------
# One row → Place field values


class CommuneIndex:
    """Resolves a row's commune to `geo.Commune`: by INSEE code, else by postal code and name. Loaded once."""

    def __init__(self):
        self._insee = None
        self._by_postal_name = None

    def _load(self):
        from geo.models import PostalCode
        from geo.text import normalize_name

        self._insee = {}
        self._by_postal_name = {}
        for code, insee, name in PostalCode.objects.values_list("code", "commune_id", "commune__name"):
            self._insee[insee] = name
            self._by_postal_name[(code, normalize_name(name))] = insee
        from geo.models import Commune

        for insee, name in Commune.objects.values_list("insee_code", "name"):
            self._insee.setdefault(insee, name)
        self._normalize = normalize_name

    def resolve(self, insee_code, postal_code, name):
        """The INSEE code of the commune, or None."""
        if self._insee is None:
            self._load()
        if insee_code and insee_code in self._insee:
            return insee_code
        return self._by_postal_name.get((postal_code, self._normalize(name)))


class RowReader:
    """`read(row)` → (Place field values, [(column, French message)]). One reader per file (it caches communes)."""

    def __init__(self, *, legacy=False, columns=COLUMNS):
        self.legacy = legacy
        self.columns = set(columns)
        self.communes = CommuneIndex()

    def read(self, row):
        values = {}
        errors = []

        def fail(column, message):
            errors.append((column, message))

        for column in REQUIRED_VALUES:
            if not _cell(row, column):
                fail(column, "valeur obligatoire manquante.")

        for column, (name, max_length) in TEXT_COLUMNS.items():
            if column in self.columns:
                text = " ".join(_cell(row, column).split())
                if len(text) > max_length:
                    fail(column, f"{len(text)} caractères, {max_length} au plus.")
                values[name] = text

        if "pivot" in self.columns:
            try:
                values["siret"], values["rna"] = read_pivot(_cell(row, "pivot"))
            except ValidationError as error:
                fail("pivot", _message(error))

        postal_code = _digits_code(_cell(row, "code_postal"), 5)
        if postal_code and not re.fullmatch(r"\d{5}", postal_code):
            fail("code_postal", f"« {postal_code} » n'est pas un code postal (5 chiffres).")
        values["postal_code"] = postal_code
        insee_code = _digits_code(_cell(row, "code_insee"), 5).upper()
        if insee_code and not re.fullmatch(r"([013-9]\d|2[AB1-9])\d{3}", insee_code):
            fail("code_insee", f"« {insee_code} » n'est pas un code INSEE de commune (5 caractères, ex. 47001).")
            insee_code = ""
        commune_id = self.communes.resolve(insee_code, postal_code, values.get("commune_name", ""))
        values["commune_id"] = commune_id
        values["insee_code"] = insee_code or commune_id or ""

        self._read_point(row, values, fail)

        if "typologie" in self.columns:
            values["typologies"] = split_values(row.get("typologie"), self._separators)
        if "telephone" in self.columns:
            phone = normalize_phone(_cell(row, "telephone"))
            if phone and not PHONE_RE.match(phone):
                fail("telephone", f"« {_cell(row, 'telephone')} » n'est pas un numéro lisible (ex. 05 53 00 00 00).")
            values["phone"] = phone
        email_column = "courriel" if self.legacy else "courriels"
        if email_column in self.columns:
            emails = split_values(row.get(email_column), "|;, ")
            for email in emails:
                try:
                    _email_validator(email)
                except ValidationError:
                    fail(email_column, f"« {email} » n'est pas une adresse e-mail valide.")
            values["emails"] = emails
        if "site_web" in self.columns:
            websites = []
            for url in split_values(row.get("site_web"), self._separators):
                try:
                    websites.append(_url(url))
                except ValidationError:
                    fail("site_web", f"« {url} » n'est pas une adresse web valide (https://…).")
            values["websites"] = websites
        url_columns = (
            {"accessibilite": "accessibility_url", "prise_rdv": "booking_url"} if self.legacy else URL_COLUMNS
        )
        for column, name in url_columns.items():
            if column in self.columns:
                url = _cell(row, column)
                try:
                    values[name] = _url(url) if url else ""
                    if len(values[name]) > 500:
                        fail(column, "adresse web trop longue (500 caractères au plus).")
                except ValidationError:
                    fail(column, f"« {url} » n'est pas une adresse web valide (https://…).")
        if "horaires" in self.columns:
            hours = " ".join(_cell(row, "horaires").split())
            try:
                validate_opening_hours(hours)
            except ValidationError as error:
                fail("horaires", _message(error))
            values["opening_hours"] = hours
        if "presentation_resume" in self.columns:
            summary = _cell(row, "presentation_resume")
            values["summary"] = summary if len(summary) <= SUMMARY_MAX else summary[: SUMMARY_MAX - 3].rstrip() + "..."
        if "presentation_detail" in self.columns:
            values["description"] = _cell(row, "presentation_detail")
        if "date_maj" in self.columns and _cell(row, "date_maj"):
            try:
                values["updated_on"] = read_date(_cell(row, "date_maj"))
            except ValidationError as error:
                fail("date_maj", _message(error))

        if self.legacy:
            self._read_legacy(row, values, fail)
        else:
            for column, (name, _) in ENUM_COLUMNS.items():
                if column in self.columns:
                    values[name] = self._enum(row, column, fail)
            if "autres_formations_labels" in self.columns:
                values["other_labels"] = split_values(row.get("autres_formations_labels"))
        return values, errors

    @property
    def _separators(self):
        return ";|" if self.legacy else "|"

    def _read_point(self, row, values, fail):
        if "latitude" not in self.columns and "longitude" not in self.columns:
            return
        point = {}
        invalid = False
        for column, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
            try:
                number = read_number(row.get(column))
            except ValidationError as error:
                fail(column, _message(error))
                number, invalid = None, True
            if number is not None and not low <= number <= high:
                fail(column, f"{number} est hors des bornes ({low} à {high}).")
                number, invalid = None, True
            point[column] = number
        if not invalid and (point["latitude"] is None) != (point["longitude"] is None):
            missing = "latitude" if point["latitude"] is None else "longitude"
            fail(missing, "la latitude et la longitude vont ensemble : l'une manque.")
        values["latitude"], values["longitude"] = point["latitude"], point["longitude"]

    def _enum(self, row, column, fail):
        name, allowed = ENUM_COLUMNS[column]
        keys = _KEYS[name]
        found = []
        for item in split_values(row.get(column)):
            value = keys.get(vocabulary_key(item))
            if value is None:
                fail(column, f"valeur inconnue « {item} ». Valeurs possibles : {', '.join(allowed)}.")
            elif value not in found:
                found.append(value)
        return [v for v in allowed if v in found]

    def _read_legacy(self, row, values, fail):
        collected = {
            name: []
            for name in ("services", "publics", "specific_support", "fees", "national_programmes", "training_labels")
        }
        others = split_values(row.get("labels_autres"), ";|")
        pass_numerique = False

        def lookup(table, item):
            key = vocabulary_key(item.split(":")[0])
            labels = {vocabulary_key(label): target for label, target in table.items()}
            if key in labels:
                return True, labels[key]
            prefixes = sorted((label for label in labels if key.startswith(label)), key=len, reverse=True)
            return (True, labels[prefixes[0]]) if prefixes else (False, None)

        for item in split_values(row.get("services"), ";|"):
            known, targets = lookup(LEGACY_SERVICES, item)
            if not known:
                fail("services", f"valeur inconnue « {item} » (format v0.1).")
            else:
                collected["services"].extend(targets)
        for column, table in (
            ("publics_accueillis", LEGACY_PUBLICS),
            ("conditions_acces", LEGACY_CONDITIONS),
            ("labels_nationaux", LEGACY_LABELS),
        ):
            for item in split_values(row.get(column), ";|"):
                known, target = lookup(table, item)
                if not known and column == "labels_nationaux":
                    others.append(item)  # APTIC-era labels with no v1 equivalent stay as free labels
                elif not known:
                    fail(column, f"valeur inconnue « {item} » (format v0.1).")
                elif target and target[0] == "accepts_pass_numerique":
                    pass_numerique = True
                elif target:
                    collected[target[0]].append(target[1])
        support = []
        for item in split_values(row.get("modalites_accompagnement"), ";|"):
            known, target = lookup(LEGACY_SUPPORT, item)
            if not known:
                fail("modalites_accompagnement", f"valeur inconnue « {item} » (format v0.1).")
            else:
                support.append(target)
        vocabularies = {name: allowed for name, allowed in ENUM_COLUMNS.values()}
        for name, items in collected.items():
            values[name] = [v for v in vocabularies[name] if v in items]
        values["support_modes"] = [v for v in vocabulary.SUPPORT_MODES if v in support]
        values["other_labels"] = list(dict.fromkeys(others))
        if pass_numerique:
            values["accepts_pass_numerique"] = True


def _message(error):
    return " ".join(error.messages)


# ---------------------------------------------------------------------------------------------------------
# Place → row (export)


def place_to_row(place):
    """The 32 columns of the standard for `place`, as strings (CSV)."""
    return {
        "id": str(place.uid),
        "pivot": place.pivot,
        "nom": place.name,
        "commune": place.commune_name,
        "code_postal": place.postal_code,
        "code_insee": place.insee_code,
        "adresse": place.address,
        "complement_adresse": place.address_complement,
        "latitude": _number(place.latitude),
        "longitude": _number(place.longitude),
        "typologie": SEPARATOR.join(place.typologies or []),
        "telephone": place.phone,
        "courriels": SEPARATOR.join(place.emails or []),
        "site_web": SEPARATOR.join(place.websites or []),
        "horaires": place.opening_hours,
        "presentation_resume": place.summary,
        "presentation_detail": place.description,
        "source": place.data_source,
        "itinerance": SEPARATOR.join(place.itinerance),
        "structure_parente": place.parent_structure,
        "date_maj": _date(place.updated_on),
        "services": SEPARATOR.join(place.services),
        "publics_specifiquement_adresses": SEPARATOR.join(place.publics),
        "prise_en_charge_specifique": SEPARATOR.join(place.specific_support),
        "frais_a_charge": SEPARATOR.join(place.fees),
        "dispositif_programmes_nationaux": SEPARATOR.join(place.national_programmes),
        "formations_labels": SEPARATOR.join(place.training_labels),
        "autres_formations_labels": SEPARATOR.join(place.other_labels or []),
        "modalites_acces": SEPARATOR.join(place.access_modes),
        "modalites_accompagnement": SEPARATOR.join(place.support_modes),
        "fiche_acces_libre": place.accessibility_url,
        "prise_rdv": place.booking_url,
    }


def place_to_json(place):
    """The standard's flat object for `place` (JSON): numbers for the coordinates, empty values left out."""
    row = place_to_row(place)
    row["latitude"] = place.latitude
    row["longitude"] = place.longitude
    return {key: value for key, value in row.items() if value not in ("", None)}


def _number(value):
    return "" if value is None else repr(float(value))


def _date(value):
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat() if isinstance(value, date) else str(value or "")
