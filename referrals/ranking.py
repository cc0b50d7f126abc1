"""Ranking places for a referral: published places around the person's commune, those offering the requested
services first, each with the reasons it fits, in French."""

from geo.distance import distance_km
from places import vocabulary
from places.models import Place
from places.opening_hours import is_open_on
from referrals.models import AVAILABILITY_CHOICES, parse_availability

DEFAULT_RADIUS_KM = 30

# Service → how « propose … » reads.
SERVICE_PHRASES = {
    "Aide aux démarches administratives": "l'aide aux démarches administratives",
    "Maîtrise des outils numériques du quotidien": "la maîtrise des outils numériques du quotidien",
    "Insertion professionnelle via le numérique": "l'insertion professionnelle via le numérique",
    "Utilisation sécurisée du numérique": "l'utilisation sécurisée du numérique",
    "Parentalité et éducation avec le numérique": "la parentalité et l'éducation avec le numérique",
    "Loisirs et créations numériques": "les loisirs et créations numériques",
    "Compréhension du monde numérique": "la compréhension du monde numérique",
    "Accès internet et matériel informatique": "l'accès à internet et au matériel informatique",
    "Acquisition de matériel informatique à prix solidaire": "l'acquisition de matériel à prix solidaire",
}

# La Coop's themes → the standard's service that covers them.
_ADMIN = "Aide aux démarches administratives"
_TOOLS = "Maîtrise des outils numériques du quotidien"
THEME_SERVICES = {
    "aide_aux_demarches_administratives": _ADMIN,
    "papiers_elections_citoyennete": _ADMIN,
    "famille_scolarite": _ADMIN,
    "social_sante": _ADMIN,
    "travail_formation": _ADMIN,
    "logement": _ADMIN,
    "transports_mobilite": _ADMIN,
    "argent_impots": _ADMIN,
    "justice": _ADMIN,
    "etrangers_europe": _ADMIN,
    "loisirs_sports_culture": _ADMIN,
    "associations": _ADMIN,
    "sante": _ADMIN,
    "diagnostic_numerique": _TOOLS,
    "prendre_en_main_du_materiel": _TOOLS,
    "gere_ses_contenus_numeriques": _TOOLS,
    "navigation_sur_internet": _TOOLS,
    "email": _TOOLS,
    "bureautique": _TOOLS,
    "reseaux_sociaux": _TOOLS,
    "banque_et_achats_en_ligne": _TOOLS,
    "maintenance_de_materiel": "Accès internet et matériel informatique",
    "insertion_professionnelle": "Insertion professionnelle via le numérique",
    "entrepreneuriat": "Insertion professionnelle via le numérique",
    "securite_numerique": "Utilisation sécurisée du numérique",
    "parentalite": "Parentalité et éducation avec le numérique",
    "scolarite_et_numerique": "Parentalité et éducation avec le numérique",
    "creer_avec_le_numerique": "Loisirs et créations numériques",
    "culture_numerique": "Compréhension du monde numérique",
    "intelligence_artificielle": "Compréhension du monde numérique",
}

# The person's specific need → the place's « prise en charge spécifique » values and the reason.
SPECIFIC_SUPPORT = {
    "hearing": (["Surdité"], "accueille les personnes sourdes ou malentendantes"),
    "sight": (["Déficience visuelle"], "accueille les personnes malvoyantes"),
    "mobility": (["Handicaps moteurs"], "accueille les personnes à mobilité réduite"),
    "illiteracy": (["Illettrisme"], "accompagne les personnes en situation d'illettrisme"),
    "language": (
        ["Langues étrangères (anglais)", "Langues étrangères (autres)"],
        "accompagne en langues étrangères",
    ),
}

SERVICE_WEIGHT = 10
SUPPORT_WEIGHT = 5
OPEN_WEIGHT = 2
DISTANCE_WEIGHT = 5  # taken off in proportion to the distance over the radius


def services_for_needs(needs):
    """The standard's services a list of needs (services or La Coop's themes) asks for, in order, no repeats."""
    services = []
    for need in needs:
        service = need if need in vocabulary.SERVICES else THEME_SERVICES.get(need)
        if service and service not in services:
            services.append(service)
    return services


def format_distance(km):
    if km < 1:
        return "à moins d'1 km"
    return f"à {round(km)} km"


def rank_places(*, needs, commune, specific_needs=(), days=(), limit=10, radius_km=DEFAULT_RADIUS_KM):
    """Published places within `radius_km` of `commune` as a list of (place, score, reasons), best first: the
    places offering the most requested services first, then the score (specific needs met, open at the person's
    available half-days, nearer). `days` are availability codes (« tu_morning »)."""
    if commune is None or commune.point is None:
        return []
    origin = commune.point
    wanted = services_for_needs(needs)
    supports = [SPECIFIC_SUPPORT[need] for need in specific_needs if need in SPECIFIC_SUPPORT]
    labels = dict(AVAILABILITY_CHOICES)
    slots = [(code, *parse_availability(code)) for code in days if code in labels]
    rows = (
        Place.objects.published()
        .within_box(origin[0], origin[1], radius_km)
        .values_list("pk", "name", "latitude", "longitude", "services", "specific_support", "opening_hours")
    )
    open_cache = {}
    ranked = []
    for pk, name, latitude, longitude, services, specific_support, opening_hours in rows:
        km = distance_km(origin, (latitude, longitude))
        if km is None or km > radius_km:
            continue
        reasons = []
        matched = [service for service in wanted if service in services]
        reasons += [f"propose {SERVICE_PHRASES.get(service, service.lower())}" for service in matched]
        score = SERVICE_WEIGHT * len(matched)
        for values, reason in supports:
            if any(value in specific_support for value in values):
                score += SUPPORT_WEIGHT
                reasons.append(reason)
        reasons.append(format_distance(km))
        for code, weekday, half_day in slots:
            key = (opening_hours, weekday, half_day)
            if key not in open_cache:
                open_cache[key] = bool(opening_hours) and is_open_on(opening_hours, weekday, half_day)
            if open_cache[key]:
                score += OPEN_WEIGHT
                reasons.append(f"ouvert le {labels[code]}")
        score -= DISTANCE_WEIGHT * km / radius_km
        ranked.append((len(matched), round(score, 2), km, name, pk, reasons))
    ranked.sort(key=lambda row: (-row[0], -row[1], row[2], row[3], row[4]))
    top = ranked[:limit]
    places = Place.objects.in_bulk([row[4] for row in top])
    return [(places[pk], score, reasons) for _matched, score, _km, _name, pk, reasons in top]
