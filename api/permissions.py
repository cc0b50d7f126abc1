"""Who may do what with the API's tokens."""

from accounts.permissions import sees_whole_departement


def can_manage_tokens(user):
    """Coordinators and administrators create and revoke the tokens of partners' systems; nobody else sees them
    (a token reads every figure of its organisation)."""
    return sees_whole_departement(user)
