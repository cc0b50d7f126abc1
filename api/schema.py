"""The OpenAPI 3.1 description of the read API v1, as a Python dict kept next to the views (served at
/api/v1/openapi.json). tests/api/test_schema.py validates real responses against it and tests/api/test_fuzz.py
feeds it to schemathesis: a change to a view that is not reported here fails the tests.

Field names of places are those of the national standard (places.standard.COLUMNS); the JSON leaves empty values
out, so only the standard's mandatory fields are required.
"""

from django.conf import settings

from places import vocabulary
from places.standard import COLUMNS

VERSION = "1.0.0"
INSEE = {"type": "string", "pattern": r"^([013-9][0-9]|2[AB1-9])[0-9]{3}$", "examples": ["47001"]}
MULTI_TEXT = {"type": "string", "description": "Valeurs séparées par « | »."}

PLACE_TYPES = {
    "latitude": {"type": "number"},
    "longitude": {"type": "number"},
    "id": {"type": "string", "format": "uuid"},
    "date_maj": {"type": "string", "format": "date"},
    "code_postal": {"type": "string", "pattern": r"^[0-9]{5}$"},
    "code_insee": INSEE,
    "services": {**MULTI_TEXT, "examples": ["Aide aux démarches administratives"]},
}
PLACE_REQUIRED = ["id", "pivot", "nom", "commune", "code_postal", "adresse", "date_maj"]


def _error(description):
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Erreur"}}},
    }


def _ok(description, ref):
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ref}}}}


def _param(name, description, schema, where="query", required=False):
    return {"name": name, "in": where, "required": required, "description": description, "schema": schema}


PAGE_PARAMETERS = [
    _param("page", "Numéro de la page (à partir de 1).", {"type": "integer", "minimum": 1, "default": 1}),
    _param(
        "par_page",
        "Nombre d'éléments par page (200 au plus).",
        {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
    ),
]
NOT_MODIFIED = {"304": {"description": "Inchangé : l'ETag envoyé dans If-None-Match est toujours valable."}}
COMMON_ERRORS = {
    "400": _error("Paramètre invalide : le message nomme le paramètre."),
    "401": _error(
        "Jeton refusé, selon « erreur.code » : jeton_requis (absent, ressource protégée), jeton_invalide (inconnu ou "
        "en-tête mal formé), jeton_revoque (révoqué), jeton_expire (date « valable jusqu'au » dépassée)."
    ),
    "403": _error("Le jeton n'a pas le droit demandé."),
    "429": _error("Trop de requêtes : réessayez après le délai de l'en-tête Retry-After."),
}
NULLABLE_STRING = {"type": ["string", "null"]}
MEASURE = {"type": ["number", "null"], "description": "null quand la valeur est masquée."}


def _list_of(ref):
    return {
        "type": "object",
        "required": ["data", "meta", "links"],
        "additionalProperties": False,
        "properties": {
            "data": {"type": "array", "items": {"$ref": ref}},
            "meta": {"$ref": "#/components/schemas/Pagination"},
            "links": {"$ref": "#/components/schemas/Liens"},
        },
    }


def components():
    return {
        "securitySchemes": {
            "jeton": {
                "type": "http",
                "scheme": "bearer",
                "description": "Jeton délivré par la coordination départementale (« Authorization: Bearer … »).",
            }
        },
        "schemas": {
            "Erreur": {
                "type": "object",
                "required": ["erreur"],
                "additionalProperties": False,
                "properties": {
                    "erreur": {
                        "type": "object",
                        "required": ["code", "message"],
                        "additionalProperties": False,
                        "properties": {
                            "code": {"type": "string", "examples": ["parametre_invalide"]},
                            "message": {"type": "string", "description": "En français."},
                            "parametre": {"type": "string", "description": "Le paramètre en cause."},
                        },
                    }
                },
            },
            "Pagination": {
                "type": "object",
                "required": ["total", "page", "pages", "par_page", "genere_le"],
                "additionalProperties": False,
                "properties": {
                    "total": {"type": "integer", "minimum": 0},
                    "page": {"type": "integer", "minimum": 1},
                    "pages": {"type": "integer", "minimum": 1},
                    "par_page": {"type": "integer", "minimum": 1},
                    "genere_le": {
                        "type": "string",
                        "format": "date-time",
                        "description": "À passer dans « modifie_depuis » lors de la prochaine synchronisation.",
                    },
                },
            },
            "Liens": {
                "type": "object",
                "required": ["suivant", "precedent"],
                "additionalProperties": False,
                "properties": {
                    "suivant": {"type": ["string", "null"], "format": "uri"},
                    "precedent": {"type": ["string", "null"], "format": "uri"},
                },
            },
            "Lieu": {
                "type": "object",
                "description": "Un lieu au schéma national des lieux de médiation numérique (v1.0.2) ; "
                "les champs vides sont omis.",
                "required": PLACE_REQUIRED,
                "additionalProperties": False,
                "properties": {column: PLACE_TYPES.get(column, {"type": "string"}) for column in COLUMNS},
            },
            "ListeLieux": _list_of("#/components/schemas/Lieu"),
            "Seance": {
                "type": "object",
                "required": [
                    "id",
                    "evenement",
                    "titre",
                    "debut",
                    "fin",
                    "duree_minutes",
                    "statut",
                    "en_ligne",
                    "lieu",
                    "places",
                    "places_libres",
                ],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "integer"},
                    "evenement": {
                        "type": "object",
                        "required": ["id", "titre", "type", "public", "statut", "url"],
                        "additionalProperties": False,
                        "properties": {
                            "id": {"type": "integer"},
                            "titre": {"type": "string"},
                            "type": {"type": "string"},
                            "public": {"type": "string", "enum": ["professionals", "public", "both"]},
                            "statut": {"type": "string"},
                            "url": {"type": "string", "format": "uri"},
                        },
                    },
                    "titre": {"type": "string"},
                    "debut": {"type": "string", "format": "date-time"},
                    "fin": {"type": "string", "format": "date-time"},
                    "duree_minutes": {"type": "integer", "minimum": 1},
                    "statut": {"type": "string", "enum": ["scheduled", "cancelled"]},
                    "en_ligne": {"type": "boolean"},
                    "lieu": {
                        "type": ["object", "null"],
                        "required": ["id", "nom", "commune", "code_insee"],
                        "additionalProperties": False,
                        "properties": {
                            "id": {"type": "string", "format": "uuid"},
                            "nom": {"type": "string"},
                            "commune": {"type": "string"},
                            "code_insee": {"type": "string"},
                        },
                    },
                    "places": {"type": "integer", "minimum": 0},
                    "places_libres": {"type": "integer", "minimum": 0},
                },
            },
            "ListeSeances": _list_of("#/components/schemas/Seance"),
            "Chiffres": {
                "type": "object",
                "required": ["organisation", "perimetre", "du", "au", "seuil_masquage", "sections"],
                "additionalProperties": False,
                "properties": {
                    "organisation": {"type": "string"},
                    "perimetre": {"type": "string", "enum": ["organisation", "reseau"]},
                    "du": {"type": "string", "format": "date"},
                    "au": {"type": "string", "format": "date"},
                    "seuil_masquage": {"type": "integer"},
                    "sections": {"type": "array", "items": {"$ref": "#/components/schemas/Section"}},
                },
            },
            "Section": {
                "type": "object",
                "required": ["cle", "titre", "chiffres", "series", "tableaux", "notes"],
                "additionalProperties": False,
                "properties": {
                    "cle": {"type": "string"},
                    "titre": {"type": "string"},
                    "chiffres": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["cle", "libelle", "type", "valeur", "masque", "aide"],
                            "additionalProperties": False,
                            "properties": {
                                "cle": {"type": "string"},
                                "libelle": {"type": "string"},
                                "type": {"type": "string", "enum": ["count", "number", "percent", "days", "euros"]},
                                "valeur": MEASURE,
                                "masque": {"type": "boolean"},
                                "aide": {"type": "string"},
                            },
                        },
                    },
                    "series": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["cle", "titre", "type", "libelle_valeur", "points"],
                            "additionalProperties": False,
                            "properties": {
                                "cle": {"type": "string"},
                                "titre": {"type": "string"},
                                "type": {"type": "string"},
                                "libelle_valeur": {"type": "string"},
                                "points": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["libelle", "valeur", "masque"],
                                        "additionalProperties": False,
                                        "properties": {
                                            "libelle": {"type": "string"},
                                            "valeur": MEASURE,
                                            "masque": {"type": "boolean"},
                                        },
                                    },
                                },
                            },
                        },
                    },
                    "tableaux": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["cle", "titre", "entetes", "lignes"],
                            "additionalProperties": False,
                            "properties": {
                                "cle": {"type": "string"},
                                "titre": {"type": "string"},
                                "entetes": {"type": "array", "items": {"type": "string"}},
                                "lignes": {
                                    "type": "array",
                                    "items": {
                                        "type": "array",
                                        "items": {"type": ["string", "number", "boolean", "null"]},
                                    },
                                    "description": "Un effectif masqué vaut « moins de 5 ».",
                                },
                            },
                        },
                    },
                    "notes": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    }


def paths():
    return {
        "/api/v1/lieux/": {
            "get": {
                "operationId": "listerLieux",
                "summary": "Les lieux publiés",
                "description": "Publique, sans jeton (limitée par adresse IP) ; un jeton « places:read » relève la "
                "limite. Tri stable par date de création.",
                "security": [{}, {"jeton": []}],
                "parameters": [
                    _param("commune", "Code INSEE de la commune.", INSEE),
                    _param("service", "Un service proposé (valeur exacte du schéma).", {"enum": vocabulary.SERVICES}),
                    _param(
                        "modifie_depuis",
                        "Lieux modifiés depuis cette date (AAAA-MM-JJ) ou ce moment (ISO 8601).",
                        {"type": "string", "examples": ["2026-09-01", "2026-09-01T08:00:00+02:00"]},
                    ),
                    *PAGE_PARAMETERS,
                ],
                "responses": {
                    "200": _ok("Une page de lieux.", "#/components/schemas/ListeLieux"),
                    "404": _error("Cette page n'existe pas (au-delà de la dernière)."),
                    **NOT_MODIFIED,
                    **COMMON_ERRORS,
                },
            }
        },
        "/api/v1/lieux/{id}/": {
            "get": {
                "operationId": "lireLieu",
                "summary": "Un lieu publié",
                "security": [{}, {"jeton": []}],
                "parameters": [_param("id", "Identifiant du lieu (champ id).", {"type": "string"}, "path", True)],
                "responses": {
                    "200": _ok("Le lieu.", "#/components/schemas/Lieu"),
                    "404": _error("Aucun lieu publié n'a cet identifiant."),
                    **NOT_MODIFIED,
                    **COMMON_ERRORS,
                },
            }
        },
        "/api/v1/evenements/seances/": {
            "get": {
                "operationId": "listerSeances",
                "summary": "Les séances des événements publiés (formations, webinaires, ateliers, forums)",
                "description": "Publique, sans jeton ; aucune donnée sur les inscrits, seulement le nombre de places "
                "libres. Un jeton « events:read » relève la limite.",
                "security": [{}, {"jeton": []}],
                "parameters": [
                    _param("du", "Séances commençant ce jour ou après (AAAA-MM-JJ).", {"type": "string"}),
                    _param("au", "Séances commençant ce jour ou avant (AAAA-MM-JJ).", {"type": "string"}),
                    _param("commune", "Code INSEE de la commune du lieu.", INSEE),
                    *PAGE_PARAMETERS,
                ],
                "responses": {
                    "200": _ok("Une page de séances.", "#/components/schemas/ListeSeances"),
                    "404": _error("Cette page n'existe pas (au-delà de la dernière)."),
                    **NOT_MODIFIED,
                    **COMMON_ERRORS,
                },
            }
        },
        "/api/v1/chiffres/": {
            "get": {
                "operationId": "lireChiffres",
                "summary": "Les chiffres agrégés de l'organisation du jeton",
                "description": "Jeton « figures:read » obligatoire. Agrégats seulement ; les effectifs de 1 à 4 "
                "sont masqués. Période par défaut : depuis le 1er janvier.",
                "security": [{"jeton": []}],
                "parameters": [
                    _param(
                        "du",
                        "Début de la période (AAAA-MM-JJ, inclus ; le 1er janvier par défaut, pas avant 2000-01-01).",
                        {"type": "string"},
                    ),
                    _param(
                        "au",
                        "Fin de la période (AAAA-MM-JJ, incluse ; aujourd'hui par défaut, au plus un an après "
                        "aujourd'hui, cinq ans au plus après « du »).",
                        {"type": "string"},
                    ),
                    _param("commune", "Code INSEE : limiter au territoire d'une commune.", INSEE),
                    _param(
                        "epci",
                        "SIREN d'un EPCI du département : limiter à ses communes (pas avec « commune »).",
                        {"type": "string", "pattern": "^[0-9]{9}$", "examples": ["200096956"]},
                    ),
                    _param("module", "Une seule section (clé de module, ex. « places »).", {"type": "string"}),
                ],
                "responses": {
                    "200": _ok("Les chiffres.", "#/components/schemas/Chiffres"),
                    **NOT_MODIFIED,
                    **COMMON_ERRORS,
                },
            }
        },
    }


def openapi_schema(request=None):
    server = request.build_absolute_uri("/").rstrip("/") if request is not None else settings.PLATFORM_URL
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"API de lecture — {settings.PLATFORM_NAME}",
            "version": VERSION,
            "description": "Lieux de médiation numérique, séances d'événements et chiffres agrégés du réseau. "
            "Documentation : /api/. Données sous Licence Ouverte 2.0.",
            "contact": {"email": settings.PLATFORM_CONTACT_EMAIL},
            "license": {"name": "Licence Ouverte 2.0", "identifier": "etalab-2.0"},
        },
        "servers": [{"url": server}],
        "paths": paths(),
        "components": components(),
    }
