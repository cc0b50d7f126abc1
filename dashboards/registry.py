"""The figures registry: each module's figures come from one provider registered under a module key.

A provider is a plain function `provider(scope) -> Section | None` (None: nothing to say for this scope, e.g.
anonymous diagnostics have no organisation). It returns aggregates only — counts, shares, sums, medians — never a
name, an e-mail or a row about one person. Counts of people or of anything that could point at one person are
declared as such (`Figure(kind=COUNT)`, `Table(count_columns=…)`) so that `dashboards.masking` can hide the
small ones (fewer than 5) in the partner and shared views. Whatever is computed from such a count (a share, a
median, an amount, a CO2 estimate) declares it too, so that it is hidden with it: `Figure(base=<count>)`,
`Table(derived_columns={<derived column>: <count column>})`.

Registering (from DashboardsConfig.ready(), which registers every module's provider, or from a new module's own
AppConfig.ready()):

    from dashboards import registry

    def figures(scope):
        events = Registration.objects.filter(event__starts_at__date__range=(scope.start, scope.end))
        if scope.organization is not None:
            events = events.filter(event__organizer=scope.organization)
        if scope.communes is not None:
            events = events.filter(event__place__commune_id__in=scope.communes)
        total = events.count()
        return registry.Section(
            key="events",
            title="Formations et webinaires",
            figures=[registry.Figure("registrations", "Inscriptions", total)],
            series=[...],
            tables=[...],
        )

    registry.register("events", "Formations et webinaires", figures, order=50)

The dependency rule stays one-way: a module that registers imports `dashboards.registry` only inside `ready()`
(guarded by `apps.is_installed("dashboards")`), never at import time, and dashboards never imports that module's
provider. The order numbers used so far: places 10, people 15, referrals 20, diagnostics 30, vouchers 40,
events 50, devices 60 and funding 70 (dashboards/providers_events.py, providers_devices.py,
providers_funding.py). The yearly report (`dashboards.report`) shows every section a provider returns, in this
order, so a new module appears in the bilan as soon as it registers.
"""

from dataclasses import dataclass, field
from datetime import date

COUNT = "count"  # a number of people or things: masked when small in shared views
NUMBER = "number"  # a number that identifies no one (places, sums of money)
PERCENT = "percent"
DAYS = "days"
EUROS = "euros"


@dataclass(frozen=True)
class Scope:
    """What a dashboard looks at: a period (dates included), a territory (INSEE codes, None for the whole
    département) and an organisation (None for the whole network)."""

    start: date
    end: date
    communes: tuple | None = None
    organization: object = None

    @property
    def cache_key(self):
        communes = ",".join(self.communes) if self.communes is not None else "*"
        organization = self.organization.pk if self.organization is not None else "*"
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}-{organization}-{communes}"


@dataclass
class Figure:
    key: str
    label: str
    value: object
    kind: str = COUNT
    help: str = ""
    # the count the figure is computed on (a share, a median, an amount = passes × face value): whatever its
    # kind, the figure is masked when this count is small
    base: int | None = None
    previous: object = None  # the same figure a year before (set by the yearly report)


@dataclass
class Series:
    """A chart: (label, value) points, drawn as bars or a line, always with its data table."""

    key: str
    title: str
    points: list
    chart: str = "bar"  # or "line"
    value_label: str = "Nombre"
    kind: str = COUNT


@dataclass
class Table:
    key: str
    title: str
    headings: list
    rows: list
    count_columns: tuple = ()  # indexes of the columns holding counts (masked when small)
    # {index of a derived column: index of the count column it is computed from}, e.g. an amount = count × face
    # value: the derived cell is masked whenever its row's count is, so it cannot give the count back
    derived_columns: dict = field(default_factory=dict)


@dataclass
class Section:
    key: str
    title: str
    figures: list = field(default_factory=list)
    series: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    notes: list = field(default_factory=list)


@dataclass(frozen=True)
class Provider:
    key: str
    label: str
    function: object
    order: int


_providers: dict[str, Provider] = {}


def register(key, label, function, *, order=100):
    """Register the figures of a module under `key` (a short English identifier, also used in URLs and file
    names). Registering the same key again replaces the provider."""
    _providers[key] = Provider(key, label, function, order)


def providers():
    return sorted(_providers.values(), key=lambda p: (p.order, p.key))


def module_choices():
    return [(p.key, p.label) for p in providers()]


def collect(scope, modules=None):
    """The sections of every registered provider (or only those in `modules`), in order; providers returning
    None are left out."""
    sections = []
    for provider in providers():
        if modules and provider.key not in modules:
            continue
        section = provider.function(scope)
        if section is not None:
            sections.append(section)
    return sections


def find_table(sections, key):
    """The table `<section key>.<table key>` of these sections, or None."""
    for section in sections:
        for table in section.tables:
            if f"{section.key}.{table.key}" == key:
                return table
        for series in section.series:
            if f"{section.key}.{series.key}" == key:
                return series_table(series)
    return None


def series_table(series):
    """A chart's data as a table (its accessible alternative, and what the exports write)."""
    return Table(
        series.key,
        series.title,
        ["", series.value_label],
        [[label, value] for label, value in series.points],
        count_columns=(1,) if series.kind == COUNT else (),
    )
