"""The figures of the fonds départemental (`funding`), registered at order 70 from `DashboardsConfig.ready()`.
The amounts come from `funding.ledger` (received, committed, paid, balance, leverage), for the contribution years
that the period covers:

- whole network: the fund's ledger per year and per funder, the grants agreed in the period and the leverage
  (co-funding obtained ÷ fund money granted);
- an organisation that pays into the fund (a partner): its own contribution and what it funded, grant by grant,
  pro rata of its share (its earmark lines ÷ the grant's amount), with the people followed counted pro rata;
- an organisation that received grants: the grants agreed in the period.

The fund has no commune: a territorial view leaves this section out. Amounts identify no one; only the people
followed are counts (masked under 5 in the partner and shared views)."""

from decimal import Decimal

from django.db.models import Count, Sum

from dashboards.registry import EUROS, NUMBER, Figure, Section, Table

TOP = 100


def _euros(value):
    return float(value or 0)


def _years(scope):
    return list(range(scope.start.year, scope.end.year + 1))


def _ledger_rows(years_figures, years):
    from funding.ledger import total

    figures = [years_figures[year] for year in sorted(years_figures, reverse=True) if year in years]
    rows = [
        [f.label, _euros(f.pledged), _euros(f.received), _euros(f.committed), _euros(f.paid), _euros(f.balance)]
        for f in figures
    ]
    return rows, total(figures)


LEDGER_HEADINGS = ["Année", "Promis (€)", "Reçu (€)", "Engagé (€)", "Payé (€)", "Solde (€)"]


def _ledger_figures(totals):
    return [
        Figure("pledged", "Contributions promises (€)", _euros(totals.pledged), EUROS),
        Figure("received", "Contributions reçues (€)", _euros(totals.received), EUROS),
        Figure("committed", "Engagé, pas encore payé (€)", _euros(totals.committed), EUROS),
        Figure("paid", "Payé (€)", _euros(totals.paid), EUROS),
        Figure("balance", "Solde disponible (€)", _euros(totals.balance), EUROS, help="Reçu − engagé − payé."),
    ]


def _grants_in(scope):
    from funding.models import Grant

    return Grant.objects.filter(agreement_date__range=(scope.start, scope.end))


def _leverage_figures(grants):
    from funding.ledger import leverage_overall

    cofunding, granted, leverage = leverage_overall(grants)
    return [
        Figure("granted", "Subventions accordées (€)", _euros(granted), EUROS),
        Figure("cofunding", "Cofinancements obtenus (€)", _euros(cofunding), EUROS),
        Figure(
            "leverage",
            "Effet levier",
            float(leverage) if leverage is not None else None,
            NUMBER,
            help="Cofinancements obtenus pour 1 € du fonds.",
        ),
    ]


def _network_section(scope, years):
    from funding.ledger import year_figures
    from funding.models import Contribution, ContributionReceipt, PaymentEarmark

    ledger_rows, totals = _ledger_rows(year_figures(), years)
    grants = _grants_in(scope)
    by_funder = {}
    for name, pledged in (
        Contribution.objects.filter(year__in=years).order_by().values_list("funder__name").annotate(t=Sum("pledged"))
    ):
        by_funder.setdefault(name, [0.0, 0.0, 0.0])[0] = _euros(pledged)
    for name, received in (
        ContributionReceipt.objects.filter(contribution__year__in=years)
        .order_by()
        .values_list("contribution__funder__name")
        .annotate(t=Sum("amount"))
    ):
        by_funder.setdefault(name, [0.0, 0.0, 0.0])[1] = _euros(received)
    for name, paid in (
        PaymentEarmark.objects.filter(payment__paid_at__isnull=False, earmark__contribution__year__in=years)
        .order_by()
        .values_list("earmark__contribution__funder__name")
        .annotate(t=Sum("amount"))
    ):
        by_funder.setdefault(name, [0.0, 0.0, 0.0])[2] = _euros(paid)
    grant_rows = [
        [title, organization, _euros(amount)]
        for title, organization, amount in grants.order_by("-amount", "application__project_title").values_list(
            "application__project_title", "application__organization__name", "amount"
        )[:TOP]
    ]
    return Section(
        key="funding",
        title="Fonds départemental",
        figures=[*_ledger_figures(totals), Figure("grants", "Subventions signées", grants.count(), NUMBER)]
        + _leverage_figures(grants),
        tables=[
            Table("by_year", "Le fonds par année de contribution", LEDGER_HEADINGS, ledger_rows),
            Table(
                "by_funder",
                "Contributions par financeur",
                ["Financeur", "Promis (€)", "Reçu (€)", "Payé (€)"],
                [[name, *values] for name, values in sorted(by_funder.items())],
            ),
            Table("grants", "Subventions signées sur la période", ["Projet", "Structure", "Montant (€)"], grant_rows),
        ],
        notes=[
            "Contributions des années couvertes par la période ; subventions dont la convention est signée sur la "
            "période."
        ],
    )


def _funded_projects(funder, years):
    """Rows (project, structure, grant amount, funder's part, share %, paid from it, people followed pro rata) of
    the grants that the funder's earmarks of these years pay for: three queries."""
    from funding.models import DecisionEarmark, Grant, PaymentEarmark

    drawn = {
        grant_pk: amount
        for grant_pk, amount in DecisionEarmark.objects.filter(
            decision__is_current=True, earmark__contribution__funder=funder, earmark__contribution__year__in=years
        )
        .order_by()
        .values_list("decision__grants")
        .annotate(total=Sum("amount"))
        if grant_pk is not None
    }
    paid = dict(
        PaymentEarmark.objects.filter(
            payment__paid_at__isnull=False,
            earmark__contribution__funder=funder,
            earmark__contribution__year__in=years,
        )
        .order_by()
        .values_list("payment__grant")
        .annotate(total=Sum("amount"))
    )
    grants = (
        Grant.objects.filter(pk__in=list(drawn))
        .with_people_followed()
        .select_related("application__organization")
        .order_by("agreement_date", "pk")[:TOP]
    )
    rows = []
    people = Decimal(0)
    for grant in grants:
        part = drawn[grant.pk]
        share = part / grant.amount
        followed = grant.people_followed * share
        people += followed
        rows.append(
            [
                grant.application.project_title,
                grant.application.organization.name,
                _euros(grant.amount),
                _euros(part),
                round(100 * share),
                _euros(paid.get(grant.pk)),
                int(followed.quantize(Decimal(1))),
            ]
        )
    return rows, int(people.quantize(Decimal(1)))


def _organization_section(scope, years):
    from funding.ledger import year_figures
    from funding.models import Funder

    organization = scope.organization
    funder = Funder.objects.filter(organization=organization).first()
    grants = _grants_in(scope).filter(application__organization=organization)
    received = grants.aggregate(n=Count("pk"), amount=Sum("amount"))
    if funder is None and not received["n"]:
        return None
    figures, tables, notes = [], [], []
    if funder is not None:
        ledger_rows, totals = _ledger_rows(year_figures(funder=funder), years)
        project_rows, people = _funded_projects(funder, years)
        figures += _ledger_figures(totals)
        figures.append(Figure("funded_projects", "Projets financés", len(project_rows), NUMBER))
        figures.append(
            Figure(
                "people_followed",
                "Personnes suivies par les projets financés (au prorata)",
                people,
                help="Personnes suivies sur la plateforme pendant l'action, au prorata de la part financée.",
            )
        )
        tables.append(Table("by_year", "Sa contribution par année", LEDGER_HEADINGS, ledger_rows))
        tables.append(
            Table(
                "funded_projects",
                "Projets financés par sa contribution",
                [
                    "Projet",
                    "Structure",
                    "Subvention (€)",
                    "Part financée (€)",
                    "Part (%)",
                    "Déjà payé (€)",
                    "Personnes suivies (au prorata)",
                ],
                project_rows,
                count_columns=(6,),
            )
        )
        notes.append(
            "Chaque projet est compté au prorata de la part que sa contribution finance (ses lignes d'affectation "
            "÷ le montant de la subvention)."
        )
    if received["n"]:
        figures.append(Figure("grants_received", "Subventions reçues du fonds", received["n"], NUMBER))
        figures.append(
            Figure("grants_amount", "Montant des subventions reçues (€)", _euros(received["amount"]), EUROS)
        )
    return Section(key="funding", title="Fonds départemental", figures=figures, tables=tables, notes=notes)


def funding_figures(scope):
    if scope.communes is not None:
        return None
    years = _years(scope)
    if scope.organization is None:
        return _network_section(scope, years)
    return _organization_section(scope, years)
