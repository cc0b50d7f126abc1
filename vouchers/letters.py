"""The printable letter given with a book: what the person needs to use it — its passes (serial and QR code), the
dates, and the qualified places nearby. This module returns the data; the page (later) lays it out."""

from dataclasses import dataclass

from geo.distance import distance_km
from places.models import Place
from vouchers.models import euros
from vouchers.serials import format_serial, qr_svg
from vouchers.services import french_date

DEFAULT_RADIUS_KM = 30
DEFAULT_PLACE_COUNT = 8


@dataclass(frozen=True)
class NearbyPlace:
    name: str
    address: str
    postal_code: str
    commune_name: str
    phone: str
    opening_hours: str
    distance_km: float | None


def nearby_qualified_places(point, *, radius_km=DEFAULT_RADIUS_KM, limit=DEFAULT_PLACE_COUNT):
    """Published places qualified for the Pass Numérique, closest first within `radius_km` of `point`
    ((lat, lon)); without a point, the first `limit` by name."""
    places = Place.objects.published().filter(is_pass_qualified=True)
    if point is None:
        chosen = [(None, place) for place in places.order_by("name", "pk")[:limit]]
    else:
        candidates = places.within_box(point[0], point[1], radius_km)
        measured = [(distance_km(point, place.point), place) for place in candidates]
        chosen = sorted(
            [(d, place) for d, place in measured if d is not None and d <= radius_km], key=lambda pair: pair[0]
        )[:limit]
    return [
        NearbyPlace(
            name=place.name,
            address=" ".join(part for part in (place.address, place.address_complement) if part),
            postal_code=place.postal_code,
            commune_name=place.commune_name,
            phone=place.phone,
            opening_hours=place.opening_hours,
            distance_km=round(d, 1) if d is not None else None,
        )
        for d, place in chosen
    ]


def hand_out_letter(book, *, radius_km=DEFAULT_RADIUS_KM, limit=DEFAULT_PLACE_COUNT, with_qr=True):
    """Everything the letter shows, for a handed-out book (the caller has checked `can_see_holder`)."""
    order = book.order
    person = book.handed_to
    commune = person.commune if person is not None else None
    point = commune.point if commune is not None else None
    return {
        "person_name": str(person) if person is not None else "",
        "commune_name": commune.name if commune is not None else "",
        "book_serial": format_serial(book.serial),
        "sponsor": order.sponsor.name,
        "face_value": euros(order.face_value_cents),
        "book_value": euros(order.face_value_cents * order.passes_per_book),
        "valid_until": french_date(order.valid_until, with_year=True),
        "last_day": french_date(order.last_redemption_date, with_year=True),
        "handed_at": french_date(book.handed_at, with_year=True) if book.handed_at else "",
        "organization": book.organization.name if book.organization_id else "",
        "passes": [
            {
                "serial": format_serial(pass_obj.serial),
                "status": pass_obj.get_status_display(),
                "qr_svg": qr_svg(pass_obj.serial) if with_qr else "",
            }
            for pass_obj in book.passes.order_by("position")
        ],
        "places": nearby_qualified_places(point, radius_km=radius_km, limit=limit),
    }
