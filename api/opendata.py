"""Every open-data file the platform publishes, with its schema and licence, for the page /api/donnees/.

The API app sits above every module (it reads them all, nobody imports it), so the list lives here: a module that
publishes a new file adds one `DataFile` below.
"""

from dataclasses import dataclass

from django.urls import reverse

LICENCE = "Licence Ouverte 2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
PLACES_SCHEMA_URL = "https://schema.data.gouv.fr/LaMednum/standard-mediation-num/"
DATA_INCLUSION_SCHEMA_URL = "https://gip-inclusion.github.io/data-inclusion-schema/latest/"
SCDL_GRANTS_SCHEMA_URL = "https://schema.data.gouv.fr/scdl/subventions/"
AID_SCHEMA_URL = "https://schema.data.gouv.fr/etalab/schema-dispositif-aide/"
ICALENDAR_URL = "https://www.rfc-editor.org/rfc/rfc5545"
OPENAPI_URL = "https://spec.openapis.org/oas/v3.1.0"


@dataclass(frozen=True)
class DataFile:
    module: str
    title: str
    description: str
    url_name: str
    file_format: str
    schema_title: str
    schema_url: str
    licence: str = LICENCE
    licence_url: str = LICENCE_URL

    @property
    def url(self):
        return reverse(self.url_name)


FILES = [
    DataFile(
        "lieux",
        "Lieux de médiation numérique (CSV)",
        "Les lieux publiés, mis à jour en continu, au standard national (une ligne par lieu, 32 colonnes).",
        "places:open_data_csv",
        "CSV",
        "Schéma des lieux de médiation numérique v1.0.2",
        PLACES_SCHEMA_URL,
    ),
    DataFile(
        "lieux",
        "Lieux de médiation numérique (JSON)",
        "Les mêmes lieux, au même standard, en JSON (les champs vides sont omis).",
        "places:open_data_json",
        "JSON",
        "Schéma des lieux de médiation numérique v1.0.2",
        PLACES_SCHEMA_URL,
    ),
    DataFile(
        "lieux",
        "Lieux au format data·inclusion (JSON)",
        "Les lieux publiés, en structures et services du référentiel data·inclusion.",
        "places:open_data_data_inclusion",
        "JSON",
        "Schéma data·inclusion v1",
        DATA_INCLUSION_SCHEMA_URL,
    ),
    DataFile(
        "evenements",
        "Agenda des événements (iCalendar)",
        "Les séances des formations, webinaires, ateliers et forums publiés, à ajouter à un agenda.",
        "events:feed",
        "ICS",
        "iCalendar (RFC 5545)",
        ICALENDAR_URL,
    ),
    DataFile(
        "fonds",
        "Subventions du fonds départemental (CSV)",
        "Chaque convention de subvention du fonds d'inclusion numérique (obligation de publication, décret 2017-779).",
        "funding:grants_open_data",
        "CSV",
        "SCDL Subventions 2.0.1",
        SCDL_GRANTS_SCHEMA_URL,
    ),
    DataFile(
        "fonds",
        "Appels à projets du fonds (JSON)",
        "Les appels à projets publiés, pour les catalogues d'aides.",
        "funding:calls_dispositif_aide",
        "JSON",
        "Dispositif d'aide (Etalab) v0.2.0",
        AID_SCHEMA_URL,
    ),
    DataFile(
        "api",
        "Description de l'API de lecture (OpenAPI)",
        "Lieux, séances et chiffres agrégés, page par page ; la documentation est sur la page API.",
        "api:openapi",
        "JSON",
        "OpenAPI 3.1",
        OPENAPI_URL,
    ),
]


def data_files():
    return list(FILES)
