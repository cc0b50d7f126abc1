"""Who may do what in the fund. Each predicate states its rule in its docstring."""

from accounts.models import Role
from accounts.permissions import sees_whole_departement

# Members of a structure who may apply for it and follow its grants.
APPLICANT_ROLES = {Role.ORG_ADMIN, Role.PRESCRIBER, Role.MEDIATOR}


def manages_fund(user):
    """The fund is run by the coordination: coordinators and administrators manage contributions, calls, review
    applications (they are the reviewers), decide in committee and record payments."""
    return sees_whole_departement(user)


def can_review(user):
    """Reviewers are the coordinators (and administrators)."""
    return manages_fund(user)


def can_decide(user):
    """The committee decision is recorded by a coordinator (or an administrator)."""
    return manages_fund(user)


def applicant_organizations(user):
    """The organisations `user` may apply for: those where they are organisation admin, prescriber or mediator."""
    from accounts.models import Organization

    if not user.is_authenticated:
        return Organization.objects.none()
    ids = {m.organization_id for m in user.cached_memberships if m.role in APPLICANT_ROLES}
    return Organization.objects.filter(pk__in=ids)


def can_apply(user):
    """Anyone holding an applicant role (organisation admin, prescriber, mediator) in some structure."""
    return user.is_authenticated and any(m.role in APPLICANT_ROLES for m in user.cached_memberships)


def acts_for_applicant(user, application):
    """The applicant side: an organisation admin, prescriber or mediator of the applicant structure."""
    return user.is_authenticated and any(
        m.organization_id == application.organization_id and m.role in APPLICANT_ROLES for m in user.cached_memberships
    )


def can_edit_application(user, application):
    """The applicant side edits its application while it is a draft or while more information is requested."""
    return acts_for_applicant(user, application) and application.is_editable


def can_view_funder_report(user, funder):
    """A funder's report is read by the coordination and by the members of the funder's own organisation."""
    if manages_fund(user):
        return True
    return (
        user.is_authenticated
        and funder.organization_id is not None
        and any(m.organization_id == funder.organization_id for m in user.cached_memberships)
    )
