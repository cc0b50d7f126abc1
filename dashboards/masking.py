"""Small counts could point at a person (« 2 personnes orientées depuis telle commune ce mois-ci »): in the partner
and shared views, every count from 1 to 4 is shown as « moins de 5 », and so is a share computed on fewer than 5.
Zero stays zero (it reveals no one). Masking applies to what the page shows and to the exports of that view."""

import copy

from dashboards.registry import COUNT, PERCENT, Section, Table

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


def mask_table(table):
    if not table.count_columns:
        return table
    rows = [
        [mask_value(cell) if index in table.count_columns else cell for index, cell in enumerate(row)]
        for row in table.rows
    ]
    return Table(table.key, table.title, table.headings, rows, table.count_columns)


def mask_section(section):
    """A copy of the section with its small counts masked (figures, chart points, table cells)."""
    masked = copy.copy(section)
    masked.figures = []
    for figure in section.figures:
        figure = copy.copy(figure)
        if figure.kind == COUNT:
            figure.value = mask_value(figure.value)
        elif figure.kind == PERCENT and figure.base is not None and figure.base < THRESHOLD:
            figure.value = MASKED
        masked.figures.append(figure)
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


__all__ = ["MASKED", "Masked", "Section", "mask_section", "mask_sections", "mask_table", "mask_value"]
