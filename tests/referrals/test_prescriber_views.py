"""The prescriber's pages and the shared referral page, through the HTTP client."""

from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership, Role
from core.models import HistoryEntry
from referrals.models import Referral, ReferralComment, ReferralTransition
from referrals.services import accept_referral
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.geo.factories import CommuneFactory
from tests.html_checks import html_problems
from tests.people.factories import PersonFactory
from tests.places.factories import PlaceFactory
from tests.referrals.factories import ReferralFactory, place_user, prescriber_user

ADMIN = "Aide aux démarches administratives"
TOOLS = "Maîtrise des outils numériques du quotidien"
S = Referral.Status


@pytest.fixture
def prescriber(client, log_in):
    """A logged-in prescriber (`client.user`) of a new organisation."""
    client.user = UserFactory(role=Role.PRESCRIBER, organization=OrganizationFactory())
    log_in(client, client.user)
    return client


def page(response):
    """The response's HTML with its entities decoded, to search for French text."""
    return unescape(response.content.decode())


def organization_of(client):
    return client.user.memberships.get().organization


def person_near_places(client, **fields):
    commune = CommuneFactory(latitude=44.2, longitude=0.6)
    return PersonFactory(involved=organization_of(client), commune=commune, **fields)


def request_data(**overrides):
    data = {
        "services": [ADMIN],
        "themes": ["sante"],
        "urgency": "normal",
        "free_text": "Renouveler sa complémentaire santé en ligne.",
        "contact_preference": "phone",
        "availability": ["tu_morning", "th_afternoon"],
    }
    data.update(overrides)
    return data


def create_url(person):
    return reverse("referrals:create", args=[person.pk])


# Creation ------------------------------------------------------------------------------------------------


def test_create_page_groups_needs_and_asks_for_the_request(prescriber):
    person = person_near_places(prescriber)
    response = prescriber.get(create_url(person))
    assert response.status_code == 200
    html = page(response)
    assert '<legend class="field__label">Services</legend>' in html
    assert '<legend class="field__label">Thèmes</legend>' in html
    assert "Voir les lieux adaptés" in html and "Envoyer l'orientation" in html
    assert 'name="organization"' not in html  # only one organisation: no choice to make


def test_ranking_shows_places_with_reasons_and_keeps_the_answers(prescriber):
    person = person_near_places(prescriber, specific_needs=["hearing"])
    fitting = PlaceFactory(complete=True, published=True, name="Maison France Services", specific_support=["Surdité"])
    other = PlaceFactory(published=True, with_point=True, services=[TOOLS], name="Médiathèque")
    PlaceFactory(complete=True, name="Lieu en brouillon")

    response = prescriber.post(create_url(person), {**request_data(), "action": "rank"})

    assert response.status_code == 200
    html = page(response)
    assert html.index("Maison France Services") < html.index("Médiathèque")
    assert "Lieu en brouillon" not in html
    assert "propose l'aide aux démarches administratives" in html
    assert "accueille les personnes sourdes ou malentendantes" in html
    assert "ouvert le mardi matin" in html
    assert f'value="{fitting.pk}" id="id_target"' in html
    assert f'value="{other.pk}"' in html
    assert "Au réseau</strong> : la coordination choisira le lieu" in html
    assert 'value="tu_morning" id="id_availability_2" checked' in html
    assert "Renouveler sa complémentaire santé en ligne." in html
    assert not Referral.objects.exists()


def test_send_to_a_ranked_place(prescriber):
    person = person_near_places(prescriber)
    place = PlaceFactory(complete=True, published=True)

    response = prescriber.post(create_url(person), {**request_data(), "target": str(place.pk), "action": "send"})

    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", args=[referral.pk])
    assert referral.target_place == place
    assert referral.prescriber == prescriber.user
    assert referral.prescriber_organization == organization_of(prescriber)
    assert referral.needs == [ADMIN, "sante"]
    assert referral.availability == ["tu_morning", "th_afternoon"]
    assert referral.status == S.SENT
    followed = prescriber.get(response["Location"])
    assert f"est envoyée à « {place.name} »" in page(followed)


def test_send_to_the_network(prescriber):
    person = person_near_places(prescriber)
    PlaceFactory(complete=True, published=True)

    response = prescriber.post(create_url(person), {**request_data(), "target": "reseau", "action": "send"})

    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.is_to_network
    assert "est envoyée au réseau" in page(prescriber.get(response["Location"]))


def test_errors_are_named_in_french_and_nothing_is_sent(prescriber):
    person = person_near_places(prescriber)
    draft = PlaceFactory(complete=True)

    no_needs = prescriber.post(
        create_url(person), {**request_data(services=[], themes=[]), "target": "reseau", "action": "send"}
    )
    assert no_needs.status_code == 200
    assert "Services : Cochez au moins un service ou un thème." in page(no_needs)
    assert "Vers quel lieu" not in page(no_needs)  # no places before the request is complete

    no_target = prescriber.post(create_url(person), {**request_data(), "action": "send"})
    assert "Lieu : Choisissez un lieu dans la liste, ou « au réseau »." in page(no_target)

    not_ranked = prescriber.post(create_url(person), {**request_data(), "target": str(draft.pk), "action": "send"})
    assert "Lieu : Choisissez un lieu dans la liste" in page(not_ranked)

    bad_choice = prescriber.post(create_url(person), {**request_data(urgency="demain"), "action": "rank"})
    assert "Urgence : " in page(bad_choice)
    assert not Referral.objects.exists()


def test_person_without_commune_can_only_go_to_the_network(prescriber):
    person = PersonFactory(involved=organization_of(prescriber), commune=None)
    PlaceFactory(complete=True, published=True)

    text = page(prescriber.get(create_url(person)))
    assert "La commune de" in text and "n'est pas renseignée" in text
    assert reverse("people:edit", args=[person.pk]) in text
    assert 'value="reseau" id="id_target"' in text

    response = prescriber.post(create_url(person), {**request_data(), "target": "reseau", "action": "send"})
    assert response.status_code == 302
    assert Referral.objects.get().is_to_network


def test_several_organisations_choose_on_whose_behalf(prescriber):
    person = person_near_places(prescriber)
    second = OrganizationFactory(name="Centre social")
    Membership.objects.create(user=prescriber.user, organization=second, role=Role.MEDIATOR)

    missing = prescriber.post(create_url(person), {**request_data(), "target": "reseau", "action": "send"})
    assert "Choisissez l'organisation au nom de laquelle vous orientez." in page(missing)

    prescriber.post(
        create_url(person), {**request_data(), "target": "reseau", "organization": str(second.pk), "action": "send"}
    )
    assert Referral.objects.get().prescriber_organization == second


def test_create_for_a_person_not_visible_is_404_and_coordination_cannot_send(prescriber, client_for):
    stranger = PersonFactory(involved=OrganizationFactory())
    assert prescriber.get(create_url(stranger)).status_code == 404
    assert prescriber.post(create_url(stranger), {**request_data(), "action": "send"}).status_code == 404
    coordinator = client_for("coordinator")
    assert coordinator.get(create_url(stranger)).status_code == 403
    assert client_for("partner_viewer").get(create_url(stranger)).status_code == 404
    assert not Referral.objects.exists()


# Mes orientations ----------------------------------------------------------------------------------------


def test_mine_lists_only_my_organisations_referrals_with_outcome(prescriber):
    organization = organization_of(prescriber)
    sent = ReferralFactory(prescriber_organization=organization, prescriber=prescriber.user)
    closed = ReferralFactory(prescriber_organization=organization, closed=True)
    network = ReferralFactory(prescriber_organization=organization, to_network=True)
    others = ReferralFactory()

    html = page(prescriber.get(reverse("referrals:mine")))

    for referral in (sent, closed, network):
        assert reverse("referrals:detail", args=[referral.pk]) in html
    assert reverse("referrals:detail", args=[others.pk]) not in html
    assert str(others.person) not in html
    assert "Au réseau" in html
    assert "2 séances, autonome avec guidage en cas de besoin" in html
    assert prescriber.get(reverse("referrals:detail", args=[others.pk])).status_code == 404


def test_mine_filters_by_status(prescriber):
    organization = organization_of(prescriber)
    sent = ReferralFactory(prescriber_organization=organization)
    closed = ReferralFactory(prescriber_organization=organization, closed=True)
    html = page(prescriber.get(reverse("referrals:mine"), {"status": "closed"}))
    assert reverse("referrals:detail", args=[closed.pk]) in html
    assert reverse("referrals:detail", args=[sent.pk]) not in html
    assert "1 orientation" in html
    # A wrong status is ignored, not an error.
    assert prescriber.get(reverse("referrals:mine"), {"status": "nimporte"}).status_code == 200


def test_mine_query_count_does_not_grow_with_rows(prescriber):
    organization = organization_of(prescriber)
    ReferralFactory.create_batch(2, prescriber_organization=organization)
    prescriber.get(reverse("referrals:mine"))  # warm the session and the caches
    with CaptureQueriesContext(connection) as few:
        assert prescriber.get(reverse("referrals:mine")).status_code == 200
    ReferralFactory.create_batch(8, prescriber_organization=organization, closed=True)
    ReferralFactory(prescriber_organization=organization, to_network=True)
    with CaptureQueriesContext(connection) as many:
        assert prescriber.get(reverse("referrals:mine")).status_code == 200
    assert len(many) == len(few)


def test_mine_is_for_the_prescriber_side_only(client_for):
    for role in ("coordinator", "partner_viewer", "refurbisher"):
        assert client_for(role).get(reverse("referrals:mine")).status_code == 403


# The referral page ---------------------------------------------------------------------------------------


def test_detail_shows_request_person_history_and_prescriber_actions(prescriber):
    referral = ReferralFactory(prescriber_organization=organization_of(prescriber), free_text="Carte grise.")
    accept_referral(referral, acting_user=place_user(referral), note="On l'appelle demain.")

    response = prescriber.get(reverse("referrals:detail", args=[referral.pk]))

    html = page(response)
    assert response.status_code == 200
    assert "Statut : acceptée" in html
    assert "Il va contacter la personne pour fixer un premier rendez-vous." in html
    assert "Carte grise." in html
    assert reverse("people:detail", args=[referral.person.pk]) in html
    assert "envoyée → acceptée" in html and "On l'appelle demain." in html
    assert reverse("referrals:cancel", args=[referral.pk]) in html
    assert reverse("referrals:sheet", args=[referral.pk]) in html
    assert reverse("referrals:accept", args=[referral.pk]) not in html
    assert reverse("referrals:review", args=[referral.pk]) not in html


def test_place_side_sees_its_actions_and_opening_does_not_change_status(client, log_in):
    referral = ReferralFactory()
    log_in(client, place_user(referral))

    html = page(client.get(reverse("referrals:detail", args=[referral.pk])))

    referral.refresh_from_db()
    assert referral.status == S.SENT
    assert not ReferralTransition.objects.filter(referral=referral).exists()
    assert f'<form method="post" action="{reverse("referrals:review", args=[referral.pk])}"' in html
    for name in ("accept", "decline", "transfer"):
        assert reverse(f"referrals:{name}", args=[referral.pk]) in html
    for name in ("appointment", "close", "cancel", "dispatch"):
        assert reverse(f"referrals:{name}", args=[referral.pk]) not in html


def test_actions_follow_the_status(client, log_in):
    in_progress = ReferralFactory(in_progress=True)
    log_in(client, place_user(in_progress))
    html = page(client.get(reverse("referrals:detail", args=[in_progress.pk])))
    assert reverse("referrals:close", args=[in_progress.pk]) in html
    assert "Modifier le rendez-vous" in html
    assert reverse("referrals:accept", args=[in_progress.pk]) not in html


def test_coordination_dispatches_network_referrals(client_for):
    network = ReferralFactory(to_network=True)
    coordinator = client_for("coordinator")
    html = page(coordinator.get(reverse("referrals:detail", args=[network.pk])))
    assert reverse("referrals:dispatch", args=[network.pk]) in html
    assert "la coordination départementale va choisir le lieu" in html


def test_closed_referral_shows_the_outcome_and_declined_the_reason(prescriber):
    organization = organization_of(prescriber)
    closed = ReferralFactory(
        prescriber_organization=organization, closed=True, themes_covered=["email"], further_orientation="CCAS"
    )
    html = page(prescriber.get(reverse("referrals:detail", args=[closed.pk])))
    assert "Résultat de l'accompagnement" in html
    assert "E-mail" in html and "Autonome avec guidage en cas de besoin" in html and "CCAS" in html
    declined = ReferralFactory(prescriber_organization=organization, declined=True, decline_details="Complet")
    html = page(prescriber.get(reverse("referrals:detail", args=[declined.pk])))
    assert "Plus de place pour le moment" in html and "Complet" in html


def test_mediator_of_place_a_gets_404_on_place_b_and_partner_viewer_sees_nothing(client, log_in, client_for):
    a = ReferralFactory()
    b = ReferralFactory()
    log_in(client, place_user(a))
    for name in ("detail", "sheet", "cancel", "attachment_upload"):
        assert client.get(reverse(f"referrals:{name}", args=[b.pk])).status_code == 404
    viewer = client_for("partner_viewer", organization=a.prescriber_organization)
    for name in ("detail", "sheet", "cancel"):
        response = viewer.get(reverse(f"referrals:{name}", args=[a.pk]))
        assert response.status_code == 404
        assert str(a.person) not in page(response)


# Comments ------------------------------------------------------------------------------------------------


def test_comment_is_added_and_an_empty_one_refused(prescriber):
    referral = ReferralFactory(prescriber_organization=organization_of(prescriber))
    url = reverse("referrals:comment", args=[referral.pk])

    response = prescriber.post(url, {"body": "La personne préfère l'après-midi."})
    assert response.status_code == 302
    comment = ReferralComment.objects.get()
    assert comment.side == ReferralComment.Side.PRESCRIBER and comment.author == prescriber.user
    assert "La personne préfère l'après-midi." in page(prescriber.get(response["Location"]))

    empty = prescriber.post(url, {"body": "   "})
    assert empty.status_code == 200
    assert "Votre message : Écrivez votre message avant de l'envoyer." in page(empty)
    assert ReferralComment.objects.count() == 1
    assert prescriber.get(url).status_code == 405


def test_comment_on_an_invisible_referral_is_404(prescriber):
    other = ReferralFactory()
    assert prescriber.post(reverse("referrals:comment", args=[other.pk]), {"body": "Bonjour"}).status_code == 404
    assert not ReferralComment.objects.exists()


# Cancellation --------------------------------------------------------------------------------------------


def test_cancel_with_a_reason(prescriber):
    referral = ReferralFactory(prescriber_organization=organization_of(prescriber))
    url = reverse("referrals:cancel", args=[referral.pk])
    assert "Annuler l'orientation" in page(prescriber.get(url))

    response = prescriber.post(url, {"reason": "La personne a trouvé de l'aide."})

    referral.refresh_from_db()
    assert response.status_code == 302
    assert referral.status == S.CANCELLED
    transition = ReferralTransition.objects.get(referral=referral)
    assert transition.note == "La personne a trouvé de l'aide."
    assert HistoryEntry.objects.filter(action="referral_cancelled", object_id=str(referral.pk)).exists()


def test_a_transition_not_in_the_table_is_refused_with_a_french_message(prescriber):
    referral = ReferralFactory(prescriber_organization=organization_of(prescriber), in_progress=True)
    url = reverse("referrals:cancel", args=[referral.pk])
    assert "ne peut plus être annulée" in page(prescriber.get(url))

    response = prescriber.post(url, {"reason": "Erreur"}, follow=True)

    referral.refresh_from_db()
    assert referral.status == S.IN_PROGRESS
    assert not ReferralTransition.objects.exists()
    assert "Une orientation « Accompagnement en cours » ne peut pas passer à « Annulée »." in page(response)


def test_the_place_side_cannot_cancel(client, log_in):
    referral = ReferralFactory()
    log_in(client, place_user(referral))
    assert client.post(reverse("referrals:cancel", args=[referral.pk])).status_code == 403
    referral.refresh_from_db()
    assert referral.status == S.SENT


# The sheet for the person --------------------------------------------------------------------------------


def test_sheet_gives_place_hours_appointment_and_what_to_bring(prescriber):
    referral = ReferralFactory(
        prescriber_organization=organization_of(prescriber), in_progress=True, needs=["sante", "logement"]
    )
    organization = referral.prescriber_organization
    organization.phone = "05 53 00 00 01"
    organization.save()

    response = prescriber.get(reverse("referrals:sheet", args=[referral.pk]))

    html = page(response)
    place = referral.target_place
    assert response.status_code == 200
    assert f"Votre rendez-vous à {place.name}" in html
    assert place.address in html
    assert "05 53 00 00 00" in html  # the place's phone, written the French way
    assert "Heures d'ouverture du lieu" in html and "Samedi" in html
    assert "Votre premier rendez-vous" in html
    assert "Carte Vitale" in html.replace("Votre carte Vitale", "Carte Vitale")
    assert "Votre bail ou votre dernière quittance de loyer" in html
    assert "Une pièce d'identité" in html
    assert "05 53 00 00 01" in html
    assert "css/print-sheet.css" in html


def test_sheet_of_a_network_referral_says_the_place_is_not_chosen(prescriber):
    referral = ReferralFactory(prescriber_organization=organization_of(prescriber), to_network=True)
    html = page(prescriber.get(reverse("referrals:sheet", args=[referral.pk])))
    assert "Le lieu n'est pas encore choisi" in html


# The person page -----------------------------------------------------------------------------------------


def test_person_page_lists_referrals_and_offers_to_refer(prescriber, client_for):
    referral = ReferralFactory(prescriber_organization=organization_of(prescriber))
    ReferralFactory(prescriber_organization=organization_of(prescriber), person=referral.person, to_network=True)

    html = page(prescriber.get(reverse("people:detail", args=[referral.person.pk])))

    assert f"Orientation vers {referral.target_place.name} : envoyée" in html
    assert "Orientation au réseau : envoyée" in html
    assert reverse("referrals:detail", args=[referral.pk]) in html
    assert f'href="{create_url(referral.person)}">Orienter cette personne' in html
    coordinator_html = client_for("coordinator").get(reverse("people:detail", args=[referral.person.pk]))
    assert "Orienter cette personne" not in page(coordinator_html)


def test_prescriber_user_helper_sees_the_same_as_the_prescriber(client, log_in):
    referral = ReferralFactory()
    log_in(client, prescriber_user(referral))
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 200


def test_pages_with_places_errors_and_thread_keep_the_site_invariants(prescriber):
    person = person_near_places(prescriber)
    PlaceFactory.create_batch(3, complete=True, published=True)
    ranked = prescriber.post(create_url(person), {**request_data(), "action": "rank"})
    with_errors = prescriber.post(create_url(person), {**request_data(themes=["inconnu"]), "action": "send"})
    assert "Thèmes : " in page(with_errors)
    referral = ReferralFactory(prescriber_organization=organization_of(prescriber), closed=True)
    ReferralComment.objects.create(referral=referral, author=prescriber.user, side="prescriber", body="Merci")
    empty_comment = prescriber.post(reverse("referrals:comment", args=[referral.pk]), {"body": ""})
    for response in (ranked, with_errors, empty_comment):
        assert html_problems(response.content.decode()) == []


def test_contact_preference_must_match_the_persons_record(prescriber):
    person = person_near_places(prescriber, no_direct_contact=True)
    assert 'value="prescriber" required id="id_contact_preference_3" checked' in page(
        prescriber.get(create_url(person))
    )
    refused = prescriber.post(create_url(person), {**request_data(), "target": "reseau", "action": "send"})
    assert "ne veut pas être contactée directement" in page(refused)
    no_email = person_near_places(prescriber)
    refused = prescriber.post(
        create_url(no_email), {**request_data(contact_preference="email"), "target": "reseau", "action": "send"}
    )
    assert "Comment le lieu doit-il contacter la personne ? : La fiche de la personne n'a pas d'adresse e-mail" in (
        page(refused)
    )
    assert not Referral.objects.exists()
    prescriber.post(
        create_url(person), {**request_data(contact_preference="prescriber"), "target": "reseau", "action": "send"}
    )
    assert Referral.objects.get().contact_preference == "prescriber"
