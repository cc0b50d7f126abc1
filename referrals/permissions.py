"""Who may act on a referral. Each predicate states its rule. Reading always goes through
`Referral.objects.visible_to(user)`: a referral outside it answers 404."""

from accounts.models import Role
from accounts.permissions import sees_whole_departement
from people.models import PERSONAL_DATA_ROLES

PLACE_SIDE_ROLES = {Role.MEDIATOR, Role.ORG_ADMIN}


def _organization_ids(user, roles):
    if not user.is_authenticated or not user.is_active:
        return set()
    return {m.organization_id for m in user.cached_memberships if m.role in roles}


def can_send_referral(user, organization):
    """Prescribers, mediators and organisation admins send referrals on behalf of their organisation."""
    return organization is not None and organization.pk in _organization_ids(user, PERSONAL_DATA_ROLES)


def acts_for_prescriber(user, referral):
    """The prescriber side: prescribers, mediators and organisation admins of the prescriber's organisation."""
    return referral.prescriber_organization_id in _organization_ids(user, PERSONAL_DATA_ROLES)


def acts_for_place(user, referral):
    """The place side: mediators and organisation admins of the organisation that runs the target place."""
    place = referral.target_place
    if place is None or place.organization_id is None:
        return False
    return place.organization_id in _organization_ids(user, PLACE_SIDE_ROLES)


def can_dispatch(user):
    """Only the coordination (coordinators and administrators) dispatches referrals sent « au réseau »."""
    return sees_whole_departement(user)


def can_transfer(user, referral):
    """The place side (it knows a better place) or the coordination transfers a referral to another place."""
    return acts_for_place(user, referral) or sees_whole_departement(user)


def can_expire(user):
    """Expiry is the timer's job (`acting_user=None`); the coordination may also expire a referral by hand."""
    return user is None or sees_whole_departement(user)


def can_comment(user, referral):
    """Both sides and the coordination write in the thread."""
    return acts_for_prescriber(user, referral) or acts_for_place(user, referral) or sees_whole_departement(user)


def can_see_sent_referrals(user):
    """« Mes orientations »: prescribers, mediators and organisation admins (their organisation's referrals)."""
    return bool(_organization_ids(user, PERSONAL_DATA_ROLES))


def can_see_some_inbox(user):
    """The places' inboxes: mediators and organisation admins of an organisation (its places' referrals)."""
    return bool(_organization_ids(user, PLACE_SIDE_ROLES))


def can_see_all_referrals(user):
    """The coordination's view of every referral of the département."""
    return sees_whole_departement(user)
