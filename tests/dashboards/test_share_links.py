"""Read-only share links: created from the current filters, masked, revocable; a revoked link answers 404."""

import pytest
from django.template.defaultfilters import date as date_filter

from accounts.models import Role
from core.models import HistoryEntry
from dashboards.models import ShareLink
from dashboards.services import revoke_share_link
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.dashboards.factories import ShareLinkFactory
from tests.people.factories import PersonFactory
from tests.referrals.factories import ReferralFactory
from tests.roles import log_in

pytestmark = pytest.mark.django_db


def test_coordinator_creates_a_link_with_the_current_filters(client_for, territory):
    client = client_for("coordinator")
    response = client.post(
        "/pilotage/partages/creer/?start=2026-01-01&end=2026-06-30&module=referrals", {"label": "Comité de juin"}
    )
    assert response.status_code == 302
    link = ShareLink.objects.get()
    assert link.label == "Comité de juin"
    assert link.organization is None
    assert link.filters["start"] == "2026-01-01" and link.filters["module"] == "referrals"
    assert len(link.token) >= 40
    assert HistoryEntry.objects.filter(action="dashboards.share_created").count() == 1
    listing = client.get("/pilotage/partages/")
    assert f"/pilotage/partage/{link.token}/" in listing.content.decode()


def test_a_link_needs_a_label(client_for, territory):
    response = client_for("coordinator").post("/pilotage/partages/creer/", {"label": ""})
    assert response.status_code == 302
    assert not ShareLink.objects.exists()


def test_shared_view_is_public_masked_and_without_personal_data(client, territory):
    person = PersonFactory(first_name="Ginette", last_name="Secrète")
    ReferralFactory.create_batch(3, person=person)
    link = ShareLinkFactory()
    response = client.get(f"/pilotage/partage/{link.token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<dd>moins de 5</dd>" in html
    assert "Ginette" not in html and "Secrète" not in html
    assert response["X-Robots-Tag"] == "noindex"
    csv_response = client.get(f"/pilotage/partage/{link.token}/export.csv?table=referrals.by_status")
    assert b"moins de 5" in b"".join(csv_response.streaming_content)
    assert client.get(f"/pilotage/partage/{link.token}/export.xlsx").status_code == 200


def test_revoked_or_unknown_link_answers_404(client, client_for, territory):
    link = ShareLinkFactory()
    coordinator_client = client_for("coordinator")
    assert coordinator_client.post(f"/pilotage/partages/{link.pk}/revoquer/").status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert client.get(f"/pilotage/partage/{link.token}/").status_code == 404
    assert client.get(f"/pilotage/partage/{link.token}/export.csv?table=referrals.by_status").status_code == 404
    assert client.get("/pilotage/partage/inconnu/").status_code == 404
    assert HistoryEntry.objects.filter(action="dashboards.share_revoked").count() == 1


def test_revoking_twice_writes_one_history_row(territory):
    coordinator = UserFactory(role=Role.COORDINATOR)
    link = ShareLinkFactory()
    revoke_share_link(link, acting_user=coordinator)
    first = ShareLink.objects.get().revoked_at
    revoke_share_link(link, acting_user=coordinator)
    assert ShareLink.objects.get().revoked_at == first
    assert HistoryEntry.objects.filter(action="dashboards.share_revoked").count() == 1


def test_partner_shares_its_own_dashboard_and_cannot_revoke_another(client, territory):
    partner = OrganizationFactory()
    viewer = UserFactory(role=Role.PARTNER_VIEWER, organization=partner)
    log_in(client, viewer)
    assert client.post("/pilotage/partages/creer/", {"label": "CA de la CAF"}).status_code == 302
    assert ShareLink.objects.get().organization == partner
    foreign = ShareLinkFactory(organization=OrganizationFactory())
    assert client.post(f"/pilotage/partages/{foreign.pk}/revoquer/").status_code == 404
    departement_link = ShareLinkFactory()
    assert client.post(f"/pilotage/partages/{departement_link.pk}/revoquer/").status_code == 404


def test_a_mediator_cannot_share(client, territory):
    organization = OrganizationFactory()
    log_in(client, UserFactory(role=Role.MEDIATOR, organization=organization))
    assert client.post("/pilotage/partages/creer/", {"label": "x"}).status_code == 403


def test_share_link_list_query_count_does_not_grow(client_for, territory):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("coordinator")
    ShareLinkFactory.create_batch(2, organization=OrganizationFactory())
    client.get("/pilotage/partages/")
    with CaptureQueriesContext(connection) as few:
        client.get("/pilotage/partages/")
    ShareLinkFactory.create_batch(8, organization=OrganizationFactory())
    with CaptureQueriesContext(connection) as many:
        response = client.get("/pilotage/partages/")
    assert response.status_code == 200
    assert len(many) == len(few)


# Expiry ----------------------------------------------------------------------------------------------------------


def _in_days(days):
    from datetime import timedelta

    from django.utils import timezone

    return timezone.localdate() + timedelta(days=days)


def test_a_link_expires_in_90_days_by_default(client_for, territory):
    client = client_for("coordinator")
    page = client.get("/pilotage/").content.decode()
    assert f'name="expires_on" value="{_in_days(90).isoformat()}"' in page
    assert client.post("/pilotage/partages/creer/", {"label": "Sans date"}).status_code == 302
    link = ShareLink.objects.get()
    assert link.expires_on == _in_days(90)
    entry = HistoryEntry.objects.get(action="dashboards.share_created")
    assert entry.changes["expires_on"] == _in_days(90).isoformat()


def test_the_expiry_is_chosen_at_creation_and_shown(client_for, territory):
    client = client_for("coordinator")
    response = client.post(
        "/pilotage/partages/creer/", {"label": "Comité", "expires_on": _in_days(30).isoformat()}, follow=True
    )
    link = ShareLink.objects.get()
    assert link.expires_on == _in_days(30)
    html = response.content.decode()
    assert f"valable jusqu&#x27;au {_in_days(30):%d/%m/%Y}" in html
    assert '<th scope="col">Valable jusqu\'au</th>' in html
    assert f"<td>{date_filter(link.expires_on, 'j F Y')}</td>" in html
    assert client.get(f"/pilotage/partage/{link.token}/").status_code == 200


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (_in_days(366).isoformat(), "La date « Valable jusqu&#x27;au » ne peut pas dépasser le"),
        (_in_days(-1).isoformat(), "La date « Valable jusqu&#x27;au » ne peut pas être passée."),
        ("31/02/2026", "Saisissez une date valide dans « Valable jusqu&#x27;au »"),
    ],
)
def test_a_wrong_expiry_is_refused_in_french_naming_the_field(client_for, territory, value, message):
    client = client_for("coordinator")
    response = client.post("/pilotage/partages/creer/", {"label": "Comité", "expires_on": value}, follow=True)
    assert not ShareLink.objects.exists()
    assert message in response.content.decode()


def test_a_missing_label_is_named_in_the_message(client_for, territory):
    response = client_for("coordinator").post("/pilotage/partages/creer/", {"label": ""}, follow=True)
    assert "Donnez un nom au lien (« Nom du lien »)." in response.content.decode()


def test_the_expiry_form_accepts_up_to_the_maximum():
    from dashboards.forms import ShareLinkForm

    assert ShareLinkForm({"label": "x", "expires_on": _in_days(365).isoformat()}).is_valid()
    assert ShareLinkForm({"label": "x", "expires_on": _in_days(0).isoformat()}).is_valid()
    form = ShareLinkForm({"label": "x", "expires_on": _in_days(366).isoformat()})
    assert not form.is_valid() and "expires_on" in form.errors


def test_the_service_refuses_an_expiry_beyond_the_maximum(territory):
    from django.core.exceptions import ValidationError

    from dashboards.services import create_share_link

    with pytest.raises(ValidationError, match="365 jours au plus"):
        create_share_link(
            label="x", organization=None, filters={}, expires_on=_in_days(400), acting_user=UserFactory()
        )
    assert not ShareLink.objects.exists()


def test_an_expired_link_answers_410_with_a_plain_french_page(client, territory):
    link = ShareLinkFactory(expired=True)
    response = client.get(f"/pilotage/partage/{link.token}/")
    assert response.status_code == 410
    html = response.content.decode()
    assert "Lien de partage expiré" in html and 'lang="fr"' in html
    assert "Chiffres du département" not in html
    assert response["X-Robots-Tag"] == "noindex"
    assert client.get(f"/pilotage/partage/{link.token}/export.csv?table=referrals.by_status").status_code == 410
    assert client.get(f"/pilotage/partage/{link.token}/export.xlsx").status_code == 410


def test_a_link_works_on_its_last_day(client, territory):
    link = ShareLinkFactory(expires_on=_in_days(0))
    assert client.get(f"/pilotage/partage/{link.token}/").status_code == 200
    assert list(ShareLink.objects.active()) == [link]


def test_a_revoked_expired_link_answers_404(client, territory):
    link = ShareLinkFactory(expired=True)
    revoke_share_link(link, acting_user=UserFactory(role=Role.COORDINATOR))
    assert client.get(f"/pilotage/partage/{link.token}/").status_code == 404
    assert not ShareLink.objects.active().exists()


def test_the_management_page_shows_expired_links(client_for, territory):
    ShareLinkFactory(expired=True, label="Ancien comité")
    html = client_for("coordinator").get("/pilotage/partages/").content.decode()
    assert "Ancien comité" in html and "Expiré" in html
    assert "Révoquer" not in html
