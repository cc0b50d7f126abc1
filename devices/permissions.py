"""Who may do what in the reconditionnement. Each predicate states its rule; reads go through the QuerySets'
`visible_to(user)` (outside it: 404)."""

from accounts.models import Role
from accounts.permissions import sees_whole_departement
from people.models import PERSONAL_DATA_ROLES


def _organization_ids(user, roles):
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    return {m.organization_id for m in user.cached_memberships if m.role in roles}


def workshop_ids(user):
    """The workshops (organisations) where `user` is workshop staff (role « atelier de reconditionnement »)."""
    return _organization_ids(user, {Role.REFURBISHER})


def is_workshop_staff(user):
    """Workshop staff: users holding the refurbisher role in an organisation."""
    return bool(workshop_ids(user))


def can_see_stock(user):
    """The stock, the donations and the request queue: workshop staff and the coordination."""
    return is_workshop_staff(user) or sees_whole_departement(user)


def can_run_workshop(user, workshop):
    """Only the staff of `workshop` record its donations and devices and move them through the workflow."""
    return workshop is not None and workshop.pk in workshop_ids(user)


def can_handle_device(user, device):
    """Only the staff of the workshop that received the device change its state (the coordination reads only)."""
    return device.donation.workshop_id in workshop_ids(user)


def can_serve_requests(user):
    """Reserving a device for a request and delivering it: workshop staff."""
    return is_workshop_staff(user)


def can_request_device(user):
    """« Demander un ordinateur »: prescribers, mediators and organisation admins, on behalf of their organisation."""
    return bool(_organization_ids(user, PERSONAL_DATA_ROLES))


def can_request_for(user, organization):
    return organization is not None and organization.pk in _organization_ids(user, PERSONAL_DATA_ROLES)


def acts_for_requester(user, device_request):
    """The requesting side: prescribers, mediators and organisation admins of the request's organisation."""
    return device_request.organization_id in _organization_ids(user, PERSONAL_DATA_ROLES)


def sees_full_identity(user, device_request):
    """The person's record (commune, usage, link to the person page): the requesting organisation and the
    coordination. The workshop sees only the name and the contact, to deliver."""
    return acts_for_requester(user, device_request) or sees_whole_departement(user)


def can_cancel_request(user, device_request):
    """The requesting organisation and the coordination may cancel a request not yet delivered; workshop staff only
    a request holding a device of their own workshop (the device goes back to their stock)."""
    if acts_for_requester(user, device_request) or sees_whole_departement(user):
        return True
    device = device_request.reserved_device
    return device is not None and can_handle_device(user, device)


def can_see_impact(user):
    """The impact figures (no personal data): workshop staff, the coordination and partner viewers."""
    return can_see_stock(user) or bool(_organization_ids(user, {Role.PARTNER_VIEWER}))


def can_configure(user):
    """The eligibility rules and the CO2e factor table: the coordination only."""
    return sees_whole_departement(user)


def can_log_work(user):
    """Hours of insertion work: workshop staff, for their own workshop."""
    return is_workshop_staff(user)


def can_set_priority(user):
    """The order of the queue: workshop staff and the coordination."""
    return is_workshop_staff(user) or sees_whole_departement(user)
