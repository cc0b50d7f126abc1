"""The yearly report (bilan), HTML and PDF, from real data; coordinators only."""

import pytest
from django.utils import timezone

from dashboards.report import build_report
from tests.orientation.factories import DiagnosticTallyFactory
from tests.places.factories import PlaceFactory
from tests.referrals.factories import ReferralFactory
from tests.vouchers.factories import BookFactory

pytestmark = pytest.mark.django_db


def _data():
    PlaceFactory(published=True, commune_id="47001", latitude=44.2, longitude=0.6)
    ReferralFactory.create_batch(2, closed=True)
    BookFactory(handed_out=True)
    DiagnosticTallyFactory(commune_id="47001", month=timezone.localdate().replace(day=1), count=3)


def test_report_has_every_registered_section(territory):
    _data()
    report = build_report(timezone.localdate().year)
    assert [s.key for s in report.sections][:5] == ["places", "people", "referrals", "diagnostics", "vouchers"]
    referrals = next(s for s in report.sections if s.key == "referrals")
    assert referrals.figures[0].value == 2
    assert sum(c["communes"] for c in report.coverage_classes) == 319


def test_report_pages(client_for, territory):
    _data()
    year = timezone.localdate().year
    client = client_for("coordinator")
    assert client.get("/pilotage/bilan/").status_code == 302
    response = client.get(f"/pilotage/bilan/{year}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Bilan {year}" in html and "Couverture du territoire" in html
    pdf = client.get(f"/pilotage/bilan/{year}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert client.get(f"/pilotage/bilan/{year + 1}/").status_code == 404


def test_report_is_for_coordinators(client_for, territory):
    assert client_for("partner_viewer").get("/pilotage/bilan/2026/").status_code == 403


def test_pdf_coverage_map_has_every_commune(territory):
    from reportlab.graphics.shapes import Polygon

    from dashboards.report import coverage_drawing

    _data()
    report = build_report(timezone.localdate().year)
    drawing = coverage_drawing(report.coverage_rows, "47")
    polygons = [shape for shape in drawing.contents if isinstance(shape, Polygon)]
    assert len(polygons) >= 319
    assert 0 < drawing.height < 1000


def test_report_compares_with_the_same_period_a_year_before(territory):
    from datetime import datetime

    _data()
    year = timezone.localdate().year
    ReferralFactory(sent_at=timezone.make_aware(datetime(year - 1, 1, 1, 12)))
    report = build_report(year)
    referrals = next(s for s in report.sections if s.key == "referrals")
    sent = referrals.figures[0]
    assert (sent.value, sent.previous) == (2, 1)


def _queries_and_content(client, url):
    """The number of queries of a GET, and its content (the CSRF token, masked anew on each request, left out)."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", response.content)


@pytest.mark.parametrize("years_ago", [0, 1])
def test_a_second_request_reuses_the_report(client_for, territory, years_ago):
    _data()
    year = timezone.localdate().year - years_ago
    client = client_for("coordinator")
    first_count, first_content = _queries_and_content(client, f"/pilotage/bilan/{year}/")
    second_count, second_content = _queries_and_content(client, f"/pilotage/bilan/{year}/")
    assert second_content == first_content
    assert second_count <= 10 < first_count
    pdf_count, _pdf = _queries_and_content(client, f"/pilotage/bilan/{year}/pdf/")
    assert pdf_count <= 10


def test_the_running_year_is_kept_minutes_and_a_closed_year_a_day(territory, monkeypatch):
    from dashboards import caching, report

    kept = {}

    class RecordingCache:
        def get(self, key):
            return None

        def set(self, key, value, seconds):
            kept[key.split(":")[1]] = seconds

    monkeypatch.setattr(caching, "cache", RecordingCache())
    year = timezone.localdate().year
    report.cached_report(year)
    assert kept["report"] == report.RUNNING_YEAR_SECONDS == 300
    report.cached_report(year - 1)
    assert kept["report"] == report.CLOSED_YEAR_SECONDS == 24 * 3600


def test_the_report_is_rebuilt_when_the_places_change(territory):
    from dashboards.report import cached_report

    _data()
    year = timezone.localdate().year
    first = cached_report(year)
    assert cached_report(year).built_at == first.built_at
    assert cached_report(year - 1).year == year - 1  # another year, another key
    PlaceFactory(published=True, commune_id="47002", latitude=44.3, longitude=0.4)
    assert cached_report(year).built_at != first.built_at
