"""Referral notifications: who is told, how (preferences, SMS, answer links for the place's public addresses), what
the messages say (never the person's name) and when (only after the change is committed)."""

import pytest
from django.core import mail
from django.db import transaction

from accounts.models import PendingNotification, Role
from core import sms
from referrals import links, services
from referrals.models import ReferralLink
from referrals.notifications import notify
from tests.accounts.factories import UserFactory
from tests.places.factories import PlaceFactory
from tests.referrals.factories import ReferralFactory, place_user


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """notify() as the services call it: its e-mails and SMS leave when the transaction commits."""

    def run(referral, event, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            notify(referral, event, **kwargs)

    return run


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_prescriber_side_falls_back_to_the_organisation_prescribers(send):
    referral = ReferralFactory(accepted=True)
    colleague = UserFactory(prescriber=True, organization=referral.prescriber_organization)
    UserFactory(mediator=True, organization=referral.prescriber_organization)  # not a prescriber
    referral.prescriber.is_active = False
    referral.prescriber.save(update_fields=["is_active"])
    send(referral, "accepted")
    assert recipients() == [colleague.email]
    assert "acceptée" in mail.outbox[0].subject


def test_network_referral_has_no_place_recipient(send):
    referral = ReferralFactory(to_network=True)
    send(referral, "sent")
    assert mail.outbox == []
    assert not ReferralLink.objects.exists()


def test_place_side_accounts_follow_their_preferences(send):
    referral = ReferralFactory(target_place__emails=[])
    mediator = place_user(referral)
    admin = place_user(referral, role=Role.ORG_ADMIN)
    daily = UserFactory(mediator=True, organization=referral.target_place.organization, email_frequency="daily")
    UserFactory(mediator=True, organization=referral.target_place.organization, is_active=False)
    UserFactory(prescriber=True, organization=referral.target_place.organization)  # not the place side
    send(referral, "sent")
    assert recipients() == sorted([mediator.email, admin.email])
    assert PendingNotification.objects.get().user == daily
    assert sms.outbox == []  # no SMS for the place side
    assert not ReferralLink.objects.exists()  # accounts log in: no answer link


def test_public_addresses_get_one_single_use_link_each(send):
    referral = ReferralFactory(target_place__emails=["Accueil@Example.org", "direction@example.org"])
    mediator = place_user(referral)
    mediator.email = "direction@example.org"  # the place's address is also an account: told as an account
    mediator.save(update_fields=["email"])
    send(referral, "sent")
    assert recipients() == ["accueil@example.org", "direction@example.org"]
    public = next(m for m in mail.outbox if m.to == ["accueil@example.org"])
    link = ReferralLink.objects.get()
    assert (link.referral, link.place, link.sent_to) == (referral, referral.target_place, "accueil@example.org")
    token = public.body.split("/orientations/reponse/")[1].split("/")[0]
    assert links.resolve(token) == link
    account_message = next(m for m in mail.outbox if m.to == ["direction@example.org"])
    assert "/orientations/reponse/" not in account_message.body
    assert f"/orientations/{referral.pk}/" in account_message.body


def test_dispatched_and_reminder_carry_links_but_not_cancellation(send):
    referral = ReferralFactory(target_place__emails=["accueil@example.org"])
    send(referral, "dispatched")
    send(referral, "reminder", days=5)
    send(referral, "cancelled")
    assert ReferralLink.objects.count() == 2
    subjects = [m.subject for m in mail.outbox]
    assert subjects[1].startswith("Orientation sans réponse depuis 5 jours ouvrés")
    assert "/orientations/reponse/" in mail.outbox[1].body
    assert "/orientations/reponse/" not in mail.outbox[2].body


def test_prescriber_gets_a_short_sms_when_asked(send):
    referral = ReferralFactory(in_progress=True)
    referral.prescriber.sms_notifications, referral.prescriber.phone = True, "06 12 34 56 78"
    referral.prescriber.save(update_fields=["sms_notifications", "phone"])
    send(referral, "started")
    [message] = sms.outbox
    assert message.to == "+33612345678"
    assert message.text.startswith(f"{referral} : rendez-vous fixé ({referral.target_place.name}).")
    assert f"/orientations/{referral.pk}/" in message.text
    assert len(message.text) <= 160
    assert "Premier rendez-vous : " in mail.outbox[0].body


def test_messages_never_name_the_person(send):
    referral = ReferralFactory(declined=True, target_place__emails=["accueil@example.org"])
    place_user(referral)
    referral.prescriber.sms_notifications, referral.prescriber.phone = True, "0612345678"
    referral.prescriber.save(update_fields=["sms_notifications", "phone"])
    for event in ("sent", "declined", "comment_to_place", "comment_to_prescriber"):
        send(referral, event)
    person = referral.person
    texts = [m.subject + m.body for m in mail.outbox] + [s.text for s in sms.outbox]
    assert len(texts) == 8  # 6 e-mails, 2 SMS
    assert not any(person.first_name in text or person.last_name in text for text in texts)
    assert "Motif du refus : Plus de place pour le moment" in mail.outbox[2].body


def test_a_rolled_back_transition_sends_nothing(django_capture_on_commit_callbacks):
    referral = ReferralFactory(target_place__emails=["accueil@example.org"])
    mediator = place_user(referral)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.accept_referral(referral, acting_user=mediator)
            raise RuntimeError("annulé")
    assert callbacks == []
    assert mail.outbox == [] and sms.outbox == []


def test_a_committed_transition_tells_the_prescriber(django_capture_on_commit_callbacks):
    referral = ReferralFactory()
    mediator = place_user(referral)
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_referral(referral, acting_user=mediator)
    assert recipients() == [referral.prescriber.email]


@pytest.mark.django_db(transaction=True)
def test_notify_after_commit_writes_links_outside_the_original_transaction():
    """The services call notify() once their transaction has committed (autocommit): the links are still written
    and the e-mails still leave."""
    referral = ReferralFactory(to_network=True)
    coordinator = UserFactory(coordinator=True)
    place = PlaceFactory(published=True, emails=["accueil@example.org"])
    services.dispatch_referral(referral, acting_user=coordinator, place=place)
    assert ReferralLink.objects.filter(referral=referral, sent_to="accueil@example.org").count() == 1
    assert recipients() == ["accueil@example.org"]


def test_the_outcome_is_in_the_closing_message(send):
    referral = ReferralFactory(closed=True)
    send(referral, "closed")
    body = mail.outbox[0].body
    assert "Nombre de séances : 2" in body
    assert "Autonomie atteinte : Autonome avec guidage en cas de besoin" in body
