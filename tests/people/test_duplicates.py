import importlib
from itertools import combinations

import pytest
from django.apps import apps
from django.urls import reverse

from people import services
from people.duplicates import duplicate_pairs, is_similar, name_key
from people.models import Consent, Person
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.geo.factories import CommuneFactory
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db

URL = reverse("people:duplicates")


def all_pairs_compared():
    """The former page: every active pair compared with the difflib rule (the reference)."""
    people = list(Person.objects.active().order_by("pk"))
    found = {}
    for person, other in combinations(people, 2):
        if is_similar({**vars(person), "pk": person.pk}, other):
            found.setdefault(person, []).append(other)
    return sorted(found.items(), key=lambda pair: pair[0].pk)


@pytest.mark.parametrize(
    "name, other",
    [
        (("Jean-Pierre", "Lefèvre"), ("Jean Pierre", "Lefebvre")),
        (("Fatima", "Benali"), ("Fatima", "Ben Ali")),
        (("Jeanne", "Dupuy"), ("Jeane", "Dupuis")),
        (("Paul", "Dupont"), ("Paul", "DUPOND")),
        (("Philippe", "Leroux"), ("Filippe", "Le Roux")),
        (("Gaëlle", "Cœur"), ("Gaelle", "Coeur")),
    ],
)
def test_look_alike_names_share_their_key(name, other):
    assert name_key(*name) == name_key(*other) != ""


def test_different_names_have_different_keys():
    assert name_key("Marie", "Curie") != name_key("Mario", "Curry")
    assert name_key("", "") == ""


def test_the_keys_find_the_pairs_all_comparisons_found():
    commune, elsewhere = CommuneFactory(), CommuneFactory()
    by_phone = PersonFactory(first_name="Fatima", last_name="Benali", phone="06 12 34 56 78")
    PersonFactory(first_name="Fatima", last_name="Ben Ali", phone="+33612345678")
    by_year = PersonFactory(first_name="Jeanne", last_name="Dupuy", birth_year=1950)
    PersonFactory(first_name="Jeanne", last_name="Dupuis", birth_year=1950)
    by_commune = PersonFactory(first_name="Jean-Pierre", last_name="Lefèvre", commune=commune)
    PersonFactory(first_name="Jean Pierre", last_name="Lefevre", commune=commune)
    PersonFactory(first_name="Jean Pierre", last_name="Lefevre", commune=elsewhere)  # nothing more in common
    PersonFactory(first_name="Marie", last_name="Curie", commune=commune)  # only the commune in common
    PersonFactory(first_name="Fatima", last_name="Benali", phone="06 12 34 56 78", anonymized=True)
    PersonFactory(first_name="Camille", last_name="Martin", birth_year=1980)
    PersonFactory(first_name="Camille", last_name="Martine", birth_year=1980, commune=commune)
    pairs = duplicate_pairs()
    assert pairs == all_pairs_compared()
    assert {person for person, _others in pairs} >= {by_phone, by_year, by_commune}
    assert len(pairs) == 4 and all(len(others) == 1 for _person, others in pairs)


def test_the_services_keep_the_keys_up_to_date():
    user = UserFactory(prescriber=True)
    person = services.create_person(
        acting_user=user,
        organization=user.memberships.get().organization,
        consent_purpose=Consent.Purpose.ACCOMPANIMENT,
        consent_method=Consent.Method.WRITTEN,
        first_name="Paul",
        last_name="Vidal",
        phone="06 11 22 33 44",
        birth_year=1970,
    )
    person.refresh_from_db()
    assert (person.name_key, person.phone_key) == (name_key("Paul", "Vidal"), "+33611223344")
    other = PersonFactory(first_name="Pierre", last_name="Martin", birth_year=1970)
    assert duplicate_pairs() == []
    services.update_person(other, acting_user=user, first_name="Paul", last_name="Vidale")
    assert duplicate_pairs() == [(person, [other])]
    services.erase_person(other, acting_user=user)
    other.refresh_from_db()
    assert (other.name_key, other.phone_key) == ("", "")
    assert duplicate_pairs() == []


def test_the_migration_sets_the_keys_of_existing_people():
    person = PersonFactory(first_name="Gaëlle", last_name="Le Roux", phone="06 12 34 56 78")
    Person.objects.update(name_key="", phone_key="")
    migration = importlib.import_module("people.migrations.0004_backfill_duplicate_keys")
    migration.backfill(apps, None)
    person.refresh_from_db()
    assert (person.name_key, person.phone_key) == (name_key("Gaëlle", "Le Roux"), "+33612345678")


def test_pairs_are_only_read_among_the_people_given():
    year = 1960
    first = PersonFactory(first_name="Ali", last_name="Haddad", birth_year=year)
    second = PersonFactory(first_name="Ali", last_name="Hadad", birth_year=year)
    assert duplicate_pairs() == [(first, [second])]
    assert duplicate_pairs(among=Person.objects.exclude(pk=second.pk)) == []


def add_pairs(count, start=0):
    for index in range(start, start + count):
        commune = CommuneFactory()
        PersonFactory(first_name="Lucie", last_name=f"Bernard{index}", commune=commune)
        PersonFactory(first_name="Lucie", last_name=f"Bernard{index}", commune=commune, involved=OrganizationFactory())
        PersonFactory(first_name=f"Seule{index}", last_name="Sans double")


def test_page_is_paginated_and_its_queries_do_not_grow(client_for, django_assert_max_num_queries):
    coordinator = client_for("coordinator")
    add_pairs(3)
    with django_assert_max_num_queries(15) as few:
        page = coordinator.get(URL).text
    assert page.count("fusionner la fiche n°") == 3
    add_pairs(30, start=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = coordinator.get(URL).text
    assert page.count("fusionner la fiche n°") == 25
    assert coordinator.get(URL, {"page": 2}).text.count("fusionner la fiche n°") == 8


def test_a_merged_pair_does_not_come_back(client_for):
    coordinator = client_for("coordinator")
    kept = PersonFactory(first_name="Fatima", last_name="Benali", phone="+33612345678")
    duplicate = PersonFactory(first_name="Fatima", last_name="Ben Ali", phone="06 12 34 56 78")
    assert f"fusionner la fiche n° {duplicate.pk}" in coordinator.get(URL).text
    coordinator.post(reverse("people:merge", args=[duplicate.pk]), {"into": kept.pk})
    page = coordinator.get(URL).text
    assert f"fusionner la fiche n° {duplicate.pk}" not in page and "Aucun doublon possible" in page
