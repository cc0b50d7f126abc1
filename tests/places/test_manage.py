from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from core.models import HistoryEntry
from geo.testing import load_test_territory
from places.emails import make_confirm_token
from places.models import ErrorReport, Place
from tests.accounts.factories import MembershipFactory, OrganizationFactory
from tests.places.factories import ErrorReportFactory, PlaceFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("places:manage_list")
CREATE_URL = reverse("places:manage_create")
MODERATION_URL = reverse("places:moderation")


@pytest.fixture
def agen(db):
    load_test_territory(departements=[], insee_codes=["47001", "47195"])


def form_data(organization=None, **overrides):
    data = {
        "name": "Médiathèque de Nérac",
        "address": "3 place du Marché",
        "postal_code": "47600",
        "commune": "Nérac",
        "phone": "05 53 00 00 00",
        "emails": "contact@example.org\naccueil@example.org",
        "websites": "",
        "opening_hours": "Tu-Sa 10:00-12:30,14:00-18:00; PH off",
        "summary": "Ordinateurs en accès libre et ateliers.",
        "services": ["Accès internet et matériel informatique", "Loisirs et créations numériques"],
        "fees": ["Gratuit"],
        "access_modes": ["Se présenter"],
    }
    if organization is not None:
        data["organization"] = organization.pk
    data.update(overrides)
    return data


def test_list_shows_own_places_stale_first(client_for):
    client = client_for("mediator")
    org = client.user.memberships.get().organization
    fresh = PlaceFactory(organization=org, name="Lieu récent", confirmed_at=timezone.now())
    stale = PlaceFactory(organization=org, name="Lieu ancien", confirmed_at=timezone.now() - timedelta(days=300))
    PlaceFactory(organization=OrganizationFactory(), name="Lieu d'une autre structure")
    response = client.get(LIST_URL)
    assert response.status_code == 200
    page = list(response.context["page"].object_list)
    assert page == [stale, fresh]
    assert "Lieu d&#x27;une autre structure" not in response.text
    assert "À vérifier" in response.text


def test_list_forbidden_to_prescribers(client_for):
    assert client_for("prescriber").get(LIST_URL).status_code == 403
    assert client_for("anonymous").get(LIST_URL).status_code == 302


def test_mediator_creates_a_draft(client_for, agen):
    client = client_for("mediator")
    org = client.user.memberships.get().organization
    response = client.get(CREATE_URL)
    assert response.status_code == 200
    assert "novalidate" in response.text
    assert 'type="checkbox"' in response.text
    assert "Mo-Fr 09:00-12:00,14:00-17:30" in response.text  # the example in the help text
    response = client.post(CREATE_URL, form_data())
    assert response.status_code == 302, response.context["form"].errors
    place = Place.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("places:manage_edit", args=[place.pk])
    assert place.status == Place.Status.DRAFT
    assert place.organization == org  # the only choice, required
    assert place.commune_id == "47195" and place.commune_name == "Nérac" and place.insee_code == "47195"
    assert place.point is not None  # the commune's centre
    assert place.phone == "+33553000000"
    assert place.emails == ["contact@example.org", "accueil@example.org"]
    assert place.completeness > 50
    assert HistoryEntry.objects.filter(action="place_created", actor=client.user).exists()


def test_form_errors_are_inline_and_in_french(client_for, agen):
    client = client_for("mediator")
    response = client.post(
        CREATE_URL,
        form_data(
            opening_hours="lundi 9h-12h",
            phone="12",
            emails="pas-une-adresse",
            services=[],
            postal_code="75001",
            latitude="44.2",
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Horaires illisibles" in errors["opening_hours"][0]
    assert "Numéro de téléphone invalide" in errors["phone"][0]
    assert "pas-une-adresse" in errors["emails"][0]
    assert "services" in errors
    assert "Le code postal ne correspond pas à Nérac" in errors["postal_code"][0]
    assert "longitude" in errors
    assert not Place.objects.exists()


def test_mediator_cannot_pick_another_organisation(client_for, agen):
    client = client_for("mediator")
    own = client.user.memberships.get().organization
    other = OrganizationFactory()
    # One organisation: no question asked, the place goes to it whatever is posted.
    client.post(CREATE_URL, form_data(organization=other))
    assert Place.objects.get().organization == own
    # Two organisations: a choice among them only.
    second = OrganizationFactory()
    MembershipFactory(user=client.user, organization=second, role=Role.ORG_ADMIN)
    response = client.post(CREATE_URL, form_data(organization=other))
    form = response.context["form"]
    assert "organization" in form.errors
    assert set(form.fields["organization"].queryset) == {own, second}
    assert "is_pass_qualified" not in form.fields


def test_edit_updates_and_confirms(client_for, agen):
    client = client_for("org_admin")
    org = client.user.memberships.get().organization
    place = PlaceFactory(
        published=True, complete=True, organization=org, confirmed_at=timezone.now() - timedelta(days=400)
    )
    url = reverse("places:manage_edit", args=[place.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "n'a pas été confirmée depuis plus de 6 mois" in response.text
    assert "Horaires enregistrés" in response.text
    response = client.post(url, form_data(organization=org, name="Nouveau nom", postal_code="47000", commune="Agen"))
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.name == "Nouveau nom"
    assert place.status == Place.Status.PUBLISHED
    assert not place.is_stale
    entry = HistoryEntry.objects.get(action="place_updated")
    assert entry.changes["name"][1] == "Nouveau nom"


def test_edit_is_refused_to_other_organisations(client_for):
    place = PlaceFactory(published=True, organization=OrganizationFactory())
    url = reverse("places:manage_edit", args=[place.pk])
    assert client_for("mediator").get(url).status_code == 403
    draft = PlaceFactory(organization=OrganizationFactory())
    assert client_for("mediator").get(reverse("places:manage_edit", args=[draft.pk])).status_code == 404


def test_confirm_button(client_for):
    client = client_for("mediator")
    org = client.user.memberships.get().organization
    place = PlaceFactory(published=True, organization=org, confirmed_at=None)
    url = reverse("places:manage_confirm", args=[place.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"next": "list"})
    assert response.url == LIST_URL
    place.refresh_from_db()
    assert place.confirmed_at is not None


def test_archive_page(client_for):
    client = client_for("mediator")
    org = client.user.memberships.get().organization
    place = PlaceFactory(published=True, organization=org)
    url = reverse("places:manage_archive", args=[place.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"reason": "Le lieu a fermé."})
    place.refresh_from_db()
    assert place.status == Place.Status.ARCHIVED


def test_moderation_queue(client_for):
    client = client_for("coordinator")
    draft = PlaceFactory(name="Brouillon à publier")
    stale = PlaceFactory(published=True, name="Lieu oublié", confirmed_at=timezone.now() - timedelta(days=400))
    PlaceFactory(published=True, name="Lieu à jour", confirmed_at=timezone.now())
    report = ErrorReportFactory(
        what_is_wrong="Le téléphone ne répond plus.", contact="julie@example.org", place__confirmed_at=timezone.now()
    )
    response = client.get(MODERATION_URL)
    assert response.status_code == 200
    assert list(response.context["drafts"]) == [draft]
    assert list(response.context["page"].object_list) == [stale]
    assert "Le téléphone ne répond plus." in response.text and "julie@example.org" in response.text
    response = client.post(reverse("places:manage_publish", args=[draft.pk]), {"next": "moderation"})
    assert response.url == MODERATION_URL
    draft.refresh_from_db()
    assert draft.status == Place.Status.PUBLISHED
    client.post(reverse("places:report_resolve", args=[report.pk]), {"status": "dismissed"})
    report.refresh_from_db()
    assert report.status == ErrorReport.Status.DISMISSED


def test_moderation_forbidden_to_others(client_for):
    assert client_for("org_admin").get(MODERATION_URL).status_code == 403
    place = PlaceFactory(organization=OrganizationFactory())
    client = client_for("mediator")
    assert client.post(reverse("places:manage_publish", args=[place.pk])).status_code == 404


def test_owner_resolves_a_report_from_the_edit_page(client_for):
    client = client_for("mediator")
    org = client.user.memberships.get().organization
    report = ErrorReportFactory(place__organization=org)
    response = client.get(reverse("places:manage_edit", args=[report.place.pk]))
    assert "Erreurs signalées par les visiteurs" in response.text
    response = client.post(reverse("places:report_resolve", args=[report.pk]), {"status": "fixed", "next": "edit"})
    assert response.url == reverse("places:manage_edit", args=[report.place.pk])
    report.refresh_from_db()
    assert report.status == ErrorReport.Status.FIXED and report.handled_by == client.user
    other = ErrorReportFactory(place__organization=OrganizationFactory())
    assert client.post(reverse("places:report_resolve", args=[other.pk]), {"status": "fixed"}).status_code == 404


def test_confirm_link_get_changes_nothing_post_confirms(client):
    place = PlaceFactory(published=True, complete=True, confirmed_at=None)
    url = reverse("places:confirm_by_link", args=[make_confirm_token(place, "lieu@example.org")])
    response = client.get(url)
    assert response.status_code == 200
    assert "Oui, tout est toujours exact" in response.text
    place.refresh_from_db()
    assert place.confirmed_at is None
    response = client.post(url)
    assert response.status_code == 200
    place.refresh_from_db()
    assert place.confirmed_at is not None
    entry = HistoryEntry.objects.get(action="place_confirmed")
    assert entry.actor is None and "lieu@example.org" in entry.message


def test_confirm_link_rejects_tampered_or_expired_tokens(client, settings):
    place = PlaceFactory(published=True)
    token = make_confirm_token(place, "lieu@example.org")
    assert client.get(reverse("places:confirm_by_link", args=[token + "x"])).status_code == 400
    settings.PLACE_CONFIRM_LINK_DAYS = -1
    assert client.post(reverse("places:confirm_by_link", args=[token])).status_code == 400
    place.refresh_from_db()
    assert place.confirmed_at is None


def test_menu_entries(client_for):
    assert "Mes lieux" in client_for("mediator").get(reverse("core:home")).text
    assert "Mes lieux" not in client_for("prescriber").get(reverse("core:home")).text
    assert "Modération des lieux" in client_for("coordinator").get(reverse("core:home")).text
    assert "Modération des lieux" not in client_for("org_admin").get(reverse("core:home")).text


def test_list_and_moderation_queries_do_not_grow_with_places(client_for, django_assert_max_num_queries):
    coordinator = client_for("coordinator")
    mediator = client_for("mediator")
    org = mediator.user.memberships.get().organization

    def add_places():
        for _ in range(5):
            PlaceFactory(organization=org, published=True, confirmed_at=None)
            PlaceFactory(organization=org)
            ErrorReportFactory(place__organization=org)

    add_places()
    with django_assert_max_num_queries(12) as small:
        mediator.get(LIST_URL)
    with django_assert_max_num_queries(16) as small_moderation:
        coordinator.get(MODERATION_URL)
    add_places()
    with django_assert_max_num_queries(len(small.captured_queries)):
        mediator.get(LIST_URL)
    with django_assert_max_num_queries(len(small_moderation.captured_queries)):
        coordinator.get(MODERATION_URL)


def test_owner_sets_the_structure_types_from_the_national_list(client_for, agen):
    client = client_for("org_admin")
    org = client.user.memberships.get().organization
    place = PlaceFactory(published=True, complete=True, organization=org)
    url = reverse("places:manage_edit", args=[place.pk])
    response = client.post(url, form_data(organization=org, typologies=["BIB", "MUNI"]))
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.typologies == ["BIB", "MUNI"]
    response = client.post(url, form_data(organization=org, typologies=["PAS_UN_TYPE"]))
    assert response.status_code == 200
    assert "PAS_UN_TYPE" in response.text and "aria-invalid" in response.text
