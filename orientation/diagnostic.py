"""The digital-autonomy diagnostic: twelve plain questions, their scoring, the level and La Coop's autonomy value.

Scoring rule (a test checks each boundary):
- each answer gives points: « Oui, seul(e) » 2, « Oui, avec de l'aide » 1, « Non » 0, « Je ne sais pas » 0;
  twelve questions, so a score from 0 to 24;
- 0 to 12 → débutant (La Coop: « Avec guidage »): 12 is « avec de l'aide » everywhere, still guided;
  13 to 19 → intermédiaire (« Autonome avec guidage en cas de besoin »);
  20 to 24 → avancé (« Autonome »);
- the bases first: whoever answers « Non » or « Je ne sais pas » to « utiliser une souris ou un écran tactile »
  is débutant whatever the score, since nothing else can be done without it.
- Skills to work on: every question not answered « Oui, seul(e) », in the questionnaire's order. « Je ne sais
  pas » counts as « Non »: someone who does not know what FranceConnect is cannot use it yet.
- Suggested places offer the services (places' standard) of the La Coop themes of those skills.

Upcoming sessions: the events module registers a provider from its AppConfig.ready(),
`register_sessions_provider(provider)`, where `provider(level, commune)` returns a list of `(title, date, url)`;
`commune` may be None. Without a provider, the result page shows no sessions.
"""

from collections import namedtuple
from dataclasses import dataclass
from urllib.parse import urlencode

from orientation.models import Autonomy, Level

ALONE, WITH_HELP, NO, UNSURE = "alone", "with_help", "no", "unsure"
ANSWER_CHOICES = [
    (ALONE, "Oui, seul(e)"),
    (WITH_HELP, "Oui, avec de l'aide"),
    (NO, "Non"),
    (UNSURE, "Je ne sais pas"),
]
POINTS = {ALONE: 2, WITH_HELP: 1, NO: 0, UNSURE: 0}
# How « À travailler » qualifies a skill, from the answer given.
WORK_ON_NOTES = {WITH_HELP: "avec de l'aide", NO: "pas encore", UNSURE: "à découvrir"}
BEGINNER_MAX = 12
ADVANCED_MIN = 20
BASICS = ("pointer",)


@dataclass(frozen=True)
class Question:
    code: str
    text: str  # the question, as the person reads it
    hint: str  # an everyday example, or ""
    skill: str  # the skill, as « À travailler » lists it
    theme: str  # La Coop's thématique (standards.md §5.2), mapped to the places' services by referrals.ranking


@dataclass(frozen=True)
class Section:
    title: str
    questions: tuple


_MATERIAL = "prendre_en_main_du_materiel"
SECTIONS = (
    Section(
        "Le matériel",
        (
            Question("turn_on", "Savez-vous allumer un ordinateur ?", "", "Allumer un ordinateur", _MATERIAL),
            Question(
                "pointer",
                "Savez-vous utiliser une souris ou un écran tactile ?",
                "Par exemple : cliquer, toucher l'écran, faire glisser.",
                "Utiliser une souris ou un écran tactile",
                _MATERIAL,
            ),
            Question(
                "install_app",
                "Savez-vous installer une application sur un téléphone ?",
                "Par exemple : l'application de votre banque.",
                "Installer une application",
                _MATERIAL,
            ),
            Question(
                "scan_document",
                "Savez-vous prendre en photo un document avec un téléphone ?",
                "Par exemple : une facture, pour l'envoyer.",
                "Photographier ou scanner un document avec un téléphone",
                "gere_ses_contenus_numeriques",
            ),
        ),
    ),
    Section(
        "Internet et e-mail",
        (
            Question(
                "browse",
                "Savez-vous aller sur un site internet ?",
                "Par exemple : chercher les horaires de la mairie.",
                "Naviguer sur internet",
                "navigation_sur_internet",
            ),
            Question(
                "email_attachment",
                "Savez-vous envoyer un e-mail avec une pièce jointe ?",
                "Une pièce jointe, c'est un document ou une photo ajouté à l'e-mail.",
                "Envoyer un e-mail avec une pièce jointe",
                "email",
            ),
            Question(
                "create_account",
                "Savez-vous créer un compte sur un site internet ?",
                "Par exemple : sur le site de la CAF.",
                "Créer un compte en ligne",
                "navigation_sur_internet",
            ),
            Question(
                "passwords",
                "Savez-vous retrouver vos mots de passe ?",
                "Par exemple : demander un nouveau mot de passe.",
                "Retrouver ses mots de passe",
                "securite_numerique",
            ),
        ),
    ),
    Section(
        "Démarches et sécurité",
        (
            Question(
                "spot_scam",
                "Savez-vous reconnaître un faux message ?",
                "Un faux message vous demande de l'argent ou vos codes.",
                "Reconnaître un message frauduleux",
                "securite_numerique",
            ),
            Question(
                "franceconnect",
                "Savez-vous utiliser FranceConnect ?",
                "Le bouton pour entrer sur les sites publics avec un compte que vous avez déjà (Ameli, impôts…).",
                "Utiliser FranceConnect",
                "aide_aux_demarches_administratives",
            ),
            Question(
                "pay_online",
                "Savez-vous payer en ligne ?",
                "Par exemple : payer la cantine avec une carte bancaire.",
                "Payer en ligne",
                "banque_et_achats_en_ligne",
            ),
            Question(
                "online_procedure",
                "Savez-vous faire une démarche en ligne ?",
                "Par exemple : CAF, impôts, retraite, santé.",
                "Faire une démarche en ligne (CAF, impôts…)",
                "aide_aux_demarches_administratives",
            ),
        ),
    ),
)
QUESTIONS = tuple(question for section in SECTIONS for question in section.questions)
QUESTION_CODES = tuple(question.code for question in QUESTIONS)

LEVEL_AUTONOMY = {
    Level.BEGINNER: Autonomy.GUIDED,
    Level.INTERMEDIATE: Autonomy.PARTLY,
    Level.ADVANCED: Autonomy.AUTONOMOUS,
}
EXPLANATIONS = {
    Level.BEGINNER: (
        "Vous débutez avec le numérique.",
        "C'est normal, et cela s'apprend.",
        "Un médiateur numérique peut vous guider pas à pas.",
    ),
    Level.INTERMEDIATE: (
        "Vous savez déjà faire beaucoup de choses.",
        "Pour certaines, vous avez encore besoin d'aide.",
        "Quelques rendez-vous peuvent vous rendre autonome.",
    ),
    Level.ADVANCED: (
        "Vous êtes à l'aise avec le numérique.",
        "Vous pouvez encore apprendre des choses précises.",
        "Un lieu près de chez vous peut vous aider pour cela.",
    ),
}


@dataclass(frozen=True)
class Outcome:
    score: int
    level: str
    autonomy: str
    to_work_on: tuple  # Questions not answered « Oui, seul(e) »

    @property
    def level_label(self):
        return Level(self.level).label

    @property
    def autonomy_label(self):
        return Autonomy(self.autonomy).label

    @property
    def explanation(self):
        return EXPLANATIONS[self.level]

    @property
    def themes(self):
        """La Coop's themes of the skills to work on, in order, no repeats."""
        return list(dict.fromkeys(question.theme for question in self.to_work_on))


def answers_problem(answers):
    """Why `answers` is not a complete set of answers ({question code: answer code}), or None."""
    if not isinstance(answers, dict):
        return "Les réponses doivent être un dictionnaire {question : réponse}."
    missing = [code for code in QUESTION_CODES if code not in answers]
    unknown = sorted(set(answers) - set(QUESTION_CODES))
    invalid = [code for code in QUESTION_CODES if code in answers and answers[code] not in POINTS]
    if missing or unknown or invalid:
        return f"Réponses incomplètes (manquantes : {missing}, inconnues : {unknown}, invalides : {invalid})."
    return None


def score(answers):
    return sum(POINTS[answers[code]] for code in QUESTION_CODES)


def level_for(answers):
    total = score(answers)
    if any(answers[code] in (NO, UNSURE) for code in BASICS) or total <= BEGINNER_MAX:
        return Level.BEGINNER
    if total >= ADVANCED_MIN:
        return Level.ADVANCED
    return Level.INTERMEDIATE


def evaluate(answers):
    """The Outcome of a complete set of answers (check it with `answers_problem` first)."""
    level = level_for(answers)
    return Outcome(
        score=score(answers),
        level=level.value,
        autonomy=LEVEL_AUTONOMY[level].value,
        to_work_on=tuple(question for question in QUESTIONS if answers[question.code] != ALONE),
    )


# The result page's address carries the answers (nothing is stored for the public) ---------------------------


PERSON_PARAMETER = "fiche"


def result_query(answers, commune=None):
    """The query string of the result page: the answers, and the commune's INSEE code when known."""
    params = [(code, answers[code]) for code in QUESTION_CODES]
    if commune is not None:
        params.append(("commune", commune.pk))
    return urlencode(params)


def result_url(answers, commune=None, person=None):
    """The result page's address; with `person`, a professional gets a link back to that person's record."""
    from django.urls import reverse

    query = result_query(answers, commune)
    if person is not None:
        query += f"&{PERSON_PARAMETER}={person.pk}"
    return f"{reverse('orientation:diagnostic_result')}?{query}"


def answers_from_query(query):
    """The answers read from a result page's query string (a QueryDict), or None when they are not complete."""
    answers = {code: query.get(code) for code in QUESTION_CODES}
    return None if answers_problem(answers) else answers


# Upcoming sessions: a hook for the events module -------------------------------------------------------------

UpcomingSession = namedtuple("UpcomingSession", ["title", "date", "url"])
MAX_SESSIONS = 5
_sessions_providers = []


def register_sessions_provider(provider):
    """Add a provider `(level, commune) -> [(title, date, url)]` (registering it twice has no effect)."""
    if provider not in _sessions_providers:
        _sessions_providers.append(provider)
    return provider


def unregister_sessions_provider(provider):
    if provider in _sessions_providers:
        _sessions_providers.remove(provider)


def upcoming_sessions(level, commune):
    """The next sessions every provider suggests for `level` near `commune` (or None), soonest first."""
    sessions = [UpcomingSession(*item) for provider in _sessions_providers for item in provider(level, commune)]
    return sorted(sessions, key=lambda session: session.date)[:MAX_SESSIONS]
