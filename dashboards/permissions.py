"""Who sees which dashboard. A dashboard shows aggregates only; the scope decides whose figures they are."""

from accounts.models import Role
from accounts.permissions import sees_whole_departement


def dashboard_organizations(user):
    """The organisations whose dashboard `user` may open: every organisation where they hold a role (partner
    viewers their partner organisation, the others their own organisation's places and activity)."""
    if not user.is_authenticated:
        return []
    seen = {}
    for membership in user.cached_memberships:
        seen.setdefault(membership.organization_id, membership)
    return [m.organization for m in sorted(seen.values(), key=lambda m: m.organization_id)]


def can_view_dashboards(user):
    """Coordinators and administrators (the whole département), and anyone holding a role in an organisation
    (that organisation's figures)."""
    return user.is_authenticated and (sees_whole_departement(user) or bool(user.cached_memberships))


def is_partner_view(user, organization):
    """A partner viewer's dashboard is masked (small counts hidden), like a shared one: the partner reads figures
    about people its own staff did not accompany."""
    return organization is not None and user.has_role(Role.PARTNER_VIEWER, organization=organization)


def can_view_coverage(user):
    """The coverage of the territory (public places, public population figures): every logged-in user with a
    role, and coordinators."""
    return can_view_dashboards(user)


def can_view_yearly_report(user):
    """The département's yearly report (bilan): coordinators and administrators."""
    return sees_whole_departement(user)


def can_manage_share_links(user, organization=None):
    """Coordinators share any dashboard; an organisation admin or a partner viewer shares their organisation's."""
    if sees_whole_departement(user):
        return True
    return organization is not None and user.has_role(Role.ORG_ADMIN, Role.PARTNER_VIEWER, organization=organization)


def can_import_ifn(user):
    """Only coordinators and administrators import the indice de fragilité numérique."""
    return sees_whole_departement(user)
