"""Demo places: one published place per network organisation that welcomes the public (France Services,
médiathèques, EPN, centres sociaux, associations, tiers-lieux…), complete records of the national standard."""

import unicodedata
from datetime import timedelta

from django.utils import timezone

from core.history import record
from places import completeness
from places.models import Place

STREETS = [
    "rue de la République",
    "place de la Mairie",
    "avenue Jean Jaurès",
    "rue Victor Hugo",
    "boulevard de la Liberté",
    "rue du 8 Mai 1945",
    "place du Marché",
    "rue de l'Église",
    "avenue du Général de Gaulle",
    "rue des Écoles",
    "allée des Tilleuls",
    "rue Paul Bert",
    "place de la Halle",
    "rue Jules Ferry",
    "chemin du Moulin",
]

MEDIATION = "Maîtrise des outils numériques du quotidien"
FORMALITIES = "Aide aux démarches administratives"
ACCESS = "Accès internet et matériel informatique"
SAFETY = "Utilisation sécurisée du numérique"
LEISURE = "Loisirs et créations numériques"
UNDERSTANDING = "Compréhension du monde numérique"
JOBS = "Insertion professionnelle via le numérique"
PARENTING = "Parentalité et éducation avec le numérique"
EQUIPMENT = "Acquisition de matériel informatique à prix solidaire"

# typology → what such a place usually offers.
KINDS = {
    "MSAP": {
        "services": [FORMALITIES, MEDIATION, ACCESS],
        "hours": [
            "Mo-Fr 09:00-12:30,13:30-17:00; PH off",
            "Mo-Th 08:30-12:00,13:30-17:30; Fr 08:30-12:00; PH off",
        ],
        "access_modes": ["Se présenter", "Téléphoner", "Prendre un RDV en ligne"],
        "support_modes": ["Accompagnement individuel", "À distance"],
        "fees": ["Gratuit"],
        "programmes": ["France Services"],
        "summary": "Un guichet pour vos démarches administratives (CAF, impôts, retraite, santé, emploi) et un "
        "accompagnement au numérique, gratuitement, avec ou sans rendez-vous.",
    },
    "BIB": {
        "services": [ACCESS, LEISURE, MEDIATION, UNDERSTANDING],
        "hours": [
            "Tu 14:00-18:00; We 10:00-12:30,14:00-18:00; Fr 14:00-18:00; Sa 10:00-12:30,14:00-17:00; PH off",
            "Tu,Th 15:00-18:30; We,Sa 10:00-12:00,14:00-18:00; PH off",
        ],
        "access_modes": ["Se présenter", "Téléphoner"],
        "support_modes": ["En autonomie", "Dans un atelier collectif"],
        "fees": ["Gratuit"],
        "programmes": [],
        "summary": "Ordinateurs et wifi en accès libre, ateliers numériques pour débuter ou se perfectionner, "
        "aide ponctuelle par les bibliothécaires.",
    },
    "CS": {
        "services": [MEDIATION, FORMALITIES, PARENTING, JOBS],
        "hours": ["Mo-Fr 09:00-12:00,14:00-18:00; PH off"],
        "access_modes": ["Se présenter", "Téléphoner", "Contacter par mail"],
        "support_modes": ["Accompagnement individuel", "Dans un atelier collectif"],
        "fees": ["Gratuit"],
        "programmes": ["Conseillers numériques"],
        "publics": ["Familles et/ou enfants"],
        "summary": "Ateliers numériques pour les familles, aide aux démarches en ligne et accompagnement "
        "vers l'emploi, dans un lieu convivial.",
    },
    "EPN": {
        "services": [MEDIATION, SAFETY, LEISURE, UNDERSTANDING, ACCESS],
        "hours": ["Mo,We,Fr 14:00-18:00; Tu,Th 09:00-12:00; PH off", "Tu-Fr 09:30-12:00,14:00-17:30; PH off"],
        "access_modes": ["Se présenter", "Téléphoner"],
        "support_modes": ["Dans un atelier collectif", "Accompagnement individuel", "En autonomie"],
        "fees": ["Gratuit sous condition"],
        "programmes": ["Conseillers numériques", "Certification PIX"],
        "summary": "Espace public numérique : initiation à l'ordinateur, au smartphone et à internet, ateliers "
        "sur la sécurité en ligne, postes en libre accès.",
    },
    "ASSO": {
        "services": [MEDIATION, SAFETY, FORMALITIES],
        "hours": ['Tu,Th 14:00-17:00 "sur rendez-vous"; PH off', 'We 09:00-12:00 "sur rendez-vous"; PH off'],
        "access_modes": ["Téléphoner", "Contacter par mail"],
        "support_modes": ["Accompagnement individuel"],
        "fees": ["Gratuit"],
        "programmes": [],
        "publics": ["Seniors"],
        "summary": "Des bénévoles vous aident pas à pas à utiliser votre ordinateur, votre tablette ou votre "
        "smartphone, sur rendez-vous.",
    },
    "TIERS_LIEUX": {
        "services": [LEISURE, UNDERSTANDING, JOBS, ACCESS],
        "hours": ["Mo-Fr 09:00-18:00; PH off"],
        "access_modes": ["Se présenter", "Contacter par mail"],
        "support_modes": ["Dans un atelier collectif", "En autonomie"],
        "fees": ["Payant", "Gratuit sous condition"],
        "programmes": [],
        "summary": "Tiers-lieu avec espace de travail partagé, fablab et ateliers de création numérique ouverts "
        "à tous.",
    },
    "PIJ_BIJ": {
        "services": [JOBS, ACCESS, FORMALITIES],
        "hours": ["Mo-Fr 13:30-18:00; We 10:00-12:00; PH off"],
        "access_modes": ["Se présenter", "Téléphoner"],
        "support_modes": ["Accompagnement individuel", "En autonomie"],
        "fees": ["Gratuit"],
        "programmes": ["Promeneurs du net"],
        "publics": ["Jeunes", "Étudiants"],
        "summary": "Information jeunesse : recherche d'emploi ou de stage en ligne, CV, démarches, postes "
        "informatiques en accès libre.",
    },
    "ACI": {
        "services": [EQUIPMENT, MEDIATION],
        "hours": ["Mo-Th 09:00-12:00,13:30-16:30; PH off"],
        "access_modes": ["Se présenter", "Envoyer un mail avec une fiche de prescription"],
        "support_modes": ["Accompagnement individuel"],
        "fees": ["Payant"],
        "programmes": [],
        "summary": "Ordinateurs reconditionnés à prix solidaire, avec une prise en main pour bien démarrer.",
    },
}


def slug(text):
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_text).split())


def create_places(rng, organizations, *, stale_organizations=(), now=None):
    """One published place per organisation of `organizations` whose typology welcomes the public. The places of
    `stale_organizations` were confirmed 8 months ago, so the demo accounts see a reminder to act on."""
    now = now or timezone.now()
    stale_ids = {organization.pk for organization in stale_organizations}
    places = []
    for organization in organizations:
        kind = KINDS.get(organization.typology)
        commune = organization.commune
        if kind is None or commune is None or commune.latitude is None:
            continue
        confirmed_at = now - timedelta(days=240 if organization.pk in stale_ids else rng.uniform(0, 305))
        accepts_pass = rng.random() < 0.45
        extra_programmes = [p for p in ("Aidants Connect", "Conseillers numériques") if rng.random() < 0.3]
        place = Place(
            name=organization.name,
            siret=organization.siret,
            address=f"{rng.randint(1, 40)} {rng.choice(STREETS)}",
            postal_code=commune.postal_codes[0] if commune.postal_codes else "",
            commune_name=commune.name,
            insee_code=commune.insee_code,
            commune=commune,
            latitude=round(commune.latitude + rng.uniform(-0.004, 0.004), 6),
            longitude=round(commune.longitude + rng.uniform(-0.006, 0.006), 6),
            typologies=[organization.typology],
            phone=organization.phone,
            emails=[f"contact@{slug(organization.name)}.demo.test"],
            opening_hours=rng.choice(kind["hours"]),
            summary=kind["summary"],
            description=f"{organization.name} vous accueille à {commune.name}. {kind['summary']}",
            data_source="Démonstration",
            itinerance=["Fixe"],
            services=kind["services"],
            publics=kind.get("publics", []),
            specific_support=rng.sample(["Surdité", "Handicaps moteurs", "Illettrisme"], k=rng.randint(0, 2)),
            fees=kind["fees"],
            national_programmes=sorted(set(kind["programmes"] + extra_programmes)),
            training_labels=["Formé à « Mon Espace Santé »"] if rng.random() < 0.2 else [],
            access_modes=kind["access_modes"],
            support_modes=kind["support_modes"],
            accessibility_url=(
                f"https://acceslibre.beta.gouv.fr/app/{slug(commune.name)}/a/lieu/erp/{slug(organization.name)}/"
                if rng.random() < 0.5
                else ""
            ),
            organization=organization,
            accepts_pass_numerique=accepts_pass,
            is_pass_qualified=accepts_pass and rng.random() < 0.6,
            is_network_member=organization.is_network_member,
            can_relay_webinars=rng.random() < 0.3,
            status=Place.Status.PUBLISHED,
            confirmed_at=confirmed_at,
            updated_on=confirmed_at.date(),
        )
        if not place.postal_code:
            continue
        place.completeness = completeness.score(place)
        places.append(place)
    created = Place.objects.bulk_create(places)
    if not all(p.pk for p in created):
        created = list(Place.objects.filter(uid__in=[p.uid for p in places]))
    for place in created:
        record(place, "place_created", acting_user=None, message="Données de démonstration")
    return created
