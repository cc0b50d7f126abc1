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


def is_member(user, organization):
    """A user belongs to an organisation when they hold any role in it."""
    return user.is_authenticated and user.memberships.filter(organization=organization).exists()


def can_view_organization(user, organization):
    """Anyone who sees it in `Organization.objects.visible_to(user)`: coordinators and administrators see every
    organisation, other users their own plus partners and network members."""
    from accounts.models import Organization

    return Organization.objects.visible_to(user).filter(pk=organization.pk).exists()


def can_view_members(user, organization):
    """The list of members is shown to coordinators, administrators and the organisation's own members."""
    return sees_whole_departement(user) or is_member(user, organization)


def can_manage_organization(user, organization):
    """Coordinators and administrators manage every organisation; an organisation admin manages theirs
    (invitations, memberships)."""
    return sees_whole_departement(user) or (
        user.is_authenticated and user.has_role(Role.ORG_ADMIN, organization=organization)
    )


def can_create_organization(user):
    """Only coordinators and administrators create organisations."""
    return sees_whole_departement(user)


def can_edit_organization(user, organization):
    """Coordinators and administrators edit every organisation; an organisation admin edits their own."""
    return can_manage_organization(user, organization)


def can_set_network_flags(user):
    """Partner and network-member flags are set by coordinators and administrators only."""
    return sees_whole_departement(user)


def can_invite(user, organization):
    """Coordinators and administrators invite into any organisation; an organisation admin into their own."""
    return can_manage_organization(user, organization)


def grantable_roles(user, organization):
    """Roles the user may give in this organisation: all for coordinators and administrators; every role but
    coordinator for an organisation admin; none for anyone else."""
    if sees_whole_departement(user):
        return list(Role)
    if can_manage_organization(user, organization):
        return [role for role in Role if role != Role.COORDINATOR]
    return []


def can_grant_role(user, organization, role):
    """See `grantable_roles`."""
    return role in grantable_roles(user, organization)


def can_manage_invitation(user, invitation):
    """Revoking or resending an invitation is for whoever may invite into its organisation."""
    return can_invite(user, invitation.organization)


def can_remove_membership(user, membership):
    """Coordinators, administrators and the organisation's admins remove a membership; only coordinators and
    administrators remove a coordinator."""
    if membership.role == Role.COORDINATOR:
        return sees_whole_departement(user)
    return can_manage_organization(user, membership.organization)


def can_manage_any_organization(user):
    """Whether the user has the invitation list at all: coordinators, administrators and organisation admins."""
    return sees_whole_departement(user) or (user.is_authenticated and user.has_role(Role.ORG_ADMIN))
