"""Small counts (1 to 4) are masked in partner and shared views; zero and larger counts stay."""

from django.template.loader import render_to_string

from dashboards.masking import MASKED, mask_section, mask_value
from dashboards.registry import DAYS, EUROS, NUMBER, PERCENT, Figure, Section, Series, Table


def test_mask_value():
    assert [mask_value(v) for v in (0, 1, 4, 5, 120)] == [0, MASKED, MASKED, 5, 120]
    assert mask_value(2.5) == 2.5  # not a count
    assert str(MASKED) == "moins de 5"


def test_mask_section_masks_counts_shares_on_small_bases_points_and_cells():
    section = Section(
        key="x",
        title="X",
        figures=[
            Figure("people", "Personnes", 3),
            Figure("places", "Lieux", 2, NUMBER),
            Figure("share", "Part", 50, PERCENT, base=4),
            Figure("big_share", "Part", 50, PERCENT, base=40),
        ],
        series=[Series("s", "S", [("janv.", 2), ("févr.", 9)])],
        tables=[Table("t", "T", ["Commune", "Personnes", "Code"], [["Agen", 1, 47001], ["Nérac", 12, 47195]], (1,))],
    )
    masked = mask_section(section)
    assert [f.value for f in masked.figures] == [MASKED, 2, MASKED, 50]
    assert masked.series[0].points == [("janv.", MASKED), ("févr.", 9)]
    assert masked.tables[0].rows == [["Agen", MASKED, 47001], ["Nérac", 12, 47195]]
    # the original is untouched (it may sit in the cache)
    assert section.figures[0].value == 3
    assert section.tables[0].rows[0][1] == 1


def test_a_figure_computed_on_a_small_count_is_masked_whatever_its_kind():
    section = Section(
        key="x",
        title="X",
        figures=[
            Figure("amount", "Montant", 20.0, EUROS, base=2),  # 2 passes × 10 € gives the 2 back
            Figure("median", "Délai médian", 3.5, DAYS, base=1),  # the delay of one person
            Figure("co2", "CO2e", 300.0, NUMBER, base=4),
            Figure("big_amount", "Montant", 500.0, EUROS, base=50),
            Figure("no_median", "Délai médian", None, DAYS, base=0),  # computed on no one: nothing to hide
            Figure("zero_amount", "Montant", 0.0, EUROS, base=0),
        ],
    )
    masked = mask_section(section)
    assert [f.value for f in masked.figures] == [MASKED, MASKED, MASKED, 500.0, None, 0.0]
    assert section.figures[0].value == 20.0


def test_a_derived_column_is_masked_with_the_count_it_is_computed_from():
    table = Table(
        "by_place",
        "Pass utilisés par lieu",
        ["Lieu", "Pass utilisés", "Montant (€)"],
        [["Agen", 2, 20.0], ["Nérac", 12, 120.0], ["Layrac", 0, 0.0]],
        count_columns=(1,),
        derived_columns={2: 1},
    )
    masked = mask_section(Section(key="x", title="X", tables=[table])).tables[0]
    assert masked.rows == [["Agen", MASKED, MASKED], ["Nérac", 12, 120.0], ["Layrac", 0, 0.0]]
    assert masked.derived_columns == {2: 1}
    assert table.rows[0] == ["Agen", 2, 20.0]


def test_a_masked_amount_or_median_reads_moins_de_5_on_the_page():
    section = Section(
        key="x",
        title="X",
        figures=[Figure("amount", "Montant", 20.0, EUROS, base=2), Figure("median", "Délai", 3.5, DAYS, base=1)],
    )
    html = render_to_string("dashboards/_sections.html", {"sections": [{"section": mask_section(section)}]})
    assert html.count("<dd>moins de 5</dd>") == 2
    assert "€" not in html
