"""The place's side through the HTTP client: inboxes, answer pages, who gets 403/404, refusals shown in French."""

import html
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from referrals.models import Referral
from tests.accounts.factories import UserFactory
from tests.places.factories import PlaceFactory
from tests.referrals.factories import ReferralFactory, place_user, prescriber_user
from tests.roles import log_in

S = Referral.Status


@pytest.fixture
def referral():
    return ReferralFactory()


def logged(client, user):
    return log_in(client, user)


def text(response):
    return html.unescape(response.content.decode())


def url(name, referral):
    return reverse(f"referrals:{name}", args=[referral.pk])


def detail(referral):
    return reverse("referrals:detail", args=[referral.pk])


def tomorrow():
    return (timezone.localtime() + timedelta(days=1)).date().isoformat()


# ---------------------------------------------------------------------------------------------------------
# Who may see what


@pytest.mark.parametrize("name", ["accept", "decline", "appointment", "close", "transfer"])
def test_a_mediator_of_another_place_gets_404(client, referral, name):
    other = ReferralFactory()
    logged(client, place_user(other))
    assert client.get(url(name, referral)).status_code == 404
    assert client.post(url(name, referral), {"note": "x"}).status_code == 404
    assert client.post(url("review", referral)).status_code == 404
    referral.refresh_from_db()
    assert referral.status == S.SENT


def test_a_mediator_of_another_place_gets_404_on_its_inbox(client, referral):
    logged(client, place_user(ReferralFactory()))
    assert client.get(reverse("referrals:inbox", args=[referral.target_place.pk])).status_code == 404


def test_the_prescriber_cannot_answer_for_the_place(client, referral):
    logged(client, prescriber_user(referral))
    assert client.get(url("accept", referral)).status_code == 403
    assert client.post(url("accept", referral), {"note": ""}).status_code == 403
    referral.refresh_from_db()
    assert referral.status == S.SENT and not referral.transitions.exists()


@pytest.mark.parametrize("role", [Role.PRESCRIBER, Role.PARTNER_VIEWER, Role.REFURBISHER])
def test_inboxes_are_for_the_place_side_only(client, role):
    logged(client, UserFactory(role=role))
    assert client.get(reverse("referrals:place_inboxes")).status_code == 403


# ---------------------------------------------------------------------------------------------------------
# Inboxes


def test_inboxes_list_the_places_with_their_counts(client, referral):
    organization = referral.target_place.organization
    second = PlaceFactory(published=True, complete=True, organization=organization, name="Médiathèque")
    ReferralFactory(target_place=referral.target_place, under_review=True)
    ReferralFactory(target_place=second, accepted=True)
    ReferralFactory(target_place=second, closed=True)
    PlaceFactory(draft=True, organization=organization, name="Brouillon sans orientation")
    logged(client, place_user(referral, role=Role.ORG_ADMIN))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("referrals:place_inboxes"))
    assert response.status_code == 200
    places = {place.name: place for place in response.context["places"]}
    assert set(places) == {referral.target_place.name, "Médiathèque"}
    first = places[referral.target_place.name]
    assert (first.sent_count, first.review_count, first.accepted_count, first.in_progress_count) == (1, 1, 0, 0)
    assert first.oldest_waiting == referral.sent_at
    assert places["Médiathèque"].accepted_count == 1 and places["Médiathèque"].oldest_waiting is None
    place_queries = [q["sql"] for q in queries.captured_queries if 'FROM "places_place"' in q["sql"]]
    assert len(place_queries) == 1


def test_a_single_place_goes_straight_to_its_inbox(client, referral):
    logged(client, place_user(referral))
    response = client.get(reverse("referrals:place_inboxes"))
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:inbox", args=[referral.target_place.pk])


def test_a_mediator_without_place_sees_an_empty_list(client):
    logged(client, UserFactory(mediator=True))
    response = client.get(reverse("referrals:place_inboxes"))
    assert response.status_code == 200
    assert "pas encore de lieu publié" in text(response)


def test_inbox_counts_filters_and_order(client, referral):
    place = referral.target_place
    now = timezone.now()
    old = ReferralFactory(target_place=place, sent_at=now - timedelta(days=6), urgency=Referral.Urgency.URGENT)
    ReferralFactory(target_place=place, in_progress=True)
    closed = ReferralFactory(target_place=place, closed=True)
    ReferralFactory(closed=True)  # another place
    logged(client, place_user(referral))
    inbox = reverse("referrals:inbox", args=[place.pk])

    response = client.get(inbox)
    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    assert [r.pk for r in rows][:2] == [old.pk, referral.pk] and len(rows) == 3
    assert response.context["open_count"] == 3
    counts = {value: total for value, _label, total in response.context["counts"]}
    assert counts[S.SENT] == 2 and counts[S.IN_PROGRESS] == 1 and counts[S.CLOSED] == 1
    page = text(response)
    assert "en attente depuis 6 jours" in page
    person = old.person
    assert f"{person.first_name} {person.last_name[0]}." in page and person.last_name not in page

    urgent = client.get(inbox, {"urgency": "urgent"})
    assert [r.pk for r in urgent.context["page"].object_list] == [old.pk]
    finished = client.get(inbox, {"status": "closed"})
    assert [r.pk for r in finished.context["page"].object_list] == [closed.pk]
    wrong = client.get(inbox, {"status": "n'importe quoi"})
    assert wrong.status_code == 200 and len(wrong.context["page"].object_list) == 3


def test_inbox_query_count_does_not_grow_with_rows(client, referral):
    place = referral.target_place
    logged(client, place_user(referral))
    inbox = reverse("referrals:inbox", args=[place.pk])
    client.get(inbox)  # warm the session and the content types
    with CaptureQueriesContext(connection) as few:
        client.get(inbox)
    for _ in range(8):
        ReferralFactory(target_place=place)
    with CaptureQueriesContext(connection) as many:
        response = client.get(inbox)
    assert len(response.context["page"].object_list) == 9
    assert len(many) == len(few) <= 12


# ---------------------------------------------------------------------------------------------------------
# Answering


def test_review_is_post_only(client, referral):
    logged(client, place_user(referral))
    assert client.get(url("review", referral)).status_code == 405
    response = client.post(url("review", referral))
    assert response.status_code == 302 and response["Location"] == detail(referral)
    referral.refresh_from_db()
    assert referral.status == S.UNDER_REVIEW


def test_review_twice_says_why(client, referral):
    logged(client, place_user(referral))
    client.post(url("review", referral))
    response = client.post(url("review", referral), follow=False)
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "Une orientation « En cours d'examen » ne peut pas passer à « En cours d'examen »." in messages


def test_accept_then_appointment_then_close(client, referral):
    logged(client, place_user(referral))
    page = client.get(url("accept", referral))
    assert page.status_code == 200 and "Accepter l'orientation" in text(page)

    response = client.post(url("accept", referral), {"note": "Nous l'appelons demain."})
    assert response.status_code == 302 and response["Location"] == detail(referral)
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED and referral.answered_at

    response = client.post(url("appointment", referral), {"date": tomorrow(), "time": "14:30"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.IN_PROGRESS
    assert timezone.localtime(referral.appointment_at).strftime("%H:%M") == "14:30"

    page = client.get(url("close", referral))
    assert page.status_code == 200
    response = client.post(
        url("close", referral),
        {
            "sessions_count": "3",
            "themes_covered": ["email", "aide_aux_demarches_administratives"],
            "autonomy": Referral.Autonomy.AUTONOMOUS,
            "further_orientation": "France Services pour la suite.",
        },
    )
    assert response.status_code == 302 and response["Location"] == detail(referral)
    referral.refresh_from_db()
    assert referral.status == S.CLOSED and referral.sessions_count == 3
    assert referral.themes_covered == ["email", "aide_aux_demarches_administratives"]
    assert referral.autonomy == Referral.Autonomy.AUTONOMOUS
    assert list(referral.transitions.values_list("to_status", flat=True)) == [S.ACCEPTED, S.IN_PROGRESS, S.CLOSED]


def test_close_asks_for_the_outcome(client):
    referral = ReferralFactory(in_progress=True)
    logged(client, place_user(referral))
    response = client.post(url("close", referral), {"sessions_count": "0"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["sessions_count"] == ["Indiquez au moins une séance."]
    assert errors["themes_covered"] == ["Cochez au moins un thème abordé."]
    assert errors["autonomy"] == ["Indiquez l'autonomie atteinte par la personne."]
    referral.refresh_from_db()
    assert referral.status == S.IN_PROGRESS


def test_moving_an_appointment(client):
    referral = ReferralFactory(in_progress=True)
    logged(client, place_user(referral))
    page = client.get(url("appointment", referral))
    assert "Déplacer le rendez-vous" in text(page)
    response = client.post(url("appointment", referral), {"date": tomorrow(), "time": "09:00"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.IN_PROGRESS
    assert timezone.localtime(referral.appointment_at).strftime("%H:%M") == "09:00"


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ((timezone.localdate() - timedelta(days=1)).isoformat(), "Le rendez-vous doit être fixé dans le futur."),
        (
            (timezone.localdate() + timedelta(days=400)).isoformat(),
            "Le rendez-vous ne peut pas être fixé plus d'un an à l'avance.",
        ),
        ("", "Indiquez la date du rendez-vous."),
    ],
)
def test_appointment_must_be_within_a_year(client, date, message):
    referral = ReferralFactory(accepted=True)
    logged(client, place_user(referral))
    response = client.post(url("appointment", referral), {"date": date, "time": "10:00"})
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [message]
    assert message in text(response)
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED and referral.appointment_at is None


def test_decline_needs_a_reason(client, referral):
    logged(client, place_user(referral))
    response = client.post(url("decline", referral), {"details": "Complet"})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Choisissez un motif de refus."]
    referral.refresh_from_db()
    assert referral.status == S.SENT


def test_other_reason_needs_details(client, referral):
    logged(client, place_user(referral))
    response = client.post(url("decline", referral), {"reason": Referral.DeclineReason.OTHER, "details": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["details"] == [
        "Précisez la raison du refus (obligatoire pour « Autre raison »)."
    ]
    referral.refresh_from_db()
    assert referral.status == S.SENT


def test_decline_with_a_reason(client, referral):
    logged(client, place_user(referral))
    response = client.post(url("decline", referral), {"reason": Referral.DeclineReason.FULL, "details": ""})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.DECLINED and referral.decline_reason == Referral.DeclineReason.FULL


def test_a_transition_outside_the_table_is_refused_and_changes_nothing(client):
    referral = ReferralFactory(closed=True)
    logged(client, place_user(referral))
    message = "Une orientation « Terminée » ne peut pas passer à « Acceptée »."
    page = client.get(url("accept", referral))
    assert page.status_code == 200
    assert message in text(page) and 'method="post"' not in text(page).split("<main")[1]
    response = client.post(url("accept", referral), {"note": "Oui"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [message]
    assert message in text(response)
    referral.refresh_from_db()
    assert referral.status == S.CLOSED and not referral.transitions.exists()


def test_setting_an_appointment_on_a_sent_referral_is_refused(client, referral):
    logged(client, place_user(referral))
    response = client.post(url("appointment", referral), {"date": tomorrow(), "time": "10:00"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Une orientation « Envoyée » ne peut pas passer à « Accompagnement en cours »."
    ]
    referral.refresh_from_db()
    assert referral.status == S.SENT and referral.appointment_at is None


def test_transfer_to_a_ranked_place(client, referral):
    nearby = PlaceFactory(published=True, complete=True, name="Espace voisin")
    PlaceFactory(draft=True, complete=True, name="Lieu en brouillon")
    logged(client, place_user(referral))
    page = client.get(url("transfer", referral))
    assert page.status_code == 200
    choices = dict(page.context["form"].fields["place"].choices)
    assert nearby.pk in choices and referral.target_place.pk not in choices
    assert "propose l'aide aux démarches administratives" in choices[nearby.pk]
    response = client.post(url("transfer", referral), {"place": nearby.pk, "note": "Plus proche de chez elle."})
    assert response.status_code == 302 and response["Location"] == detail(referral)
    referral.refresh_from_db()
    assert referral.status == S.TRANSFERRED
    follow_up = Referral.objects.get(transferred_from=referral)
    assert follow_up.target_place == nearby and follow_up.status == S.SENT


def test_transfer_refuses_a_place_outside_the_list(client, referral):
    far = PlaceFactory(published=True, name="Lieu lointain")  # no coordinates: never ranked
    logged(client, place_user(referral))
    response = client.post(url("transfer", referral), {"place": far.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["place"]
    referral.refresh_from_db()
    assert referral.status == S.SENT
