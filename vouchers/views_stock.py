"""The prescriber side: « Mon stock » (books on their way, held, handed out), confirming a receipt, handing a book
to a person (from the person's record or from the stock) and the printable letter given with the book.

Books are read through `Book.objects.visible_to(user)` and people through `Person.objects.visible_to(user)`
(outside them: 404); acting needs the predicates of `vouchers.permissions` (403). Who holds a book is shown only to
`can_see_holder`."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Organization
from core.pagination import paginate
from people.models import Person
from referrals.models import Referral
from vouchers import letters, services
from vouchers.forms import HandOutForm, PersonSearchForm
from vouchers.models import Book, Shipment
from vouchers.permissions import (
    PRESCRIBER_SIDE_ROLES,
    acts_for_organization,
    can_confirm_receipt,
    can_manage_vouchers,
    can_see_holder,
    holds_books_side,
)

SEARCH_RESULTS = 20
RECENT_HAND_OUTS = 20


def day_to_datetime(day):
    """A day typed in a form as an aware datetime: now for today, noon (local time) for another day."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _stock_organizations(user):
    ids = {m.organization_id for m in user.cached_memberships if m.role in PRESCRIBER_SIDE_ROLES}
    return Organization.objects.filter(pk__in=ids).order_by("name", "pk")


def held_books(user):
    """The books the user's organisations hold (received, not handed out), the ones closest to their end first."""
    organizations = _stock_organizations(user)
    return (
        Book.objects.visible_to(user)
        .filter(organization__in=organizations, status=Book.Status.RECEIVED)
        .select_related("order", "organization")
        .order_by("order__valid_until", "serial")
    )


def my_stock(request):
    """« Mon stock »: for each organisation the user acts for, the shipments to confirm, the books held and the
    last hand-outs."""
    organizations = list(_stock_organizations(request.user))
    if not organizations:
        raise PermissionDenied
    pending = (
        Shipment.objects.filter(organization__in=organizations, received_at__isnull=True)
        .select_related("order", "organization")
        .order_by("shipped_at", "pk")
    )
    books = paginate(request, held_books(request.user), per_page=50)
    handed = (
        Book.objects.visible_to(request.user)
        .filter(organization__in=organizations, status=Book.Status.HANDED_OUT)
        .select_related("handed_to", "order")
        .order_by("-handed_at", "-pk")[:RECENT_HAND_OUTS]
    )
    return render(
        request,
        "vouchers/stock/mine.html",
        {
            "organizations": organizations,
            "pending": pending,
            "page": books,
            "handed": handed,
            "search_form": PersonSearchForm(),
        },
    )


@require_POST
def shipment_receive(request, pk):
    """The receiving organisation confirms that the books arrived."""
    if not (can_manage_vouchers(request.user) or holds_books_side(request.user)):
        raise PermissionDenied
    shipment = get_object_or_404(Shipment, pk=pk)
    if not can_confirm_receipt(request.user, shipment):
        raise Http404  # another organisation's shipment: as if it did not exist
    try:
        services.confirm_receipt(shipment, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"Réception de {shipment.book_count} carnet(s) confirmée : ils sont dans votre stock."
        )
    if can_manage_vouchers(request.user) and not acts_for_organization(request.user, shipment.organization):
        return redirect("vouchers:order_detail", pk=shipment.order_id)
    return redirect("vouchers:my_stock")


def hand_out_search(request):
    """From « Mon stock »: find the person (among those the user sees) to hand a book to."""
    if not _stock_organizations(request.user).exists():
        raise PermissionDenied
    form = PersonSearchForm(request.GET if "q" in request.GET else None)
    people = []
    if form.is_valid():
        people = list(
            Person.objects.visible_to(request.user)
            .search(form.cleaned_data["q"])
            .select_related("commune")
            .order_by("last_name", "first_name", "pk")[:SEARCH_RESULTS]
        )
    return render(
        request,
        "vouchers/stock/search.html",
        {
            "form": form,
            "people": people,
            "searched": form.is_bound,
            "book": request.GET["carnet"] if request.GET.get("carnet", "").isdigit() else "",
        },
    )


def can_hand_out_to(user, person):
    """The person action « Remettre un carnet Pass Numérique »: prescribers, mediators and organisation admins
    (their organisations may hold books; the page says when they hold none)."""
    return holds_books_side(user)


def hand_out(request, person_pk):
    """Hand a book held by the user's organisations to a person (eligibility checked by the service, refusals in
    French); then the printable letter."""
    if not holds_books_side(request.user):
        raise PermissionDenied
    person = get_object_or_404(Person.objects.visible_to(request.user).select_related("commune"), pk=person_pk)
    books = held_books(request.user)
    referrals = Referral.objects.visible_to(request.user).filter(person=person).order_by("-sent_at", "-pk")
    initial = {}
    if request.GET.get("carnet", "").isdigit():
        initial["book"] = int(request.GET["carnet"])
    form = HandOutForm(request.POST or None, books=books, referrals=referrals, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            book = services.hand_out_book(
                data["book"],
                acting_user=request.user,
                person=person,
                referral=data["referral"],
                public=data["public"],
            )
        except ValidationError as error:
            form.add_error("public" if error.code == "public" else None, error)
        else:
            messages.success(request, f"{book} remis à {person}. Imprimez le courrier et donnez-le avec le carnet.")
            return redirect("vouchers:letter", pk=book.pk)
    return render(
        request,
        "vouchers/stock/hand_out.html",
        {
            "person": person,
            "form": form,
            "has_books": books.exists(),
            "breadcrumbs": [
                ("Personnes", reverse("people:list")),
                (str(person), reverse("people:detail", args=[person.pk])),
            ],
        },
    )


def letter(request, pk):
    """The printable letter of a handed-out book: its passes and QR codes, the dates, the qualified places nearby.
    Only for who may see the holder (the holder's organisation and the coordination)."""
    book = get_object_or_404(
        Book.objects.visible_to(request.user).select_related("order__sponsor", "organization", "handed_to__commune"),
        pk=pk,
        status=Book.Status.HANDED_OUT,
    )
    if not can_see_holder(request.user, book):
        raise PermissionDenied
    return render(request, "vouchers/stock/letter.html", {"book": book, "letter": letters.hand_out_letter(book)})
