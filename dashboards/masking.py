"""Small counts could point at a person (« 2 personnes orientées depuis telle commune ce mois-ci »): in the partner
and shared views, every count from 1 to 4 is shown as « moins de 5 », and so is a share computed on fewer than 5.
Zero stays zero (it reveals no one). Masking applies to what the page shows and to the exports of that view.

What is computed from a small count would give it back (an amount = passes × face value, a CO2 estimate = devices
× factor, the median of 2 delays): a figure carrying a `base` from 1 to 4 is masked whatever its kind, and a table
cell in a derived column is masked whenever the count cell of its row is (`Table.derived_columns`)."""

import copy

from dashboards.registry import COUNT, Section, Table

THRESHOLD = 5


class Masked:
    """A hidden small count: prints « moins de 5 », plots as 0, sorts as 0."""

    label = f"moins de {THRESHOLD}"

    def __str__(self):
        return self.label

    def __repr__(self):
        return "MASKED"

    def __eq__(self, other):
        return isinstance(other, Masked)

    def __hash__(self):
        return hash(Masked)


MASKED = Masked()


def is_small(value):
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < THRESHOLD


def mask_value(value):
    return MASKED if is_small(value) else value


def _mask_row(row, count_columns, derived_columns):
    masked = [mask_value(cell) if index in count_columns else cell for index, cell in enumerate(row)]
    for derived, source in derived_columns.items():
        if derived < len(row) and source < len(row) and is_small(row[source]):
            masked[derived] = MASKED
    return masked


def mask_table(table):
    if not table.count_columns and not table.derived_columns:
        return table
    rows = [_mask_row(row, table.count_columns, table.derived_columns) for row in table.rows]
    return Table(table.key, table.title, table.headings, rows, table.count_columns, dict(table.derived_columns))


def mask_figure(figure):
    """A copy of the figure, masked if it is a small count or is computed on a small count (`base`)."""
    figure = copy.copy(figure)
    if is_small(figure.base) and figure.value is not None:
        figure.value = MASKED
    elif figure.kind == COUNT:
        figure.value = mask_value(figure.value)
    return figure


def mask_section(section):
    """A copy of the section with its small counts masked (figures, chart points, table cells)."""
    masked = copy.copy(section)
    masked.figures = [mask_figure(figure) for figure in section.figures]
    masked.series = []
    for series in section.series:
        series = copy.copy(series)
        if series.kind == COUNT:
            series.points = [(label, mask_value(value)) for label, value in series.points]
        masked.series.append(series)
    masked.tables = [mask_table(table) for table in section.tables]
    return masked


def mask_sections(sections):
    return [mask_section(section) for section in sections]


__all__ = ["MASKED", "Masked", "Section", "mask_figure", "mask_section", "mask_sections", "mask_table", "mask_value"]
