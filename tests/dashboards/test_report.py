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
