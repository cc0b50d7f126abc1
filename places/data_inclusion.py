"""Places → data·inclusion v1 (one `Structure` and one `Service` per place), following the national hub's own
mapping of the lieux de médiation numérique (shared standards.md §2.6). Output: {"structures": [...],
"services": [...]}, JSON-ready dicts without empty values."""

import json

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from places.exporting import CHUNK_SIZE, ascii_slug, exported_places
from places.standard import UNKNOWN_PIVOT

SERVICE_NAME = "Service d'accompagnement au numérique"

THEMATIQUES = {
    "Accès internet et matériel informatique": [
        "numerique--acceder-a-une-connexion-internet",
        "numerique--acquerir-un-equipement",
    ],
    "Acquisition de matériel informatique à prix solidaire": ["numerique--acquerir-un-equipement"],
    "Aide aux démarches administratives": [
        "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
        "numerique--acceder-a-des-services-en-ligne",
    ],
    "Compréhension du monde numérique": ["numerique--maitriser-les-fondamentaux-du-numerique"],
    "Insertion professionnelle via le numérique": [
        "preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi",
        "numerique--maitriser-les-fondamentaux-du-numerique",
    ],
    "Loisirs et créations numériques": [
        "remobilisation--activites-sportives-et-culturelles",
        "numerique--maitriser-les-fondamentaux-du-numerique",
    ],
    "Maîtrise des outils numériques du quotidien": [
        "numerique--maitriser-les-fondamentaux-du-numerique",
        "numerique--acceder-a-des-services-en-ligne",
    ],
    "Parentalité et éducation avec le numérique": [
        "famille--soutien-a-la-parentalite-et-a-leducation",
        "numerique--maitriser-les-fondamentaux-du-numerique",
    ],
    "Utilisation sécurisée du numérique": ["numerique--maitriser-les-fondamentaux-du-numerique"],
}
FRAIS = {"Gratuit": "gratuit", "Gratuit sous condition": "gratuit", "Payant": "payant"}
MODES_MOBILISATION = {
    "Contacter par mail": "envoyer-un-courriel",
    "Envoyer un mail avec une fiche de prescription": "envoyer-un-courriel",
    "Prendre un RDV en ligne": "utiliser-lien-mobilisation",
    "Se présenter": "se-presenter",
    "Téléphoner": "telephoner",
}
TYPES = {
    "Accompagnement individuel": "accompagnement",
    "Dans un atelier collectif": "atelier",
    "En autonomie": "aide-materielle",
}
TYPE_PRIORITY = ["aide-materielle", "atelier", "accompagnement"]
PUBLICS = {
    "Étudiants": "etudiants",
    "Familles et/ou enfants": "familles",
    "Femmes": "femmes",
    "Jeunes": "jeunes",
    "Seniors": "seniors",
}
SPECIFIC_PUBLICS = {
    "Déficience visuelle": "personnes-en-situation-de-handicap",
    "Handicaps mentaux": "personnes-en-situation-de-handicap",
    "Handicaps moteurs": "personnes-en-situation-de-handicap",
    "Surdité": "personnes-en-situation-de-handicap",
    "Langues étrangères (anglais)": "personnes-exilees",
    "Langues étrangères (autres)": "personnes-exilees",
}
RESEAUX_PORTEURS = {
    "Aidants Connect": "aidants-connect",
    "Conseillers numériques": "conseillers-numeriques",
    "France Services": "france-service",
    "Grande école du numérique": "grandes-ecoles-du-numerique",
    "La Croix Rouge": "croix-rouge",
}


def source_id():
    """Our producer id at data·inclusion (setting DATA_INCLUSION_SOURCE, else a slug of the platform's name)."""
    return getattr(settings, "DATA_INCLUSION_SOURCE", "") or ascii_slug(settings.PLATFORM_NAME)


def _unique(values):
    return list(dict.fromkeys(v for v in values if v))


def _page_url(place):
    try:
        path = reverse("places:detail", args=[place.pk])
    except NoReverseMatch:
        return None
    return settings.PLATFORM_URL + path


def _departement(insee_code):
    if not insee_code:
        return None
    return insee_code[:3] if insee_code.startswith("97") else insee_code[:2]


def _address(place):
    return {
        "commune": place.commune_name,
        "code_postal": place.postal_code,
        "code_insee": place.insee_code or None,
        "adresse": place.address,
        "complement_adresse": place.address_complement or None,
        "longitude": place.longitude,
        "latitude": place.latitude,
    }


def _compact(data):
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def structure(place):
    source = source_id()
    description = place.description or place.summary
    siret = place.siret if len(place.siret) == 14 and place.siret != UNKNOWN_PIVOT else None
    return _compact(
        {
            "source": source,
            "id": f"{source}--{place.uid}",
            "nom": place.name[:150],
            "date_maj": place.updated_on.isoformat(),
            "description": description[:10000] if len(description) >= 5 else None,
            "lien_source": _page_url(place),
            "siret": siret,
            **_address(place),
            "telephone": place.phone,
            "courriel": (place.emails or [None])[0],
            "site_web": (place.websites or [None])[0],
            "horaires_accueil": place.opening_hours,
            "accessibilite_lieu": place.accessibility_url,
            "reseaux_porteurs": _unique(RESEAUX_PORTEURS.get(v) for v in place.national_programmes),
        }
    )


def service(place):
    source = source_id()
    types = {TYPES[v] for v in place.support_modes if v in TYPES}
    fees = {FRAIS[v] for v in place.fees}
    publics = _unique(
        [PUBLICS.get(v) for v in place.publics] + [SPECIFIC_PUBLICS.get(v) for v in place.specific_support]
    )
    modes = _unique(MODES_MOBILISATION.get(v) for v in place.access_modes)
    if not modes:
        modes = _unique(
            [
                "telephoner" if place.phone else None,
                "envoyer-un-courriel" if place.emails else None,
                "utiliser-lien-mobilisation" if place.booking_url else None,
            ]
        )
    description = place.description or place.summary
    if len(description) < 5:
        description = f"{SERVICE_NAME} : " + (", ".join(place.services) or "médiation numérique") + "."
    precisions = ", ".join(place.publics + place.specific_support)
    return _compact(
        {
            "source": source,
            "structure_id": f"{source}--{place.uid}",
            "id": f"{source}--{place.uid}--mediation-numerique",
            "nom": SERVICE_NAME,
            "description": description[:10000],
            "lien_source": _page_url(place),
            "date_maj": place.updated_on.isoformat(),
            "type": next((t for t in TYPE_PRIORITY if t in types), None),
            "thematiques": _unique(t for v in place.services for t in THEMATIQUES.get(v, [])),
            "frais": "gratuit" if "gratuit" in fees else "payant" if fees else None,
            "publics": publics or ["tous-publics"],
            "publics_precisions": precisions or None,
            **_address(place),
            "telephone": place.phone,
            "courriel": (place.emails or [None])[0],
            "modes_accueil": ["a-distance", "en-presentiel"]
            if "À distance" in place.support_modes
            else ["en-presentiel"],
            "zone_eligibilite": _unique([_departement(place.insee_code)]),
            "lien_mobilisation": place.booking_url,
            "modes_mobilisation": modes,
            "mobilisable_par": ["usagers", "professionnels"],
            "horaires_accueil": place.opening_hours,
        }
    )


def iter_json(queryset=None):
    """{"structures": [...], "services": [...]} as text chunks (two passes over the places)."""
    queryset = exported_places() if queryset is None else queryset
    for convert, opening in ((structure, '{"structures": ['), (service, '],\n"services": [')):
        yield opening
        first = True
        for place in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield ("\n" if first else ",\n") + json.dumps(convert(place), ensure_ascii=False)
            first = False
    yield "\n]}\n"
