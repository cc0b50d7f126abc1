from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import HistoryEntry
from people import services, timeline
from people.duplicates import duplicate_pairs, possible_duplicates
from people.models import Consent, Person
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.geo.factories import CommuneFactory
from tests.people.factories import ConsentFactory, PersonFactory, involve

pytestmark = pytest.mark.django_db


def person_history(person):
    return HistoryEntry.objects.filter(content_type__model="person", object_id=str(person.pk))


def test_factory_variants():
    assert PersonFactory(no_direct_contact=True).phone == ""
    assert PersonFactory(anonymized=True).is_anonymized
    org = OrganizationFactory()
    person = PersonFactory(involved=org)
    assert involve(person, org).organization == org and person.involvements.count() == 1


def test_database_refuses_a_person_without_any_contact():
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(first_name="Sans", last_name="Contact")
    with pytest.raises(ValidationError, match="Indiquez un téléphone ou une adresse e-mail"):
        Person(first_name="Sans", last_name="Contact").full_clean()


def test_create_person_requires_consent_and_involves_the_organisation():
    user = UserFactory(prescriber=True)
    org = user.memberships.get().organization
    with pytest.raises(ValidationError):
        services.create_person(
            acting_user=user, organization=org, consent_purpose="", consent_method="", last_name="X", phone="1"
        )
    person = services.create_person(
        acting_user=user,
        organization=org,
        consent_purpose=Consent.Purpose.ACCOMPANIMENT,
        consent_method=Consent.Method.WRITTEN,
        last_name="Roux",
        email="roux@example.org",
    )
    assert person.involvements.get().organization == org
    assert person.consents.get().recorded_by == user


def test_involve_organization_is_idempotent():
    person = PersonFactory()
    org = OrganizationFactory()
    services.involve_organization(person, organization=org, acting_user=None)
    services.involve_organization(person, organization=org, acting_user=None)
    assert person.involvements.count() == 1
    assert person_history(person).filter(action="person_organization_involved").count() == 1


def test_export_holds_identity_consents_involvements_and_history():
    user = UserFactory(mediator=True)
    person = PersonFactory(first_name="Paul", last_name="Vidal", birth_year=1970, languages=["fr", "ar"])
    involve(person, OrganizationFactory(name="CCAS d'Agen"))
    services.record_consent(person, acting_user=user, purpose="statistics", method="written")
    services.note_person_viewed(person, user)
    data = services.export_person_data(person)
    assert data["personne"]["nom"] == "Vidal" and data["personne"]["langues"] == ["Français", "Arabe"]
    assert data["consentements"][0]["objet"] == "Statistiques"
    assert data["organisations_impliquees"][0]["organisation"] == "CCAS d'Agen"
    assert {e["action"] for e in data["historique"]} == {"person_consent_recorded", "person_viewed"}


def test_erasure_leaves_no_personal_data_and_rewrites_history():
    user = UserFactory(mediator=True)
    person = PersonFactory(first_name="Paul", last_name="Vidal", email="paul@example.org", birth_year=1970)
    ConsentFactory(person=person)
    services.update_person(person, acting_user=user, first_name="Paulo")
    services.note_person_viewed(person, user)
    services.erase_person(person, acting_user=user, reason="demande de la personne")
    person.refresh_from_db()
    assert person.is_anonymized
    for field in ["first_name", "last_name", "phone", "email", "other_languages"]:
        assert getattr(person, field) == ""
    assert person.birth_year is None and person.languages == [] and person.specific_needs == []
    assert person.consents.count() == 1  # kept as an anonymous fact
    labels = set(person_history(person).values_list("object_label", flat=True))
    assert labels == {f"Personne anonymisée n° {person.pk}"}
    assert not any("Paul" in str(changes) for changes in person_history(person).values_list("changes", flat=True))
    assert not Person.objects.visible_to(UserFactory(coordinator=True)).exists()
    services.erase_person(person, acting_user=user)  # twice: nothing more
    assert person_history(person).filter(action="person_erased").count() == 1


def test_merge_moves_involvements_and_consents():
    coordinator = UserFactory(coordinator=True)
    shared, other = OrganizationFactory(), OrganizationFactory()
    into = PersonFactory(first_name="Fatima", last_name="Benali", involved=shared)
    duplicate = PersonFactory(first_name="Fatima", last_name="Ben Ali", involved=shared)
    involve(duplicate, other)
    ConsentFactory(person=duplicate)
    services.merge_people(duplicate, into, acting_user=coordinator)
    duplicate.refresh_from_db()
    assert duplicate.merged_into == into and duplicate.is_anonymized
    assert set(into.involvements.values_list("organization", flat=True)) == {shared.pk, other.pk}
    assert into.consents.count() == 1 and not duplicate.involvements.exists()
    assert person_history(into).filter(action="person_merged").exists()
    assert person_history(duplicate).filter(action="person_merged_into").exists()
    with pytest.raises(ValidationError):
        services.merge_people(into, into, acting_user=coordinator)


def test_possible_duplicates_need_a_similar_name_and_a_shared_fact():
    commune = CommuneFactory()
    person = PersonFactory(first_name="Jean-Pierre", last_name="Lefèvre", commune=commune, birth_year=1955)
    assert possible_duplicates({"first_name": "Jean Pierre", "last_name": "Lefevre", "commune": commune}) == [person]
    assert possible_duplicates({"first_name": "Jean Pierre", "last_name": "Lefevre", "birth_year": 1955}) == [person]
    assert possible_duplicates({"first_name": "Jean Pierre", "last_name": "Lefevre", "phone": person.phone}) == [
        person
    ]
    assert possible_duplicates({"first_name": "Jean Pierre", "last_name": "Lefevre", "birth_year": 1990}) == []
    assert possible_duplicates({"first_name": "Marie", "last_name": "Curie", "commune": commune}) == []
    other = PersonFactory(first_name="Jean Pierre", last_name="Lefevre", birth_year=1955)
    assert possible_duplicates(person) == [other]
    assert duplicate_pairs() == [(person, [other])]


def test_anonymization_command_dry_run_then_wet_run(settings):
    settings.PERSON_RETENTION_MONTHS = 24
    old = timezone.now() - timedelta(days=30 * 25)
    stale = PersonFactory(last_activity_at=old)
    never_active = PersonFactory(last_activity_at=None, created_at=old)
    recent = PersonFactory()
    out = StringIO()
    call_command("anonymize_inactive_people", stdout=out)
    assert "2 personne(s)" in out.getvalue()
    assert not Person.objects.filter(anonymized_at__isnull=False).exists()
    call_command("anonymize_inactive_people", "--wet-run", stdout=StringIO())
    assert set(Person.objects.filter(anonymized_at__isnull=False)) == {stale, never_active}
    recent.refresh_from_db()
    assert not recent.is_anonymized
    out = StringIO()
    call_command("anonymize_inactive_people", "--wet-run", stdout=out)
    assert "0 personne(s)" in out.getvalue()
    assert HistoryEntry.objects.filter(action="person_erased").count() == 2


def test_timeline_merges_providers_most_recent_first():
    person = PersonFactory()

    def first(p, viewer):
        return [timeline.TimelineEvent(date(2026, 1, 5), "Orientation", None, "referrals")]

    def second(p, viewer):
        return [timeline.TimelineEvent(timezone.now(), "Pass remis", "/pass/1/", "vouchers")]

    timeline.register(first)
    timeline.register(second)
    try:
        assert [e.label for e in timeline.events_for(person, None)] == ["Pass remis", "Orientation"]
    finally:
        timeline.unregister(first)
        timeline.unregister(second)
    assert timeline.events_for(person, None) == []
