"""What the URL walker (tests/site_map.py) needs to request the person pages: a person the user's organisation is
involved with, so prescribers, mediators and organisation admins get the page; the others get 404 (or 403)."""

from tests.people.factories import ConsentFactory, PersonFactory


def _person(user):
    membership = user.memberships.first() if user is not None else None
    person = PersonFactory(involved=membership.organization if membership else None)
    ConsentFactory(person=person)
    return {"pk": person.pk}


def _person_with_duplicate(user):
    """A person with a look-alike (same phone), for the merge page."""
    membership = user.memberships.first() if user is not None else None
    PersonFactory(first_name="Fatima", last_name="Benali", phone="+33612345678", birth_year=1960)
    duplicate = PersonFactory(
        first_name="Fatima",
        last_name="Ben Ali",
        phone="+33612345678",
        involved=membership.organization if membership else None,
    )
    return {"pk": duplicate.pk}


SAMPLES = {
    "people:detail": _person,
    "people:edit": _person,
    "people:consent": _person,
    "people:export": _person,
    "people:erase": _person,
    "people:merge": _person_with_duplicate,
}

STATUS_ONLY = {"people:export": "JSON à télécharger (droit d'accès)"}

SKIP = {"people:consent_withdraw": "POST seulement"}

_PEOPLE_ROLES = {"prescriber": {200}, "mediator": {200}, "org_admin": {200}}
_NO_PERSONAL_DATA = {"partner_viewer": {403}, "refurbisher": {403}}

EXPECTED_STATUS = {
    "people:list": {**_PEOPLE_ROLES, **_NO_PERSONAL_DATA, "coordinator": {200}, "administrator": {200}},
    "people:create": {**_PEOPLE_ROLES, **_NO_PERSONAL_DATA, "coordinator": {200}, "administrator": {403}},
    "people:detail": {**_PEOPLE_ROLES, "partner_viewer": {404}, "refurbisher": {404}},
    "people:edit": {**_PEOPLE_ROLES, "partner_viewer": {404}, "refurbisher": {404}},
    "people:consent": {**_PEOPLE_ROLES, "partner_viewer": {404}, "refurbisher": {404}},
    "people:export": {**_PEOPLE_ROLES, "partner_viewer": {404}, "refurbisher": {404}},
    "people:erase": {**_PEOPLE_ROLES, "partner_viewer": {404}, "refurbisher": {404}},
    "people:duplicates": {"coordinator": {200}, "administrator": {200}, "*": {403}},
    "people:merge": {"coordinator": {200}, "administrator": {200}, "*": {403}},
}
