"""The fund's figures, always derived from the rows (nothing stored):

- received  = receipts from the funders;
- committed = what current decisions draw on the earmarks and is not yet paid;
- paid      = payments made, taken from the earmarks;
- balance   = received − committed − paid.

Per year (the contribution's year), per earmark, per funder; leverage = co-funding obtained ÷ fund money."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from funding.models import (
    CENT,
    ZERO,
    CoFunding,
    Contribution,
    ContributionReceipt,
    DecisionEarmark,
    Earmark,
    Grant,
    Indicator,
    PaymentEarmark,
)


@dataclass
class Figures:
    label: str = ""
    pledged: Decimal = ZERO
    received: Decimal = ZERO
    earmarked: Decimal = ZERO
    drawn: Decimal = ZERO
    paid: Decimal = ZERO

    @property
    def committed(self):
        return self.drawn - self.paid

    @property
    def balance(self):
        return self.received - self.committed - self.paid

    def add(self, other):
        for name in ("pledged", "received", "earmarked", "drawn", "paid"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _by(queryset, key, amount="amount"):
    return defaultdict(lambda: ZERO, queryset.order_by().values_list(key).annotate(total=Sum(amount)))


def year_figures(*, funder=None, year=None):
    """{year: Figures} for every year with a contribution (of `funder`, of `year` when given): five aggregate
    queries."""
    contributions = Contribution.objects.all()
    receipts = ContributionReceipt.objects.all()
    earmarks = Earmark.objects.all()
    drawn = DecisionEarmark.objects.filter(decision__is_current=True)
    paid = PaymentEarmark.objects.filter(payment__paid_at__isnull=False)
    if funder is not None:
        contributions = contributions.filter(funder=funder)
        receipts = receipts.filter(contribution__funder=funder)
        earmarks = earmarks.filter(contribution__funder=funder)
        drawn = drawn.filter(earmark__contribution__funder=funder)
        paid = paid.filter(earmark__contribution__funder=funder)
    if year is not None:
        contributions = contributions.filter(year=year)
        receipts = receipts.filter(contribution__year=year)
        earmarks = earmarks.filter(contribution__year=year)
        drawn = drawn.filter(earmark__contribution__year=year)
        paid = paid.filter(earmark__contribution__year=year)
    pledged = _by(contributions, "year", "pledged")
    received = _by(receipts, "contribution__year")
    earmarked = _by(earmarks, "contribution__year")
    drawn = _by(drawn, "earmark__contribution__year")
    paid = _by(paid, "earmark__contribution__year")
    years = sorted(set(pledged) | set(received) | set(drawn), reverse=True)
    return {
        year: Figures(
            label=str(year),
            pledged=pledged[year],
            received=received[year],
            earmarked=earmarked[year],
            drawn=drawn[year],
            paid=paid[year],
        )
        for year in years
    }


def total(figures):
    result = Figures(label="Total")
    for item in figures:
        result.add(item)
    return result


def ratio(numerator, denominator):
    """numerator ÷ denominator with two decimals, None when the denominator is zero."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(CENT)


def leverage_overall(grants=None):
    """(co-funding obtained, fund money granted, ratio) over `grants` (every grant by default): two aggregates."""
    grants = grants if grants is not None else Grant.objects.all()
    cofunding = (
        CoFunding.objects.filter(
            status=CoFunding.Status.OBTAINED, application__grant__in=grants.values("pk")
        ).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    granted = grants.order_by().aggregate(total=Sum("amount"))["total"] or ZERO
    return cofunding, granted, ratio(cofunding, granted)


@dataclass
class FunderGrantLine:
    grant: Grant
    drawn: Decimal  # what the funder's earmarks give to this grant
    paid: Decimal  # what was paid from them
    share: Decimal  # drawn ÷ grant amount
    indicators: list = field(default_factory=list)  # (label, expected pro rata, achieved pro rata)
    people_followed: Decimal = Decimal(0)  # people followed on the platform during the action, pro rata


@dataclass
class FunderReport:
    funder: object
    year: int | None  # None: every year
    years: dict
    earmarks: list
    lines: list
    indicators: list  # (label, expected pro rata, achieved pro rata) summed over grants
    totals: Figures

    @property
    def people_followed(self):
        return sum((line.people_followed for line in self.lines), Decimal(0))


def funder_report(funder, year=None):
    """What the funder's money did: its ledger per year and per earmark, each grant it paid for with its share
    (its earmark lines ÷ the grant's amount) and the indicators counted pro rata of that share. The totals are
    the ledger's figures for this funder, so the report adds up to the ledger. With `year`, only the money of that
    year's contributions (the ledger's year), and the grants drawing on it."""
    years = year_figures(funder=funder, year=year)
    contributions = {"contribution__funder": funder} | ({"contribution__year": year} if year is not None else {})
    mine = {f"earmark__{key}": value for key, value in contributions.items()}
    earmarks = list(
        Earmark.objects.filter(**contributions)
        .with_ledger()
        .select_related("contribution")
        .order_by("-contribution__year", "label")
    )
    drawn_lines = (
        DecisionEarmark.objects.filter(decision__is_current=True, **mine)
        .order_by()
        .values_list("decision__grants")
        .annotate(total=Sum("amount"))
    )
    drawn = {grant_pk: amount for grant_pk, amount in drawn_lines if grant_pk is not None}
    paid = dict(
        PaymentEarmark.objects.filter(payment__paid_at__isnull=False, **mine)
        .order_by()
        .values_list("payment__grant")
        .annotate(total=Sum("amount"))
    )
    grants = (
        Grant.objects.filter(pk__in=drawn)
        .with_people_followed()
        .select_related("application__organization", "application__call")
    )
    indicators_by_application = defaultdict(list)
    for indicator in Indicator.objects.filter(application__grant__in=grants).order_by("pk"):
        indicators_by_application[indicator.application_id].append(indicator)
    lines = []
    summed = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for grant in sorted(grants, key=lambda g: (g.agreement_date, g.pk)):
        share = drawn[grant.pk] / grant.amount
        line = FunderGrantLine(
            grant=grant,
            drawn=drawn[grant.pk],
            paid=paid.get(grant.pk, ZERO),
            share=share,
            people_followed=(grant.people_followed * share).quantize(Decimal("0.1")),
        )
        for indicator in indicators_by_application[grant.application_id]:
            label = indicator.get_kind_display() if indicator.kind != Indicator.Kind.OTHER else str(indicator)
            expected = (indicator.expected * share).quantize(Decimal("0.1"))
            achieved = (
                (indicator.achieved * share).quantize(Decimal("0.1")) if indicator.achieved is not None else None
            )
            line.indicators.append((label, expected, achieved))
            summed[label][0] += expected
            summed[label][1] += achieved or 0
        lines.append(line)
    return FunderReport(
        funder=funder,
        year=year,
        years=years,
        earmarks=earmarks,
        lines=lines,
        indicators=[(label, values[0], values[1]) for label, values in summed.items()],
        totals=total(years.values()),
    )
