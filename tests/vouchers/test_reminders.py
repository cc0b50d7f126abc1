"""Reminders to the people whose book has not been used: through their contact preference and consent, or through
the prescriber organisation; idempotent; dry run unless `--wet-run`."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role
from core import sms
from core.models import HistoryEntry
from people.models import Consent
from tests.accounts.factories import UserFactory
from tests.people.factories import PersonFactory
from tests.referrals.factories import ReferralFactory
from tests.vouchers.factories import BookFactory, first_pass, qualified_place
from vouchers import reminders
from vouchers.models import Book, Pass, Redemption


def handed_book(days_ago=40, *, consent=True, **person_fields):
    book = BookFactory(received=True)
    person = PersonFactory(involved=book.organization, **person_fields)
    if consent:
        Consent.objects.create(person=person, purpose=Consent.Purpose.CONTACT, method=Consent.Method.WRITTEN)
    moment = timezone.now() - timedelta(days=days_ago)
    Book.objects.filter(pk=book.pk).update(status=Book.Status.HANDED_OUT, handed_to=person, handed_at=moment)
    book.refresh_from_db()
    return book


def run(*args):
    output = io.StringIO()
    call_command("remind_unused_books", *args, stdout=output)
    return output.getvalue()


def test_a_dry_run_lists_and_changes_nothing(django_capture_on_commit_callbacks):
    book = handed_book(phone="06 12 34 56 78")
    with django_capture_on_commit_callbacks(execute=True):
        output = run()
    assert "[simulation]" in output and "rappel SMS" in output
    book.refresh_from_db()
    assert book.reminded_at is None and not sms.outbox


def test_each_person_is_reached_through_their_preference_once(django_capture_on_commit_callbacks, settings):
    settings.SMS_BACKEND = "memory"
    by_sms = handed_book(phone="06 12 34 56 78")
    by_email = handed_book(phone="", email="josiane@example.org")
    no_consent = handed_book(phone="06 98 76 54 32", consent=False)
    through = handed_book(no_direct_contact=True)
    referral = ReferralFactory(contact_preference="prescriber")
    prefers_prescriber = handed_book(phone="06 11 11 11 11")
    Book.objects.filter(pk=prefers_prescriber.pk).update(referral=referral)
    too_recent = handed_book(days_ago=5, phone="06 22 22 22 22")
    started = handed_book(phone="06 33 33 33 33")
    pass_obj = first_pass(started)
    place = qualified_place()
    Redemption.objects.create(
        pass_obj=pass_obj, place=place, service="Aide aux démarches administratives", amount_cents=1000
    )
    Pass.objects.filter(pk=pass_obj.pk).update(
        status="redeemed",
        redeemed_at=timezone.now(),
        redeemed_place=place,
        service="Aide aux démarches administratives",
    )
    prescriber = UserFactory(role=Role.PRESCRIBER, organization=through.organization, email="presc@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        output = run("--wet-run")
    assert "5 rappel(s) envoyé(s)." in output
    assert [message.to for message in sms.outbox] == ["+33612345678"]
    assert "n'a pas encore servi" in sms.outbox[0].text
    person_mails = [m for m in mail.outbox if m.to == ["josiane@example.org"]]
    assert len(person_mails) == 1 and "Votre carnet Pass Numérique vous attend" in person_mails[0].subject
    to_prescriber = [m for m in mail.outbox if prescriber.email in m.to]
    assert len(to_prescriber) == 1 and "jamais utilisé" in to_prescriber[0].subject
    assert str(through.handed_to.first_name) not in to_prescriber[0].body  # never the person's name
    reminded = set(Book.objects.filter(reminded_at__isnull=False).values_list("pk", flat=True))
    assert reminded == {by_sms.pk, by_email.pk, no_consent.pk, through.pk, prefers_prescriber.pk}
    assert too_recent.pk not in reminded and started.pk not in reminded
    assert HistoryEntry.objects.filter(action="voucher_book_reminded").count() == 5

    sms.outbox.clear()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert "Aucun carnet à rappeler." in run("--wet-run")
    assert not sms.outbox and not mail.outbox


@pytest.mark.parametrize(
    ("fields", "consent", "expected"),
    [
        ({"phone": "06 12 34 56 78"}, True, reminders.SMS),
        ({"phone": "05 53 00 00 00", "email": "a@example.org"}, True, reminders.EMAIL),
        ({"phone": "05 53 00 00 00"}, True, reminders.PRESCRIBER),
        ({"phone": "06 12 34 56 78"}, False, reminders.PRESCRIBER),
        ({"no_direct_contact": True}, True, reminders.PRESCRIBER),
    ],
)
def test_the_channel_follows_the_contact_preference(fields, consent, expected):
    handed_book(consent=consent, **fields)
    book = reminders.books_to_remind().select_related("handed_to").get()
    assert reminders.channel_for(book) == expected
