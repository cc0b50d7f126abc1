"""Reminding the people whose book has not been used: a book handed out `REMIND_AFTER_DAYS` days ago or more,
no pass used, order still open (`vouchers.figures.unused_books`), never reminded (`Book.reminded_at`).

Each person is reached through their contact preference — the one of the referral the book goes with, otherwise
what their record allows — and only with their consent to be contacted (`Consent.Purpose.CONTACT`):
- by SMS (a French mobile number; sent by a background task through `core.sms`);
- by e-mail;
- otherwise (« passer par le prescripteur », courrier, no consent, no usable contact) the prescriber organisation
  holding the book is told instead, in one e-mail listing its books to follow up.
Messages never name the person. `remind_unused_books` is idempotent: a reminded book is not reminded again."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.emails import absolute_url, send_after_commit
from core import sms
from core.history import record
from people.models import Consent
from referrals.models import Referral
from vouchers.emails import prescriber_addresses
from vouchers.figures import unused_books
from vouchers.models import Book
from vouchers.serials import format_serial
from vouchers.services import french_date

REMIND_AFTER_DAYS = 30
SMS, EMAIL, PRESCRIBER = "sms", "email", "prescriber"
CHANNEL_LABELS = {SMS: "SMS", EMAIL: "e-mail", PRESCRIBER: "par le prescripteur"}


@dataclass(frozen=True)
class Reminder:
    book_id: int
    book_serial: str
    organization_id: int
    channel: str

    def __str__(self):
        return f"carnet {format_serial(self.book_serial)} : rappel {CHANNEL_LABELS[self.channel]}"


def books_to_remind(now=None):
    """The books to remind today, with `contact_consent` annotated."""
    now = now or timezone.now()
    contact = Consent.objects.filter(
        person=OuterRef("handed_to"), purpose=Consent.Purpose.CONTACT, withdrawn_at__isnull=True
    )
    return (
        unused_books(Book.objects.all(), handed_before=now - timedelta(days=REMIND_AFTER_DAYS))
        .filter(reminded_at__isnull=True, handed_to__anonymized_at__isnull=True)
        .annotate(contact_consent=Exists(contact))
        .select_related("referral")
    )


def channel_for(book):
    """How to reach the holder of `book` (annotated with `contact_consent`)."""
    person = book.handed_to
    if person.no_direct_contact or not getattr(book, "contact_consent", False):
        return PRESCRIBER
    mobile = sms.normalize_phone(person.phone)
    preference = book.referral.contact_preference if book.referral_id else None
    P = Referral.ContactPreference
    if preference in (P.PRESCRIBER, P.POST):
        return PRESCRIBER
    if preference == P.EMAIL and person.email:
        return EMAIL
    if mobile:
        return SMS
    if person.email:
        return EMAIL
    return PRESCRIBER


def sms_text(book):
    order = book.order
    return (
        f"Bonjour, votre carnet Pass Numérique remis le {french_date(book.handed_at)} n'a pas encore servi. "
        f"Ses pass paient des ateliers numériques dans un lieu qualifié, jusqu'au "
        f"{french_date(order.valid_until, with_year=True)}. {book.organization.name} peut vous indiquer un lieu."
    )


def _email_person(book):
    body = render_to_string(
        "vouchers/emails/reminder_person.txt",
        {
            "book": book,
            "order": book.order,
            "platform_name": settings.PLATFORM_NAME,
            "serial": format_serial(book.serial),
        },
    )
    send_after_commit(
        subject="Votre carnet Pass Numérique vous attend", body=body, recipient_list=[book.handed_to.email]
    )


def _sms_person(book):
    from accounts.tasks import send_sms

    to, text = sms.normalize_phone(book.handed_to.phone), sms_text(book)
    transaction.on_commit(lambda: send_sms.enqueue(to=to, text=text))


def _email_prescribers(organization_id, books):
    body = render_to_string(
        "vouchers/emails/reminder_prescriber.txt",
        {
            "organization": books[0].organization,
            "books": [(format_serial(book.serial), french_date(book.handed_at, with_year=True)) for book in books],
            "stock_url": absolute_url(reverse("vouchers:my_stock")),
            "platform_name": settings.PLATFORM_NAME,
        },
    )
    send_after_commit(
        subject=f"Pass Numérique : {len(books)} carnet(s) remis jamais utilisé(s)",
        body=body,
        recipient_list=prescriber_addresses([organization_id]),
    )


def remind_unused_books(*, now=None, wet_run=False):
    """The reminders due (a list of `Reminder`); with `wet_run`, send them and remember them
    (`Book.reminded_at`, one history row per book). Idempotent."""
    now = now or timezone.now()
    planned = [
        (book, channel_for(book)) for book in books_to_remind(now).select_related("handed_to", "organization", "order")
    ]
    reminders = [Reminder(book.pk, book.serial, book.organization_id, channel) for book, channel in planned]
    if not wet_run:
        return reminders
    through_prescriber = defaultdict(list)
    done = []
    for book, channel in planned:
        with transaction.atomic():
            # Claim the book: a second run (or a concurrent one) finds it reminded and skips it.
            if not Book.objects.filter(pk=book.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue
            if channel == SMS:
                _sms_person(book)
            elif channel == EMAIL:
                _email_person(book)
            else:
                through_prescriber[book.organization_id].append(book)
            record(book, "voucher_book_reminded", acting_user=None, changes={"canal": CHANNEL_LABELS[channel]})
        done.append(Reminder(book.pk, book.serial, book.organization_id, channel))
    for organization_id, books in through_prescriber.items():
        with transaction.atomic():
            _email_prescribers(organization_id, books)
    return done
