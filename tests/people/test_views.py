import json

import pytest
from django.urls import reverse

from accounts.models import Membership, Role
from core.models import HistoryEntry
from geo.testing import load_test_territory
from people.models import Consent, Involvement, Person
from tests.accounts.factories import OrganizationFactory
from tests.people.factories import ConsentFactory, PersonFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("people:list")
CREATE_URL = reverse("people:create")


@pytest.fixture
def agen(db):
    load_test_territory(departements=[], insee_codes=["47001"])


def organization_of(client):
    return client.user.memberships.get().organization


def form_data(**overrides):
    data = {
        "first_name": "Jeanne",
        "last_name": "Dupuy",
        "phone": "06 12 34 56 78",
        "email": "",
        "commune": "",
        "birth_year": "1950",
        "languages": ["fr"],
        "other_languages": "",
        "specific_needs": ["sight"],
        "consent": "on",
        "consent_method": "oral",
    }
    data.update(overrides)
    return data


# Visibility ---------------------------------------------------------------------------------------------


def test_mediator_of_another_organisation_gets_404(client_for):
    mediator = client_for("mediator")
    person = PersonFactory(involved=OrganizationFactory())
    for name in ["detail", "edit", "consent", "export", "erase"]:
        assert mediator.get(reverse(f"people:{name}", args=[person.pk])).status_code == 404, name
    assert not HistoryEntry.objects.filter(action="person_viewed").exists()


def test_members_see_the_people_of_their_organisation_only(client_for):
    prescriber = client_for("prescriber")
    mine = PersonFactory(involved=organization_of(prescriber), last_name="Visible")
    PersonFactory(involved=OrganizationFactory(), last_name="Cachée")
    PersonFactory(involved=organization_of(prescriber), anonymized=True)
    assert list(Person.objects.visible_to(prescriber.user)) == [mine]
    page = prescriber.get(LIST_URL).text
    assert "Visible" in page and "Cachée" not in page


@pytest.mark.parametrize("role", ["partner_viewer", "refurbisher"])
def test_partner_viewers_and_refurbishers_see_no_personal_data(client_for, role):
    client = client_for(role)
    person = PersonFactory(involved=organization_of(client))
    assert not Person.objects.visible_to(client.user).exists()
    assert client.get(LIST_URL).status_code == 403
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 404
    assert "Personnes accompagnées" not in client.get(reverse("core:home")).text


def test_coordinator_sees_everyone_not_anonymised(client_for):
    coordinator = client_for("coordinator")
    people = [PersonFactory(involved=OrganizationFactory()), PersonFactory()]
    PersonFactory(anonymized=True)
    assert set(Person.objects.visible_to(coordinator.user)) == set(people)
    assert coordinator.get(reverse("people:detail", args=[people[1].pk])).status_code == 200


def test_list_search_and_bounded_queries(client_for, django_assert_max_num_queries):
    mediator = client_for("mediator")
    org = organization_of(mediator)
    PersonFactory(involved=org, first_name="Aline", last_name="Roux")
    for _ in range(3):
        PersonFactory(involved=org)
    page = mediator.get(LIST_URL, {"q": "roux"}).text
    assert "Aline Roux" in page and "1 personne" in page
    with django_assert_max_num_queries(12) as small:
        mediator.get(LIST_URL)
    for _ in range(10):
        PersonFactory(involved=org)
    with django_assert_max_num_queries(len(small.captured_queries)):
        mediator.get(LIST_URL)


# Creation -----------------------------------------------------------------------------------------------


def test_prescriber_creates_a_person_with_consent(client_for, agen):
    prescriber = client_for("prescriber")
    response = prescriber.post(CREATE_URL, form_data(commune="Agen"))
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("people:detail", args=[person.pk])
    assert person.phone == "+33612345678" and person.commune.insee_code == "47001"
    assert person.specific_needs == ["sight"] and person.birth_year == 1950
    assert person.involvements.get().organization == organization_of(prescriber)
    consent = person.consents.get()
    assert consent.method == Consent.Method.ORAL and consent.recorded_by == prescriber.user
    assert HistoryEntry.objects.filter(action="person_created", object_id=str(person.pk)).exists()


def test_consent_is_required_at_creation(client_for):
    response = client_for("prescriber").post(CREATE_URL, form_data(consent=""))
    assert response.status_code == 200
    assert "Le consentement de la personne est obligatoire" in response.context["form"].errors["consent"][0]
    assert not Person.objects.exists()


def test_no_contact_at_all_is_refused_in_french(client_for):
    response = client_for("prescriber").post(CREATE_URL, form_data(phone=""))
    assert response.status_code == 200
    assert "Indiquez un téléphone ou une adresse e-mail" in response.text
    assert not Person.objects.exists()
    response = client_for("prescriber").post(CREATE_URL, form_data(phone="", no_direct_contact="on"))
    assert response.status_code == 302


def test_birth_year_out_of_range(client_for):
    response = client_for("prescriber").post(CREATE_URL, form_data(birth_year="1850"))
    assert "comprise entre 1900" in response.context["form"].errors["birth_year"][0]


def test_user_with_several_organisations_chooses(client_for):
    prescriber = client_for("prescriber")
    other = OrganizationFactory(name="CCAS de Nérac")
    Membership.objects.create(user=prescriber.user, organization=other, role=Role.MEDIATOR)
    response = prescriber.post(CREATE_URL, form_data())
    assert "Choisissez l'organisation" in response.context["form"].errors["organization"][0]
    prescriber.post(CREATE_URL, form_data(organization=other.pk))
    assert Person.objects.get().involvements.get().organization == other


def test_coordinator_creates_for_their_organisation_administrator_cannot(client_for):
    coordinator = client_for("coordinator")
    assert coordinator.post(CREATE_URL, form_data()).status_code == 302
    assert Person.objects.get().involvements.get().organization == organization_of(coordinator)
    assert client_for("administrator").get(CREATE_URL).status_code == 403


def test_duplicate_warning_needs_a_deliberate_checkbox(client_for):
    prescriber = client_for("prescriber")
    PersonFactory(first_name="Jeanne", last_name="Dupuis", birth_year=1950, commune=None)
    response = prescriber.post(CREATE_URL, form_data())
    assert response.status_code == 200
    assert "Cette personne est peut-être déjà enregistrée" in response.text
    # The look-alike is followed by another organisation: counted, never shown.
    assert "Dupuis" not in response.text and "1 fiche proche est suivie par d" in response.text
    assert Person.objects.count() == 1
    response = prescriber.post(CREATE_URL, form_data(not_duplicate="on"))
    assert response.status_code == 302 and Person.objects.count() == 2


# Detail, audit, rectification, consents ------------------------------------------------------------------


def test_every_view_is_written_to_the_audit_trail(client_for):
    mediator = client_for("mediator")
    person = PersonFactory(involved=organization_of(mediator))
    url = reverse("people:detail", args=[person.pk])
    page = mediator.get(url).text
    mediator.get(url)
    views = HistoryEntry.objects.filter(action="person_viewed", object_id=str(person.pk))
    assert views.count() == 2 and views.first().actor == mediator.user
    assert "apparaîtront ici" in page


def test_rectification_keeps_the_diff(client_for):
    mediator = client_for("mediator")
    person = PersonFactory(involved=organization_of(mediator), first_name="Jean", last_name="Roux")
    data = form_data(first_name="Jeanne", last_name="Roux", phone=person.phone)
    response = mediator.post(reverse("people:edit", args=[person.pk]), data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.first_name == "Jeanne"
    entry = HistoryEntry.objects.get(action="person_updated")
    assert entry.changes["first_name"] == ["Jean", "Jeanne"]


def test_record_and_withdraw_consent(client_for):
    mediator = client_for("mediator")
    person = PersonFactory(involved=organization_of(mediator))
    response = mediator.post(
        reverse("people:consent", args=[person.pk]), {"purpose": "statistics", "method": "written"}
    )
    assert response.status_code == 302
    consent = person.consents.get(purpose="statistics")
    assert "Retirer ce consentement" in mediator.get(reverse("people:detail", args=[person.pk])).text
    mediator.post(reverse("people:consent_withdraw", args=[person.pk, consent.pk]))
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert HistoryEntry.objects.filter(action="person_consent_withdrawn").count() == 1


def test_withdraw_is_post_only_and_scoped(client_for):
    mediator = client_for("mediator")
    person = PersonFactory(involved=organization_of(mediator))
    other_consent = ConsentFactory(person=PersonFactory(involved=OrganizationFactory()))
    url = reverse("people:consent_withdraw", args=[person.pk, other_consent.pk])
    assert mediator.get(url).status_code == 405
    assert mediator.post(url).status_code == 404


# Export, erasure, merge ---------------------------------------------------------------------------------


def test_export_downloads_json(client_for):
    mediator = client_for("mediator")
    person = PersonFactory(involved=organization_of(mediator), first_name="Paul")
    ConsentFactory(person=person)
    response = mediator.get(reverse("people:export", args=[person.pk]))
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert HistoryEntry.objects.filter(action="person_viewed", actor=mediator.user).count() == 1
    data = json.loads(response.content)
    assert data["personne"]["prenom"] == "Paul"
    assert len(data["consentements"]) == 1 and len(data["organisations_impliquees"]) == 1


def test_erase_page_confirms_then_erases(client_for):
    mediator = client_for("mediator")
    person = PersonFactory(involved=organization_of(mediator))
    url = reverse("people:erase", args=[person.pk])
    assert "Effacer définitivement" in mediator.get(url).text
    response = mediator.post(url, {"reason": ""})
    assert "Cochez cette case" in response.text
    response = mediator.post(url, {"reason": "demande de la personne", "confirm": "on"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.is_anonymized and person.first_name == "" and person.phone == ""
    assert mediator.get(reverse("people:detail", args=[person.pk])).status_code == 404


def test_duplicates_and_merge_pages_for_coordinators(client_for):
    coordinator = client_for("coordinator")
    kept = PersonFactory(first_name="Fatima", last_name="Benali", phone="+33612345678", involved=OrganizationFactory())
    duplicate = PersonFactory(first_name="Fatima", last_name="Ben Ali", phone="+33612345678")
    page = coordinator.get(reverse("people:duplicates")).text
    assert f"fusionner la fiche n° {duplicate.pk}" in page
    response = coordinator.post(reverse("people:merge", args=[duplicate.pk]), {"into": kept.pk})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept and duplicate.is_anonymized
    assert client_for("mediator").get(reverse("people:duplicates")).status_code == 403


def test_menu_entry(client_for):
    assert "Personnes accompagnées" in client_for("prescriber").get(reverse("core:home")).text
    assert "Personnes accompagnées" in client_for("coordinator").get(reverse("core:home")).text
    assert Involvement.objects.count() == 0


def test_duplicate_warning_shows_the_people_the_user_may_see(client_for):
    prescriber = client_for("prescriber")
    PersonFactory(first_name="Jeanne", last_name="Dupuis", birth_year=1950, involved=organization_of(prescriber))
    response = prescriber.post(CREATE_URL, form_data())
    assert "Jeanne Dupuis" in response.text and "suivie par d" not in response.text
