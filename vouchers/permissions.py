"""Who may do what with the Pass Numérique. Each predicate states its rule in its docstring; views, templates and
QuerySets reuse them. Reading goes through the `visible_to(user)` QuerySets of `vouchers.models`: an object outside
them answers 404."""

from accounts.models import Role
from accounts.permissions import sees_whole_departement
from people.models import PERSONAL_DATA_ROLES

# The place side: who records a pass at a place.
PLACE_SIDE_ROLES = {Role.MEDIATOR, Role.ORG_ADMIN}
# The prescriber side: who hands out books and confirms their receipt.
PRESCRIBER_SIDE_ROLES = {Role.PRESCRIBER, Role.MEDIATOR, Role.ORG_ADMIN}


def _organization_ids(user, roles):
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    return {m.organization_id for m in user.cached_memberships if m.role in roles}


def can_manage_vouchers(user):
    """Orders, allocations, shipments, statements and cancellations are the coordination's (coordinators and
    administrators)."""
    return user is not None and user.is_authenticated and user.is_active and sees_whole_departement(user)


def acts_for_place(user, place):
    """Mediators and organisation admins of the organisation that runs the place."""
    return place.organization_id is not None and place.organization_id in _organization_ids(user, PLACE_SIDE_ROLES)


def can_redeem_at(user, place):
    """Only a qualified place redeems passes (`Place.is_pass_qualified`), through its mediators and organisation
    admins."""
    return bool(place.is_pass_qualified) and acts_for_place(user, place)


def redemption_places(user):
    """The qualified places where the user may record passes."""
    from places.models import Place

    ids = _organization_ids(user, PLACE_SIDE_ROLES)
    if not ids:
        return Place.objects.none()
    return Place.objects.filter(organization_id__in=ids, is_pass_qualified=True).order_by("name", "pk")


def acts_for_organization(user, organization):
    """Prescribers, mediators and organisation admins act for their organisation's books."""
    return organization is not None and organization.pk in _organization_ids(user, PRESCRIBER_SIDE_ROLES)


def can_hand_out(user, book):
    """A book is handed out by a prescriber, mediator or organisation admin of the organisation that holds it."""
    return book.organization_id is not None and book.organization_id in _organization_ids(user, PRESCRIBER_SIDE_ROLES)


def can_confirm_receipt(user, shipment):
    """The receiving organisation's prescribers, mediators and admins confirm a receipt, or the coordination."""
    return can_manage_vouchers(user) or shipment.organization_id in _organization_ids(user, PRESCRIBER_SIDE_ROLES)


def can_see_holder(user, book):
    """Only the holder's prescriber organisation (its prescribers, mediators and admins) and the coordination see
    who holds a book. The sponsor, the funders and the places never do."""
    if sees_whole_departement(user):
        return True
    return book.organization_id is not None and book.organization_id in _organization_ids(user, PERSONAL_DATA_ROLES)


def can_cancel_redemption(user):
    """Only the coordination cancels a redemption (with a reason, logged)."""
    return can_manage_vouchers(user)


def can_see_statement(user, statement):
    """The coordination and the members of the organisation that runs the place."""
    return can_manage_vouchers(user) or statement.place.organization_id in _organization_ids(user, set(Role.values))


def can_see_figures(user):
    """The figures: the coordination, and the members of a sponsor, a funder or a partner organisation (their own
    orders' figures, scoped by `Order.objects.visible_to`)."""
    return sees_whole_departement(user) or bool(_organization_ids(user, set(Role.values)))


def works_for_a_place(user):
    """The « Encaisser un pass » menu entry: mediators and organisation admins (no database query: the page itself
    tells those whose organisation runs no qualified place)."""
    return bool(_organization_ids(user, PLACE_SIDE_ROLES))


def can_redeem_somewhere(user):
    """Whoever works for a qualified place (mediator or organisation admin) records passes there."""
    return redemption_places(user).exists()


def can_see_statements(user):
    """The statements page: the coordination (every place), and the people of a qualified place (theirs)."""
    return can_manage_vouchers(user) or can_redeem_somewhere(user)


def holds_books_side(user):
    """The « Mon stock » menu entry: prescribers, mediators and organisation admins (their organisation may receive
    books; the page says when it holds none)."""
    return bool(_organization_ids(user, PRESCRIBER_SIDE_ROLES))


def shows_figures_entry(user):
    """The « Chiffres Pass Numérique » menu entry: the coordination and the partner viewers (aggregates only)."""
    return can_manage_vouchers(user) or bool(_organization_ids(user, {Role.PARTNER_VIEWER}))
