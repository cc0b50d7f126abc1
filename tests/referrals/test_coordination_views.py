"""The coordination's pages through the HTTP client: every referral (unanswered first, filters, short names,
bounded queries), the dispatch of referrals sent « au réseau », and the response times (page and CSV)."""

import csv
import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import HistoryEntry
from places.models import Place
from referrals import reporting
from referrals.models import Referral, ReferralTransition
from tests.accounts.factories import OrganizationFactory
from tests.geo.factories import CommuneFactory
from tests.people.factories import PersonFactory
from tests.places.factories import PlaceFactory
from tests.referrals.factories import ReferralFactory

S = Referral.Status
ADMIN = "Aide aux démarches administratives"
OTHER_ROLES = ["prescriber", "mediator", "org_admin", "partner_viewer", "refurbisher"]


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def listed(response):
    return [referral.pk for referral in response.context["page"].object_list]


@pytest.fixture
def coordinator(client_for):
    return client_for("coordinator")


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_are_refused(client_for, role):
    client = client_for(role)
    referral = ReferralFactory(to_network=True)
    for url in [
        reverse("referrals:coordination"),
        reverse("referrals:response_times"),
        reverse("referrals:response_times") + "?format=csv",
        reverse("referrals:dispatch", args=[referral.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    place = PlaceFactory(complete=True, published=True)
    assert client.post(reverse("referrals:dispatch", args=[referral.pk]), {"place": place.pk}).status_code == 403
    referral.refresh_from_db()
    assert referral.target_place is None


def test_administrator_sees_the_list(client_for):
    assert client_for("administrator").get(reverse("referrals:coordination")).status_code == 200


def test_unanswered_first_oldest_first_then_the_others_newest_first(coordinator):
    accepted_old = ReferralFactory(accepted=True, sent_at=days_ago(10))
    waiting_new = ReferralFactory(sent_at=days_ago(1))
    waiting_old = ReferralFactory(under_review=True, sent_at=days_ago(20))
    closed_recent = ReferralFactory(closed=True, sent_at=days_ago(2))
    network = ReferralFactory(to_network=True, sent_at=days_ago(5))

    response = coordinator.get(reverse("referrals:coordination"))

    assert listed(response) == [waiting_old.pk, network.pk, waiting_new.pk, closed_recent.pk, accepted_old.pk]
    content = response.content.decode()
    assert "À attribuer" in content
    assert reverse("referrals:dispatch", args=[network.pk]) in content
    assert "Sans réponse depuis plus de 5 jours ouvrés" in content  # waiting_old


def test_summary_counts_at_the_top(coordinator):
    ReferralFactory(to_network=True)
    ReferralFactory(sent_at=days_ago(30))
    ReferralFactory(in_progress=True)
    counts = coordinator.get(reverse("referrals:coordination")).context["counts"]
    assert counts == {"to_dispatch": 1, "unanswered": 2, "overdue": 1, "ongoing": 1, "closed_this_month": 0}


def test_filters(coordinator):
    urgent = ReferralFactory(urgency=Referral.Urgency.URGENT)
    library = ReferralFactory(target_place=PlaceFactory(published=True, name="Médiathèque du Gravier"))
    network = ReferralFactory(to_network=True)
    declined = ReferralFactory(declined=True)
    url = reverse("referrals:coordination")

    assert listed(coordinator.get(url, {"urgency": "urgent"})) == [urgent.pk]
    assert listed(coordinator.get(url, {"place": "gravier"})) == [library.pk]
    assert listed(coordinator.get(url, {"to_network": "on"})) == [network.pk]
    assert listed(coordinator.get(url, {"status": "declined"})) == [declined.pk]
    by_organization = coordinator.get(url, {"organization": urgent.prescriber_organization_id})
    assert listed(by_organization) == [urgent.pk]


def test_a_wrong_filter_is_reported_on_its_field(coordinator):
    ReferralFactory()
    response = coordinator.get(reverse("referrals:coordination"), {"status": "nimporte"})
    assert response.status_code == 200
    assert "status" in response.context["form"].errors
    assert len(listed(response)) == 1


def test_the_person_appears_by_first_name_and_initial_only(coordinator):
    person = PersonFactory(first_name="Fatima", last_name="Benhaddou")
    referral = ReferralFactory(person=person)
    content = coordinator.get(reverse("referrals:coordination")).content.decode()
    assert "Fatima B." in content
    assert "Benhaddou" not in content
    assert referral.person.phone not in content


def test_list_queries_do_not_grow_with_the_referrals(coordinator):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert coordinator.get(reverse("referrals:coordination")).status_code == 200
        return len(queries)

    ReferralFactory(to_network=True)
    ReferralFactory()
    few = count_queries()
    for _ in range(3):
        ReferralFactory(accepted=True)
        ReferralFactory(to_network=True)
        ReferralFactory(to_network=True, channel=Referral.Channel.CALLBACK, prescriber_organization=None)
        ReferralFactory(urgency=Referral.Urgency.URGENT)
    assert count_queries() == few


# ---------------------------------------------------------------------------------------------------------
# Dispatch of a referral sent « au réseau ».


@pytest.fixture
def network_referral():
    commune = CommuneFactory(latitude=44.2, longitude=0.6, name="Boé")
    organization = OrganizationFactory()
    person = PersonFactory(involved=organization, commune=commune, specific_needs=["hearing"])
    return ReferralFactory(to_network=True, person=person, prescriber_organization=organization, needs=[ADMIN])


def place_near(km, **fields):
    fields.setdefault("status", Place.Status.PUBLISHED)
    return PlaceFactory(latitude=44.2 + km * 0.009, longitude=0.6, organization=OrganizationFactory(), **fields)


def test_dispatch_page_lists_the_ranked_places_with_their_reasons(coordinator, network_referral):
    best = place_near(3, services=[ADMIN], specific_support=["Surdité"], name="France Services de Boé")
    other = place_near(8, services=["Maîtrise des outils numériques du quotidien"], name="Médiathèque d'Agen")

    response = coordinator.get(reverse("referrals:dispatch", args=[network_referral.pk]))

    assert response.status_code == 200
    assert [place for place, _reasons in response.context["candidates"]] == [best, other]
    content = response.content.decode()
    assert f'type="radio" name="place" value="{best.pk}"' in content
    assert "accueille les personnes sourdes ou malentendantes" in content
    assert network_referral.person.last_name not in content


def test_dispatch_search_by_name_when_the_person_has_no_commune(coordinator):
    referral = ReferralFactory(to_network=True, person=PersonFactory(commune=None))
    wanted = PlaceFactory(published=True, name="Espace numérique de Nérac")
    PlaceFactory(draft=True, name="Espace numérique brouillon")

    response = coordinator.get(reverse("referrals:dispatch", args=[referral.pk]), {"q": "espace numérique"})

    assert response.context["candidates"] == []
    assert response.context["found"] == [wanted]
    assert "La commune de la personne n'est pas connue" in response.content.decode()


def test_dispatch_gives_the_referral_to_the_place(coordinator, network_referral):
    place = place_near(3, services=[ADMIN])

    response = coordinator.post(reverse("referrals:dispatch", args=[network_referral.pk]), {"place": place.pk})

    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", args=[network_referral.pk])
    network_referral.refresh_from_db()
    assert network_referral.target_place == place
    assert network_referral.status == S.SENT
    assert list(Referral.objects.inbox(place)) == [network_referral]
    assert not Referral.objects.to_network().exists()
    assert HistoryEntry.objects.filter(action="referral_dispatched", object_id=str(network_referral.pk)).exists()
    assert ReferralTransition.objects.filter(referral=network_referral, note__contains=place.name).exists()
    assert "est attribuée" in [str(m) for m in get_messages(response.wsgi_request)][0]


def test_dispatch_of_an_already_dispatched_referral_is_refused(coordinator):
    referral = ReferralFactory()  # already has a place
    first_place = referral.target_place
    other = PlaceFactory(complete=True, published=True)

    response = coordinator.post(reverse("referrals:dispatch", args=[referral.pk]), {"place": other.pk})

    assert response.status_code == 200
    assert "n'est pas à attribuer" in [str(m) for m in get_messages(response.wsgi_request)][0]
    referral.refresh_from_db()
    assert referral.target_place == first_place
    assert not HistoryEntry.objects.filter(action="referral_dispatched").exists()
    page = coordinator.get(reverse("referrals:dispatch", args=[referral.pk])).content.decode()
    assert "Elle est déjà adressée" in page


def test_dispatch_without_a_place_or_to_a_draft_place_changes_nothing(coordinator, network_referral):
    draft = place_near(2, services=[ADMIN], status=Place.Status.DRAFT)
    url = reverse("referrals:dispatch", args=[network_referral.pk])

    missing = coordinator.post(url, {})
    assert missing.status_code == 200
    assert missing.context["form"].errors["place"] == ["Choisissez le lieu qui recevra l'orientation."]
    assert "Choisissez le lieu qui recevra" in missing.content.decode()
    not_published = coordinator.post(url, {"place": draft.pk})
    assert "pas publié dans l&#x27;annuaire" in not_published.content.decode()
    network_referral.refresh_from_db()
    assert network_referral.target_place is None


def test_dispatch_of_an_unknown_referral_is_404(coordinator):
    assert coordinator.get(reverse("referrals:dispatch", args=[999999])).status_code == 404


# ---------------------------------------------------------------------------------------------------------
# Response times.


def test_response_times_page_and_csv(coordinator):
    place = PlaceFactory(complete=True, published=True, name="Centre social des Ponts")
    sent = days_ago(40)
    for delay in (1, 2, 6):
        ReferralFactory(
            target_place=place, accepted=True, sent_at=sent, answered_at=sent + datetime.timedelta(days=delay)
        )
    ReferralFactory(target_place=place, sent_at=days_ago(400))  # outside the default 12 months
    url = reverse("referrals:response_times")

    response = coordinator.get(url)
    assert response.status_code == 200
    (row,) = response.context["page"].object_list
    assert (row.received, row.answered, row.median_days, row.p90_days) == (3, 3, 2.0, 5.2)
    assert "?period=12&amp;format=csv" in response.content.decode()

    export = coordinator.get(url, {"period": "24", "format": "csv"})
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in export["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == reporting.CSV_HEADER
    assert rows[1][:6] == ["Centre social des Ponts", place.commune_name, "4", "3", "2,0", "5,2"]
    assert rows[1][-1] == "1"  # still waiting


def test_response_times_period_choice(coordinator):
    place = PlaceFactory(complete=True, published=True)
    ReferralFactory(target_place=place, sent_at=days_ago(60))
    url = reverse("referrals:response_times")
    assert len(coordinator.get(url, {"period": "1"}).context["page"].object_list) == 0
    assert len(coordinator.get(url, {"period": "3"}).context["page"].object_list) == 1
    wrong = coordinator.get(url, {"period": "7"})
    assert wrong.context["form"].errors and len(wrong.context["page"].object_list) == 1  # default: 12 months


def test_a_page_number_alone_is_not_a_filter(coordinator):
    ReferralFactory()
    response = coordinator.get(reverse("referrals:coordination"), {"page": "2"})
    assert response.status_code == 200
    assert not response.context["filtered"]
    assert "Effacer les filtres" not in response.content.decode()
