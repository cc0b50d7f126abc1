"""Who may do what with places. Each predicate states its rule in its docstring; views, templates, services and
QuerySets reuse them."""

from accounts.models import Role
from accounts.permissions import sees_whole_departement

EDITOR_ROLES = (Role.MEDIATOR, Role.ORG_ADMIN)


def can_moderate_places(user):
    """Coordinators (and administrators) publish drafts, handle every error report and watch stale places."""
    return sees_whole_departement(user)


def can_edit_place(user, place):
    """Coordinators and administrators edit every place; mediators and organisation admins edit the places of their
    organisation."""
    if not user.is_authenticated:
        return False
    if can_moderate_places(user):
        return True
    return place.organization_id is not None and any(
        m.role in EDITOR_ROLES and m.organization_id == place.organization_id for m in user.cached_memberships
    )


def can_create_place(user):
    """Coordinators and administrators, and mediators or organisation admins of any organisation (for it)."""
    return user.is_authenticated and (can_moderate_places(user) or user.has_role(*EDITOR_ROLES))


def can_edit_some_place(user):
    """Whether the user has « Mes lieux » at all: whoever may create a place."""
    return can_create_place(user)


def can_publish_place(user, place):
    """Only coordinators and administrators publish (or republish) a place: new places wait for them."""
    return can_moderate_places(user)


def can_archive_place(user, place):
    """Whoever may edit the place may archive it (the place closed, moved…)."""
    return can_edit_place(user, place)


def can_set_network_flags(user):
    """« Qualifié Pass Numérique » and « membre du réseau » are set by coordinators and administrators only."""
    return can_moderate_places(user)


def can_handle_error_report(user, report):
    """Whoever may edit the place handles the reports about it."""
    return can_edit_place(user, report.place)


def organizations_for_new_place(user):
    """Organisations the user may attach a new place to: all for coordinators, else those where they are mediator
    or organisation admin."""
    from accounts.models import Organization

    if can_moderate_places(user):
        return Organization.objects.all()
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=user, memberships__role__in=EDITOR_ROLES).distinct()
