"""Who may do what with events. Each predicate states its rule in its docstring; views, templates and QuerySets
reuse them. The public calendar, event pages and self-registration need no account."""

from accounts.models import Role
from accounts.permissions import sees_whole_departement

__all__ = ["sees_whole_departement"]

ORGANIZER_ROLES = {Role.ORG_ADMIN}
REGISTERING_ROLES = {Role.PRESCRIBER, Role.MEDIATOR, Role.ORG_ADMIN}


def manager_organization_ids(user):
    """The organisations whose events `user` manages as their organisation admin."""
    if not user.is_authenticated:
        return set()
    return {m.organization_id for m in user.cached_memberships if m.role in ORGANIZER_ROLES}


def organizer_organizations(user):
    """The organisations `user` may name as organiser of a new event: every organisation they belong to for
    coordinators (the département's team organises in its own name), their own as organisation admin."""
    if not user.is_authenticated:
        return []
    roles = ORGANIZER_ROLES | ({Role.COORDINATOR} if user.has_role(Role.COORDINATOR) else set())
    organizations = {m.organization_id: m.organization for m in user.cached_memberships if m.role in roles}
    return sorted(organizations.values(), key=lambda o: o.name)


def can_manage_events(user):
    """Coordinators and administrators run events; an organisation admin runs the events of their organisation
    (creating one needs an organisation to organise it: see `organizer_organizations`)."""
    return sees_whole_departement(user) or bool(manager_organization_ids(user))


def can_create_event(user):
    """Whoever has an organisation to name as organiser (see `organizer_organizations`)."""
    return bool(organizer_organizations(user))


def can_manage_event(user, event):
    """Coordinators and administrators manage every event; an organisation admin the events their organisation
    organises."""
    return sees_whole_departement(user) or event.organizer_id in manager_organization_ids(user)


def can_register_someone(user):
    """Prescribers, mediators and organisation admins register the people they accompany (and coordinators)."""
    if not user.is_authenticated:
        return False
    return sees_whole_departement(user) or any(m.role in REGISTERING_ROLES for m in user.cached_memberships)


def can_register_person(user, person):
    """« Inscrire à un événement »: someone allowed to register others (`can_register_someone`) who sees the person
    (`Person.objects.visible_to`), when the record is not anonymised."""
    from people.models import Person

    return (
        person.anonymized_at is None
        and can_register_someone(user)
        and Person.objects.visible_to(user).filter(pk=person.pk).exists()
    )
