"""The signed, single-use answer link: what it shows, that it answers once, and every way it stops working."""

import html
import time
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from core.models import HistoryEntry
from referrals import links, services
from referrals.models import Referral, ReferralLink
from tests.accounts.factories import UserFactory
from tests.places.factories import PlaceFactory
from tests.referrals.factories import ReferralFactory, prescriber_user

S = Referral.Status
EMAIL = "accueil@mediatheque.example.org"


@pytest.fixture
def referral():
    return ReferralFactory(availability=["tu_morning"], free_text="Elle a reçu un courrier de la CAF.")


def answer_url(token):
    return reverse("referrals:answer_link", args=[token])


def text(response):
    return html.unescape(response.content.decode())


def history(referral, action):
    return HistoryEntry.objects.filter(content_type__model="referral", object_id=str(referral.pk), action=action)


def assert_invalid(response, referral):
    assert response.status_code == 410
    page = text(response)
    assert "Ce lien n'est plus valable" in page and "Se connecter" in page
    assert referral.person.first_name not in page and str(referral) not in page
    assert referral.target_place.name not in page


# ---------------------------------------------------------------------------------------------------------
# resolve()


def test_resolve_a_fresh_link(referral):
    token = links.issue_link(referral, email=EMAIL)
    link = links.resolve(token)
    assert link.referral == referral and link.place == referral.target_place and link.sent_to == EMAIL
    assert links.resolve(token + "x") is None
    assert links.resolve("pas-un-jeton") is None


def test_resolve_refuses_a_signature_older_than_the_setting(referral, monkeypatch, settings):
    token = links.issue_link(referral, email=EMAIL)
    later = time.time() + (settings.REFERRAL_LINK_DAYS + 1) * 86400
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert links.resolve(token) is None


def test_resolve_refuses_a_genuine_signature_for_another_nonce(referral):
    links.issue_link(referral, email=EMAIL)
    link = ReferralLink.objects.get()
    forged = signing.dumps({"l": link.pk, "n": "autre"}, salt=links.SALT)
    assert links.resolve(forged) is None


def test_a_link_follows_its_place(referral):
    """Given by the coordination to another place (after a network dispatch) or transferred: the old link is dead."""
    token = links.issue_link(referral, email=EMAIL)
    Referral.objects.filter(pk=referral.pk).update(target_place=PlaceFactory(published=True))
    assert links.resolve(token) is None


# ---------------------------------------------------------------------------------------------------------
# The page


def test_a_valid_link_shows_the_request_without_personal_data(client, referral):
    token = links.issue_link(referral, email=EMAIL)
    response = client.get(answer_url(token))
    assert response.status_code == 200
    page = text(response)
    assert "Aide aux démarches administratives" in page and "mardi matin" in page and "Téléphone" in page
    person = referral.person
    for secret in (person.first_name, person.last_name, person.phone, referral.free_text):
        assert secret not in page
    assert "no-store" in response["Cache-Control"]
    opened = history(referral, "referral_link_opened").get()
    assert opened.actor is None and EMAIL in opened.message
    referral.refresh_from_db()
    assert referral.status == S.SENT


def test_accept_by_link_once(client, referral, django_capture_on_commit_callbacks):
    token = links.issue_link(referral, email=EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(answer_url(token), {"action": "accept", "accept-note": "Nous l'appelons lundi."})
    assert response.status_code == 200
    page = text(response)
    assert referral.person.first_name in page and referral.person.phone in page
    assert referral.person.last_name not in page
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED and referral.answered_at
    transition = referral.transitions.get()
    assert transition.actor is None
    assert transition.note == f"Réponse par le lien envoyé à {EMAIL}.\nNous l'appelons lundi."
    accepted = history(referral, "referral_accepted").get()
    assert accepted.actor is None and EMAIL in accepted.message
    link = ReferralLink.objects.get()
    assert link.used_at and link.used_for == "accept"
    assert any(message.subject.startswith("Votre orientation a été acceptée") for message in mail.outbox)

    again = client.post(answer_url(token), {"action": "decline", "decline-reason": "full"})
    assert_invalid(again, referral)
    assert "déjà été utilisé" in text(again)
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED and referral.transitions.count() == 1
    assert_invalid(client.get(answer_url(token)), referral)


def test_decline_by_link(client, referral):
    token = links.issue_link(referral, email=EMAIL)
    refused = client.post(answer_url(token), {"action": "decline", "decline-reason": "other", "decline-details": ""})
    assert refused.status_code == 200
    assert refused.context["decline_form"].errors["details"]
    referral.refresh_from_db()
    assert referral.status == S.SENT and ReferralLink.objects.get().used_at is None

    response = client.post(
        answer_url(token), {"action": "decline", "decline-reason": "other", "decline-details": "Fermé en août."}
    )
    assert response.status_code == 200 and "Orientation refusée" in text(response)
    assert referral.person.phone not in text(response)
    referral.refresh_from_db()
    assert referral.status == S.DECLINED and referral.decline_details == "Fermé en août."
    assert referral.transitions.get().note == f"Réponse par le lien envoyé à {EMAIL}.\nFermé en août."
    assert ReferralLink.objects.get().used_for == "decline"


def test_an_unknown_action_changes_nothing(client, referral):
    token = links.issue_link(referral, email=EMAIL)
    response = client.post(answer_url(token), {"action": "close"})
    assert response.status_code == 200
    referral.refresh_from_db()
    assert referral.status == S.SENT and ReferralLink.objects.get().used_at is None


def test_an_expired_link_does_nothing(client, referral):
    token = links.issue_link(referral, email=EMAIL)
    ReferralLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert_invalid(client.get(answer_url(token)), referral)
    assert_invalid(client.post(answer_url(token), {"action": "accept"}), referral)
    referral.refresh_from_db()
    assert referral.status == S.SENT
    assert not history(referral, "referral_link_opened").exists()


def test_a_tampered_token_does_nothing(client, referral):
    token = links.issue_link(referral, email=EMAIL)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert_invalid(client.get(answer_url(tampered)), referral)
    assert_invalid(client.post(answer_url(tampered), {"action": "accept"}), referral)
    referral.refresh_from_db()
    assert referral.status == S.SENT


def test_a_cancelled_referral_link_does_nothing(client, referral):
    token = links.issue_link(referral, email=EMAIL)
    services.cancel_referral(referral, acting_user=prescriber_user(referral), reason="La personne a déménagé.")
    assert_invalid(client.get(answer_url(token)), referral)
    assert_invalid(client.post(answer_url(token), {"action": "accept"}), referral)
    referral.refresh_from_db()
    assert referral.status == S.CANCELLED
    assert ReferralLink.objects.get().used_at is None


def test_a_transferred_referral_link_does_nothing(client, referral):
    token = links.issue_link(referral, email=EMAIL)
    other = PlaceFactory(published=True, complete=True)
    services.transfer_referral(referral, acting_user=UserFactory(coordinator=True), to_place=other)
    assert_invalid(client.get(answer_url(token)), referral)
    assert_invalid(client.post(answer_url(token), {"action": "accept"}), referral)
    referral.refresh_from_db()
    assert referral.status == S.TRANSFERRED


def test_answer_refused_by_the_workflow_leaves_the_link_unused(referral):
    """The referral moved on between the page and the answer: the service refuses, nothing is marked."""
    token = links.issue_link(referral, email=EMAIL)
    link = ReferralLink.objects.get()
    Referral.objects.filter(pk=referral.pk).update(status=S.ACCEPTED)
    assert links.answer(token, links.ACCEPT, note="") is None
    link.refresh_from_db()
    assert link.used_at is None


def test_a_link_cannot_answer_for_another_referral(referral):
    links.issue_link(referral, email=EMAIL)
    link = ReferralLink.objects.get()
    other = ReferralFactory(target_place=referral.target_place)
    with pytest.raises(services.PermissionDenied):
        services.accept_referral(other, acting_user=None, via_link=link)
    other.refresh_from_db()
    assert other.status == S.SENT


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_answers_with_the_same_link_at_once_only_one_wins():
    import threading

    from django.db import connection

    referral = ReferralFactory()
    token = links.issue_link(referral, email=EMAIL)
    barrier = threading.Barrier(2)
    results = {}

    def act(name, action, fields):
        try:
            barrier.wait(timeout=10)
            results[name] = "ok" if links.answer(token, action, **fields) is not None else "nothing"
        except Exception as error:  # reported by the assertion below
            results[name] = repr(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=("accept", links.ACCEPT, {"note": ""})),
        threading.Thread(target=act, args=("decline", links.DECLINE, {"reason": "full", "details": ""})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(results.values()) == ["nothing", "ok"], results
    referral.refresh_from_db()
    link = ReferralLink.objects.get()
    assert referral.transitions.count() == 1
    assert link.used_for == ("accept" if referral.status == S.ACCEPTED else "decline")
