"""Open-data URLs and the coordinators' import page (through the HTTP client)."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from places.models import Place, PlaceImport
from tests.places.factories import PlaceFactory
from tests.places.test_import import csv_bytes, place_row


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def body(response):
    return b"".join(response.streaming_content).decode("utf-8")


def test_open_data_csv_is_public_streamed_and_named(client, settings):
    settings.PLATFORM_OPERATOR_SIRET = "22470001700011"
    place = PlaceFactory(published=True, complete=True)
    PlaceFactory(draft=True)
    response = client.get(reverse("places:open_data_csv"))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and disposition.endswith(
        '_22470001700011_lieux-de-mediation-numerique_Departement47.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert [row["id"] for row in rows] == [str(place.uid)]


def test_open_data_json(client):
    PlaceFactory(published=True, complete=True)
    response = client.get(reverse("places:open_data_json"))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.json"')
    assert len(json.loads(body(response))) == 1


def test_open_data_data_inclusion(client):
    PlaceFactory(published=True, complete=True)
    response = client.get(reverse("places:open_data_data_inclusion"))
    document = json.loads(body(response))
    assert len(document["structures"]) == 1 and document["services"][0]["nom"]


def test_open_data_query_count_does_not_grow_with_places(client, django_assert_max_num_queries):
    PlaceFactory.create_batch(30, published=True, complete=True)
    with django_assert_max_num_queries(4):
        body(client.get(reverse("places:open_data_csv")))


@pytest.mark.parametrize("role", ["mediator", "org_admin", "prescriber"])
def test_import_pages_are_for_coordinators(client_for, role):
    client = client_for(role)
    assert client.get(reverse("places:import_upload")).status_code == 403
    place_import = PlaceImport.objects.create(source="s", filename="f.csv")
    assert client.get(reverse("places:import_detail", args=[place_import.pk])).status_code == 403


def test_upload_runs_the_import_and_shows_the_result(client_for, django_capture_on_commit_callbacks):
    client = client_for("coordinator")
    assert client.get(reverse("places:import_upload")).status_code == 200
    upload = SimpleUploadedFile("lieux.csv", csv_bytes([place_row(1), place_row(2)]), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("places:import_upload"), {"file": upload, "source": "cartographie", "keep_valid_rows": ""}
        )
    place_import = PlaceImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "places:import_detail", args=[place_import.pk]
    )
    assert place_import.file.name.startswith("imports/lieux/")
    assert place_import.created_by == client.user
    assert place_import.status == PlaceImport.Status.DONE and place_import.created_count == 2
    assert Place.objects.filter(import_source="cartographie", status=Place.Status.PUBLISHED).count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "Import terminé" in page and 'http-equiv="refresh"' not in page and "hx-trigger" not in page


def test_dry_run_upload_with_errors_lists_them_by_line(client_for, django_capture_on_commit_callbacks):
    client = client_for("coordinator")
    data = csv_bytes([place_row(1), place_row(2, code_postal="4700A")])
    upload = SimpleUploadedFile("lieux.csv", data, content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("places:import_upload"), {"file": upload, "source": "cartographie", "dry_run": "on"}
        )
    page = client.get(response["Location"]).content.decode()
    assert Place.objects.count() == 0
    assert "Simulation terminée" in page
    assert "Ligne 3, colonne code_postal" in page


def test_running_import_page_refreshes_itself_and_shows_progress(client_for):
    client = client_for("coordinator")
    place_import = PlaceImport.objects.create(
        source="s", filename="f.csv", status=PlaceImport.Status.RUNNING, total_rows=3000, processed_rows=1000
    )
    page = client.get(reverse("places:import_detail", args=[place_import.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="5">' in page  # inside <noscript>
    assert 'hx-trigger="every 3s"' in page
    assert 'max="3000"' in page and 'value="1000"' in page and "1000 lignes lues sur 3000" in page


def test_upload_form_errors(client_for):
    client = client_for("coordinator")
    upload = SimpleUploadedFile("lieux.pdf", b"%PDF", content_type="application/pdf")
    response = client.post(reverse("places:import_upload"), {"file": upload, "source": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choisissez un fichier CSV ou JSON." in page
    assert PlaceImport.objects.count() == 0
