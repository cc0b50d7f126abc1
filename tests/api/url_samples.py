"""What the URL walker (tests/site_map.py) needs for the API's pages: the JSON endpoints are public (tokens, not
sessions) and checked for their status only; the tokens pages belong to the coordination."""

from tests.api.factories import ApiTokenFactory
from tests.places.factories import PlaceFactory
from tests.roles import ANONYMOUS

COORDINATION = {"coordinator": {200}, "administrator": {200}, "*": {403}}


def _place(user):
    return {"uid": str(PlaceFactory(published=True, complete=True).uid)}


def _token(user):
    return {"pk": ApiTokenFactory().pk}


SAMPLES = {
    "api:place_detail": _place,
    "api:token_revoke": _token,
}

PUBLIC = {
    "api:documentation": "documentation de l'API, pour les développeurs des partenaires",
    "api:open_data": "liste des fichiers de données ouvertes",
    "api:openapi": "description OpenAPI de l'API",
    "api:place_list": "API : lieux publiés (publics)",
    "api:place_detail": "API : un lieu publié",
    "api:session_list": "API : séances des événements publiés",
    "api:figure_list": "API : chiffres agrégés, protégés par jeton et non par session",
}

STATUS_ONLY = {
    "api:openapi": "JSON",
    "api:place_list": "JSON",
    "api:place_detail": "JSON",
    "api:session_list": "JSON",
    "api:figure_list": "JSON (401 sans jeton)",
    "api:token_revoke": "POST seulement : un GET reçoit 405",
}

EXPECTED_STATUS = {
    "api:figure_list": {ANONYMOUS: {401}, "*": {401}},
    "api:token_list": {ANONYMOUS: {302}, **COORDINATION},
    "api:token_create": {ANONYMOUS: {302}, **COORDINATION},
    "api:token_revoke": {ANONYMOUS: {302}, "*": {405}},
}
