"""Import of the indice de fragilité numérique: bad lines reported with their number, vintages kept apart."""

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from core.models import HistoryEntry
from dashboards.ifn import parse_ifn
from dashboards.models import IFNScore

SAMPLE = Path(__file__).parent / "data" / "ifn_sample.csv"


def test_parse_reports_each_bad_line():
    parsed = parse_ifn(SAMPLE.read_text(encoding="utf-8"), level="commune", scale="1-10")
    assert parsed.scores["47001"] == Decimal("4.20")
    assert parsed.scores["04705"] == Decimal("3.00")  # leading zero restored
    assert {number for number, _message in parsed.errors} == {5, 6, 7, 8}
    messages = dict(parsed.errors)
    assert "invalide" in messages[5]
    assert "illisible" in messages[6]
    assert "hors de l'échelle" in messages[7]
    assert "en double" in messages[8]


@pytest.mark.parametrize("score", ["NaN", "nan", "sNaN", "inf", "-Infinity"])
def test_a_score_that_is_not_a_finite_number_is_a_line_error(score):
    parsed = parse_ifn(f"code_insee;score\n47001;{score}\n47002;4,5\n", level="commune", scale="1-10")
    assert parsed.scores == {"47002": Decimal("4.50")}
    [(number, message)] = parsed.errors
    assert number == 2
    assert f"Score « {score} » illisible" in message


def test_parse_refuses_a_file_without_the_columns():
    parsed = parse_ifn("commune,valeur\n47001,3\n", level="commune", scale="1-10")
    assert parsed.scores == {}
    assert parsed.errors[0][0] == 1


@pytest.mark.django_db
def test_command_imports_the_good_lines_and_lists_the_bad(territory):
    out, err = StringIO(), StringIO()
    call_command("import_ifn", str(SAMPLE), "--version", "2023", stdout=out, stderr=err)
    assert "Ligne 6 : Score « onze » illisible." in err.getvalue()
    assert "99999" in err.getvalue()  # unknown commune, not imported
    scores = dict(IFNScore.objects.values_list("code", "score"))
    assert scores == {"47001": Decimal("4.20"), "47323": Decimal("6.80")}
    assert IFNScore.objects.get(code="47001").commune_id == "47001"
    assert HistoryEntry.objects.filter(action="dashboards.ifn_imported").count() == 1
    # Run again: nothing changes. Another vintage is kept apart.
    call_command("import_ifn", str(SAMPLE), "--version", "2023", stdout=StringIO(), stderr=StringIO())
    assert IFNScore.objects.count() == 2
    call_command("import_ifn", str(SAMPLE), "--version", "2024", stdout=StringIO(), stderr=StringIO())
    assert list(IFNScore.objects.order_by("version").values_list("version", flat=True).distinct()) == ["2023", "2024"]


@pytest.mark.django_db
def test_strict_and_dry_run_write_nothing(territory):
    call_command("import_ifn", str(SAMPLE), "--version", "2023", "--strict", stdout=StringIO(), stderr=StringIO())
    call_command("import_ifn", str(SAMPLE), "--version", "2023", "--dry-run", stdout=StringIO(), stderr=StringIO())
    assert not IFNScore.objects.exists()
