"""Who may do what with person records. Each predicate states its rule in its docstring. Reading a person is
always through `Person.objects.visible_to(user)`: a person outside it answers 404."""

from accounts.models import Role
from accounts.permissions import sees_whole_departement
from people.models import PERSONAL_DATA_ROLES


def person_organizations(user):
    """The organisations through which a user works with people: those where they are prescriber, mediator or
    organisation admin."""
    if not user.is_authenticated:
        return []
    organizations = {
        m.organization_id: m.organization for m in user.cached_memberships if m.role in PERSONAL_DATA_ROLES
    }
    return sorted(organizations.values(), key=lambda o: o.name)


def can_see_some_person(user):
    """Coordinators, administrators, and prescribers, mediators and organisation admins (for the people involved
    with their organisation). Partner viewers and refurbishers never see personal data."""
    return sees_whole_departement(user) or bool(person_organizations(user))


def creation_organizations(user):
    """The organisations a user may record as involved when creating a person: those where they are prescriber,
    mediator, organisation admin or coordinator (a record always has an organisation involved)."""
    if not user.is_authenticated:
        return []
    roles = PERSONAL_DATA_ROLES | {Role.COORDINATOR}
    organizations = {m.organization_id: m.organization for m in user.cached_memberships if m.role in roles}
    return sorted(organizations.values(), key=lambda o: o.name)


def can_create_person(user):
    """Prescribers, mediators, organisation admins and coordinators create records for their organisation;
    administrators without a membership and partner viewers or refurbishers do not."""
    return bool(creation_organizations(user))


def can_edit_person(user, person):
    """Whoever sees a person (see `PersonQuerySet.visible_to`) rectifies the record and records consents, unless it
    is anonymised."""
    from people.models import Person

    return not person.is_anonymized and Person.objects.visible_to(user).filter(pk=person.pk).exists()


def can_export_person(user, person):
    """The access right is served by whoever sees the person."""
    return can_edit_person(user, person)


def can_erase_person(user, person):
    """Erasure (right to be forgotten) is done by whoever sees the person: the professional in front of them."""
    return can_edit_person(user, person)


def can_merge_people(user):
    """Only coordinators and administrators review duplicates and merge records."""
    return sees_whole_departement(user)
