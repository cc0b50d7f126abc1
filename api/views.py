"""The read API, version 1 (JSON). What each endpoint answers is described in `api.schema` (served at
/api/v1/openapi.json) and tested against the real responses; the plumbing (tokens, limits, errors, pagination) is
in `api.http`.

- /api/v1/lieux/ and /api/v1/lieux/{id}/: the published places, in the national standard's field names (the same
  objects as the open-data file lieux.json); public.
- /api/v1/evenements/seances/: the sessions of published events, without any registrant; public.
- /api/v1/chiffres/: the aggregated figures of the token's organisation (small counts masked); token `figures:read`.
"""

import uuid

from django.contrib.auth.decorators import login_not_required
from django.db.models import Q
from django.views.decorators.http import require_GET

from api import figures
from api.http import (
    ApiError,
    api_view,
    bad_parameter,
    choice_parameter,
    date_parameter,
    json_response,
    moment_parameter,
    paginate,
    pattern_parameter,
)
from api.models import Scope
from api.schema import openapi_schema
from dashboards import registry
from dashboards.forms import EARLIEST_START, MAX_DAYS, latest_end
from geo.models import Commune
from places import vocabulary
from places.models import Place
from places.standard import place_to_json

INSEE_PATTERN = r"([013-9][0-9]|2[AB1-9])[0-9]{3}"


# Places --------------------------------------------------------------------------------------------------------


@api_view(scope=Scope.PLACES_READ, public=True)
def place_list(request):
    commune = pattern_parameter(request, "commune", INSEE_PATTERN, "un code INSEE de commune (5 caractères)")
    service = choice_parameter(request, "service", vocabulary.SERVICES)
    since = moment_parameter(request, "modifie_depuis")
    places = Place.objects.published().order_by("pk")
    if commune:
        places = places.filter(insee_code=commune)
    if service:
        places = places.with_value("services", service)
    if since:
        places = places.filter(modified_at__gte=since)
    return json_response(paginate(request, places, place_to_json))


@api_view(scope=Scope.PLACES_READ, public=True)
def place_detail(request, uid):
    try:
        uid = uuid.UUID(uid)
    except ValueError:
        raise ApiError(404, "introuvable", "Aucun lieu publié n'a cet identifiant.") from None
    place = Place.objects.published().filter(uid=uid).first()
    if place is None:
        raise ApiError(404, "introuvable", "Aucun lieu publié n'a cet identifiant.")
    return json_response(place_to_json(place))


# Events --------------------------------------------------------------------------------------------------------


def session_to_json(session, request):
    event, place = session.event, session.place
    return {
        "id": session.pk,
        "evenement": {
            "id": event.pk,
            "titre": event.title,
            "type": event.kind,
            "public": event.audience,
            "statut": event.status,
            "url": request.build_absolute_uri(event.get_absolute_url()),
        },
        "titre": session.title or event.title,
        "debut": session.starts_at.isoformat(timespec="seconds"),
        "fin": session.ends_at.isoformat(timespec="seconds"),
        "duree_minutes": session.duration_minutes,
        "statut": session.status,
        "en_ligne": bool(session.online_url),
        "lieu": (
            {"id": str(place.uid), "nom": place.name, "commune": place.commune_name, "code_insee": place.insee_code}
            if place is not None and place.status == Place.Status.PUBLISHED
            else None
        ),
        "places": session.total_capacity,
        "places_libres": max(session.free_seats, 0),
    }


@api_view(scope=Scope.EVENTS_READ, public=True)
def session_list(request):
    from events.models import Event, Session

    start = date_parameter(request, "du")
    end = date_parameter(request, "au")
    commune = pattern_parameter(request, "commune", INSEE_PATTERN, "un code INSEE de commune (5 caractères)")
    if start and end and end < start:
        raise ApiError(
            400, "parametre_invalide", "Paramètre « au » : la date doit suivre celle de « du ».", parameter="au"
        )
    sessions = (
        Session.objects.filter(event__status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])
        .select_related("event", "place")
        .with_seats()
        .order_by("starts_at", "pk")
    )
    if start:
        sessions = sessions.filter(starts_at__date__gte=start)
    if end:
        sessions = sessions.filter(starts_at__date__lte=end)
    if commune:
        sessions = sessions.filter(Q(place__insee_code=commune))
    return json_response(paginate(request, sessions, lambda session: session_to_json(session, request)))


# Figures -------------------------------------------------------------------------------------------------------


def figure_period(request):
    """The period of /api/v1/chiffres/ (`du`, `au`, by default from the 1st of January to today), within the same
    bounds as the dashboards' filters: not before 2000, not more than a year ahead, five years at most."""
    default_start, default_end = figures.default_period()
    start = date_parameter(request, "du") or default_start
    end = date_parameter(request, "au") or default_end
    if start < EARLIEST_START:
        raise bad_parameter("du", f"la date ne peut pas précéder le {EARLIEST_START.isoformat()}.")
    if end > latest_end(default_end):
        raise bad_parameter("au", "la date ne peut pas dépasser d'un an la date du jour.")
    if end < start:
        raise bad_parameter("au", "la date doit suivre celle de « du ».")
    if (end - start).days > MAX_DAYS:
        raise bad_parameter("au", "la période ne peut pas dépasser cinq ans.")
    return start, end


@api_view(scope=Scope.FIGURES_READ)
def figure_list(request):
    start, end = figure_period(request)
    commune = pattern_parameter(request, "commune", INSEE_PATTERN, "un code INSEE de commune (5 caractères)")
    epci = pattern_parameter(request, "epci", r"[0-9]{9}", "le SIREN de l'EPCI (9 chiffres)")
    module = choice_parameter(request, "module", [key for key, _label in registry.module_choices()])
    if commune and epci:
        raise ApiError(
            400, "parametre_invalide", "Paramètre « epci » : choisissez une commune ou un EPCI.", parameter="epci"
        )
    communes = [commune] if commune else None
    if epci:
        communes = list(
            Commune.objects.in_served_departement().filter(epci_id=epci).order_by("pk").values_list("pk", flat=True)
        )
        if not communes:
            raise ApiError(
                400,
                "parametre_invalide",
                "Paramètre « epci » : aucun EPCI du département n'a ce SIREN.",
                parameter="epci",
            )
    document = figures.figures_for(
        request.api_token.organization,
        start=start,
        end=end,
        communes=communes,
        modules=[module] if module else None,
    )
    return json_response(document)


# Schema --------------------------------------------------------------------------------------------------------


@login_not_required
@require_GET
def openapi(request):
    """The OpenAPI 3.1 description of this version (public, no limit: it is a static document)."""
    return json_response(openapi_schema(request))
