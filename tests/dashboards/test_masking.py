"""Small counts (1 to 4) are masked in partner and shared views; zero and larger counts stay."""

from dashboards.masking import MASKED, mask_section, mask_value
from dashboards.registry import NUMBER, PERCENT, Figure, Section, Series, Table


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
