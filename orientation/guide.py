"""« Trouver de l'aide » (/trouver-de-l-aide/): the everyday needs and the standard's services they stand for, the
four steps, and reading the answers from the query string.

Rules:
- Every answer lives in the query string (French parameter names, PARAMETERS): nothing is stored, so the back
  button, bookmarks and the link sent by e-mail work without a session.
- The steps come in order (STEPS). A page (a step or the result) is shown only when every earlier step is valid;
  otherwise the first invalid step is shown in its place, with its errors beside the fields and a summary on top.
- A step's form is sent to the step's own address with « valider=1 » (« passer=1 » to skip it); when it is valid,
  the person goes on to the next step with the answers normalised: the commune as its label « Agen (47000) », never
  the position the browser gave (it only serves to find the nearest commune).
- Only the « when » and « specific needs » steps can be skipped (« n'importe quand », « aucun »).
- The result is referrals.ranking.rank_places for the services of the chosen needs (« Autre chose » asks for none:
  the nearest places come first), at most RESULT_LIMIT places, each with why it fits and, per chosen half-day,
  « oui », « non », or « à vérifier » when its hours are unknown.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from places import opening_hours
from places.search import of_place
from places.views_public import format_phone
from referrals.models import HALF_DAYS, WEEKDAYS, parse_availability
from referrals.ranking import rank_places, services_for_needs


@dataclass(frozen=True)
class Need:
    code: str  # in the URL: besoin=demarches
    label: str  # what the person reads, in everyday words
    services: tuple  # the standard's services (places/vocabulary.py), exact strings


# The everyday needs, most frequent first, and the services of the standard that answer them.
NEEDS = [
    Need(
        "demarches",
        "Faire une démarche en ligne (CAF, impôts, retraite, santé, France Travail…)",
        ("Aide aux démarches administratives",),
    ),
    Need(
        "telephone",
        "Apprendre à me servir de mon téléphone ou de ma tablette",
        ("Maîtrise des outils numériques du quotidien",),
    ),
    Need(
        "ordinateur",
        "Apprendre à me servir d'un ordinateur, d'internet ou des e-mails",
        ("Maîtrise des outils numériques du quotidien",),
    ),
    Need(
        "equipement",
        "Avoir un ordinateur à petit prix",
        ("Acquisition de matériel informatique à prix solidaire",),
    ),
    Need(
        "acces",
        "Utiliser un ordinateur, internet ou une imprimante sur place",
        ("Accès internet et matériel informatique",),
    ),
    Need("ecole", "Aider mon enfant avec l'école en ligne", ("Parentalité et éducation avec le numérique",)),
    Need("emploi", "Chercher un emploi ou une formation en ligne", ("Insertion professionnelle via le numérique",)),
    Need("securite", "Me protéger des arnaques et des virus", ("Utilisation sécurisée du numérique",)),
    Need("loisirs", "Faire des photos, des vidéos, créer avec le numérique", ("Loisirs et créations numériques",)),
    Need(
        "comprendre",
        "Comprendre le numérique (réseaux sociaux, intelligence artificielle…)",
        ("Compréhension du monde numérique",),
    ),
    Need("autre", "Autre chose, ou je ne sais pas encore", ()),
]
NEEDS_BY_CODE = {need.code: need for need in NEEDS}

# The person's specific needs: URL code → (key of referrals.ranking.SPECIFIC_SUPPORT, what the person reads).
SPECIFIC_NEEDS = {
    "audition": ("hearing", "J'entends mal ou pas du tout"),
    "vue": ("sight", "Je vois mal ou pas du tout"),
    "mobilite": ("mobility", "J'ai du mal à me déplacer (fauteuil, marche)"),
    "lecture": ("illiteracy", "J'ai du mal à lire ou à écrire"),
    "langue": ("language", "Je parle peu le français"),
}

# The half-days offered at the « when » step: the referrals' availability codes (« tu_morning »).
DAY_LABELS = dict(WEEKDAYS)
HALF_DAY_LABELS = dict(HALF_DAYS)
MOMENTS = [
    (f"{day}_{half}", f"{day_label} {half_label}") for day, day_label in WEEKDAYS for half, half_label in HALF_DAYS
]
MOMENT_LABELS = dict(MOMENTS)


def moment_labels(codes):
    """« tu_morning » → « mardi matin », in the order given, unknown codes left out."""
    return [MOMENT_LABELS[code] for code in codes if code in MOMENT_LABELS]


# Form field → URL parameter (French, short and stable: the links are bookmarked and sent).
PARAMETERS = {
    "needs": "besoin",
    "commune": "commune",
    "latitude": "lat",
    "longitude": "lon",
    "moments": "moment",
    "specific_needs": "particulier",
}
SUBMITTED = "valider"
SKIPPED = "passer"


@dataclass(frozen=True)
class Step:
    slug: str  # in the URL: /trouver-de-l-aide/<slug>/
    number: int
    title: str  # the question, the page's <h1>
    fields: tuple  # form field names (PARAMETERS keys)
    skip_label: str = ""  # the label of the « skip » button; empty when the step cannot be skipped

    @property
    def parameters(self):
        return [PARAMETERS[name] for name in self.fields]

    def url(self, query=""):
        path = reverse("orientation:guide_step", kwargs={"step": self.slug})
        return f"{path}?{query}" if query else path


STEPS = [
    Step("besoin", 1, "De quoi avez-vous besoin ?", ("needs",)),
    Step("ou", 2, "Où habitez-vous ?", ("commune", "latitude", "longitude")),
    Step("quand", 3, "Quand pouvez-vous y aller ?", ("moments",), skip_label="N'importe quand"),
    Step(
        "besoins-particuliers",
        4,
        "Avez-vous un besoin particulier ?",
        ("specific_needs",),
        skip_label="Aucun besoin particulier",
    ),
]
STEPS_BY_SLUG = {step.slug: step for step in STEPS}


def result_url(query=""):
    path = reverse("orientation:guide_result")
    return f"{path}?{query}" if query else path


def next_url(step, query):
    """Where « Continuer » leads: the next step, or the result after the last one."""
    index = STEPS.index(step)
    return STEPS[index + 1].url(query) if index + 1 < len(STEPS) else result_url(query)


def previous_url(step, query):
    """Where « Retour » leads: the previous step, or the introduction before the first one."""
    index = STEPS.index(step)
    if index == 0:
        path = reverse("orientation:guide")
        return f"{path}?{query}" if query else path
    return STEPS[index - 1].url(query)


@dataclass
class Answers:
    """The cleaned answers of every valid step (an invalid or missing step leaves its default)."""

    needs: list = field(default_factory=list)  # codes of NEEDS
    commune: object = None  # geo.Commune
    moments: list = field(default_factory=list)  # « tu_morning »
    specific_needs: list = field(default_factory=list)  # codes of SPECIFIC_NEEDS

    @property
    def services(self):
        return services_for_needs([service for code in self.needs for service in NEEDS_BY_CODE[code].services])

    @property
    def near(self):
        """« près d'Agen », « près de Nérac »."""
        return f"près {of_place(self.commune.name)}" if self.commune is not None else ""

    @property
    def support_keys(self):
        """The specific needs as referrals.ranking.SPECIFIC_SUPPORT keys."""
        return [SPECIFIC_NEEDS[code][0] for code in self.specific_needs]

    def pairs(self, step):
        """The URL parameters of `step`'s answers, normalised."""
        if step.slug == "besoin":
            return [(PARAMETERS["needs"], code) for code in self.needs]
        if step.slug == "ou":
            return [(PARAMETERS["commune"], self.commune.label)] if self.commune is not None else []
        if step.slug == "quand":
            return [(PARAMETERS["moments"], code) for code in self.moments]
        return [(PARAMETERS["specific_needs"], code) for code in self.specific_needs]


class Reading:
    """The query string read step by step: a bound form per step, the answers of the valid ones."""

    def __init__(self, data):
        from orientation.forms_guide import STEP_FORMS  # the forms use this module's vocabulary

        self.data = data
        self.forms = {}
        self.answers = Answers()
        for step in STEPS:
            form = STEP_FORMS[step.slug](data)
            self.forms[step.slug] = form
            if form.is_valid():
                for name in step.fields:
                    if hasattr(self.answers, name):
                        setattr(self.answers, name, form.cleaned_data[name])

    def is_valid(self, step):
        return self.forms[step.slug].is_valid()

    def first_invalid(self, before=None):
        """The first invalid step (before `before` when given), or None."""
        for step in STEPS:
            if step is before:
                return None
            if not self.is_valid(step):
                return step
        return None

    def pairs(self, *, without=None):
        """Every answer as URL parameters: normalised for the valid steps, as typed for the others; `without` (a
        step) leaves that step's parameters out (they are the fields of its form)."""
        pairs = []
        for step in STEPS:
            if step is without:
                continue
            if self.is_valid(step):
                pairs += self.answers.pairs(step)
            else:
                pairs += [(name, value) for name in step.parameters for value in self.data.getlist(name) if value]
        return pairs

    def query(self, *, without=None):
        return urlencode(self.pairs(without=without))


# The result ------------------------------------------------------------------------------------------------

RESULT_LIMIT = 10
SMS_PLACES = 3
EMAIL_PLACES = 5
OPEN, CLOSED, UNKNOWN = "oui", "non", "à vérifier"


@dataclass
class ResultRow:
    place: object  # places.Place
    reasons: list  # why it fits, in French (referrals.ranking)
    moments: list  # [(« mardi matin », OPEN | CLOSED | UNKNOWN)] for the chosen half-days
    hours: list  # [(« Lundi », « 9 h – 12 h, 14 h – 17 h »)] for the days it opens; empty when unknown

    @property
    def phone(self):
        return format_phone(self.place.phone) if self.place.phone else ""

    @property
    def url(self):
        return reverse("places:detail", args=[self.place.pk])


def ranked_rows(answers, *, limit=RESULT_LIMIT):
    """The places that fit the answers, best first (referrals.ranking.rank_places), with what the page shows."""
    ranked = rank_places(
        needs=answers.services,
        commune=answers.commune,
        specific_needs=answers.support_keys,
        days=answers.moments,
        limit=limit,
    )
    tables = {}
    rows = []
    for place, _score, reasons in ranked:
        if place.opening_hours not in tables:
            tables[place.opening_hours] = opening_hours.weekly_table(place.opening_hours)
        table = tables[place.opening_hours]
        rows.append(
            ResultRow(
                place=place,
                reasons=reasons,
                moments=[
                    (MOMENT_LABELS[code], _open_state(table, place.opening_hours, code)) for code in answers.moments
                ],
                hours=[(day.name.capitalize(), day.label) for day in table if not day.is_closed],
            )
        )
    return rows


def _open_state(table, hours, code):
    """Whether a place with these hours opens in that half-day of an ordinary week; UNKNOWN without hours."""
    if not table:
        return UNKNOWN
    weekday, half_day = parse_availability(code)
    return OPEN if opening_hours.is_open_on(hours, weekday, half_day) else CLOSED


def result_text(rows, *, answers, count):
    """The short plain text sent by SMS or e-mail: the first `count` places, one per line. Plain hyphens: a dash
    outside the GSM alphabet would make every SMS segment hold 70 characters instead of 160."""
    lines = [f"Lieux pour vous aider {answers.near} :"]
    for number, row in enumerate(rows[:count], start=1):
        place = row.place
        address = ", ".join(part for part in (place.address, f"{place.postal_code} {place.commune_name}") if part)
        lines.append(f"{number}. {place.name} - {address}" + (f" - {row.phone}" if row.phone else ""))
    return "\n".join(lines)
