"""The Pass Numérique's part of the person record (registered in apps.py): the timeline's events, the access-right
export and the move of books when two records are merged. Nothing here holds free text about the person, so there
is nothing to blank on erasure: the books stay, linked to the anonymised record, for the statistics."""

from django.urls import reverse

from people.timeline import TimelineEvent
from vouchers.models import Book, Redemption
from vouchers.permissions import can_see_holder
from vouchers.serials import format_serial


def timeline_events(person, viewer):
    """The person's books and the uses of their passes, for a `viewer` who may see who holds the book (the holder's
    prescriber organisation and the coordination: `vouchers.permissions.can_see_holder`)."""
    books = [
        book
        for book in Book.objects.filter(handed_to=person).select_related("organization")
        if viewer is not None and can_see_holder(viewer, book)
    ]
    if not books:
        return []
    events = [
        TimelineEvent(
            date=book.handed_at,
            label=f"Carnet Pass Numérique {format_serial(book.serial)} remis par {book.organization}",
            url=reverse("vouchers:letter", args=[book.pk]),
            module="Pass Numérique",
        )
        for book in books
    ]
    redemptions = Redemption.objects.active().filter(pass_obj__book__in=books).select_related("place")
    events.extend(
        TimelineEvent(
            date=redemption.at,
            label=f"Pass utilisé à {redemption.place.name} ({redemption.service})",
            url=None,
            module="Pass Numérique",
        )
        for redemption in redemptions
    )
    return events


def export_books(person):
    books = Book.objects.filter(handed_to=person).select_related("order", "organization").order_by("handed_at")
    return [
        {
            "carnet": format_serial(book.serial),
            "remis_le": book.handed_at.isoformat(),
            "par": book.organization.name if book.organization else None,
            "commanditaire": book.order.sponsor.name,
            "public": book.public,
            "pass": [
                {
                    "numero": format_serial(pass_obj.serial),
                    "statut": pass_obj.get_status_display(),
                    "utilise_le": pass_obj.redeemed_at.isoformat() if pass_obj.redeemed_at else None,
                    "service": pass_obj.service,
                }
                for pass_obj in book.passes.order_by("position")
            ],
        }
        for book in books
    ]


def move_books(duplicate, into, *, acting_user):
    return {"carnets_pass_numerique": Book.objects.filter(handed_to=duplicate).update(handed_to=into)}
