"""Who may do what in accounts. Each predicate states its rule in its docstring; views, templates and
QuerySets reuse them."""

from accounts.models import Role


def is_administrator(user):
    """Administrators are the département's IT staff: active users flagged `is_staff`."""
    return user.is_authenticated and user.is_active and user.is_staff


def sees_whole_departement(user):
    """Coordinators (the département's team) and administrators see everything in the département."""
    return is_administrator(user) or (user.is_authenticated and user.has_role(Role.COORDINATOR))


def can_read_history(user):
    """Only coordinators and administrators read the audit trail."""
    return sees_whole_departement(user)
