"""URL samples of the diagnostic pages (merged by url_samples.py)."""

from tests.people.factories import ConsentFactory, PersonFactory


def _person(user):
    """A person the user's organisation is involved with, so prescribers, mediators and organisation admins get the
    questionnaire; coordinators and administrators see the person but do not attach diagnostics (403); the others
    do not see the person (404)."""
    membership = user.memberships.first() if user is not None else None
    person = PersonFactory(involved=membership.organization if membership else None)
    ConsentFactory(person=person)
    return {"person_pk": person.pk}


SAMPLES = {"orientation:diagnostic_person": _person}

PUBLIC = {
    "orientation:diagnostic": "diagnostic numérique pour le public, sans compte",
    "orientation:diagnostic_result": "résultat du diagnostic public (réponses dans l'adresse, rien n'est gardé)",
}

EXPECTED_STATUS = {
    "orientation:diagnostic_person": {
        "prescriber": {200},
        "mediator": {200},
        "org_admin": {200},
        "coordinator": {403},
        "administrator": {403},
        "partner_viewer": {404},
        "refurbisher": {404},
    },
}
