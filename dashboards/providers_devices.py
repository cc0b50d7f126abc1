"""The figures of the reconditionnement (`devices`), registered at order 60 from `DashboardsConfig.ready()`. Same
definitions as `devices.figures.impact()` (remis = delivered to a person, CO2e = delivered devices × the factor of
their kind, lead times from reception and from the request to the delivery), but over a dashboard's scope:

- period: devices received, deliveries made, devices recycled and work hours logged in the period;
- territory: the commune of the person equipped (deliveries); the workshop's stock has no commune, so received,
  recycled and work hours are shown for the whole département only;
- organisation: the donor or the workshop of the device, and, for deliveries, the prescriber organisation.

Aggregates only: people are counted, never named; delivered devices and people equipped are counts (masked under
5 in the partner and shared views)."""

import statistics
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth

from dashboards.providers import monthly_points, period_bounds
from dashboards.registry import DAYS, NUMBER, Figure, Section, Series, Table

TOP = 50


def _median_days(deliveries, start, count):
    """(median in days, number of deliveries it is computed on) of the delays from `start` (a field path) to the
    delivery: the median of a handful of delays is masked. Only the one or two middle delays are read from the
    database (`count` is the number of deliveries), then taken as `statistics.median` takes them."""
    if not count:
        return None, 0
    delays = (
        deliveries.annotate(delay=F("delivered_at") - F(start))
        .order_by("delay")
        .values_list("delay", flat=True)[(count - 1) // 2 : count // 2 + 1]
    )
    values = [delay.total_seconds() / 86400 for delay in delays]
    return round(statistics.median(values), 1), count


def _people_by_commune(deliveries):
    """(deliveries, people equipped, [(commune name, people equipped)] by name, most first then by name as the
    database sorts them). One query grouped on the person's commune code: a person lives in one commune, so the
    people of the communes (and of two communes of the same name) add up to the people equipped."""
    from geo.models import Commune

    counts, delivered = {}, 0
    for commune_id, n, people in (
        deliveries.order_by()
        .values_list("request__person__commune_id")
        .annotate(n=Count("pk"), people=Count("request__person", distinct=True))
    ):
        counts[commune_id] = people
        delivered += n
    names, rank = {None: None}, {}
    for pk, name in Commune.objects.filter(pk__in=set(counts) - {None}).order_by("name").values_list("pk", "name"):
        names[pk] = name
        rank.setdefault(name, len(rank))
    by_name = {}
    for commune_id, n in counts.items():
        by_name[names[commune_id]] = by_name.get(names[commune_id], 0) + n
    # No commune: last on PostgreSQL (NULLS LAST), first on SQLite, as ORDER BY name put it.
    rank[None] = len(rank) if connection.features.nulls_order_largest else -1
    by_commune = sorted(by_name.items(), key=lambda item: (-item[1], rank[item[0]]))[:TOP]
    return delivered, sum(counts.values()), by_commune


def devices_figures(scope):
    from devices.models import CO2Factor, Delivery, Device, DeviceTransition, Kind, Status, WorkLog

    start, end = period_bounds(scope)
    organization = scope.organization
    deliveries = Delivery.objects.filter(delivered_at__gte=start, delivered_at__lt=end)
    if organization is not None:
        deliveries = deliveries.filter(
            Q(request__organization=organization)
            | Q(device__donation__donor=organization)
            | Q(device__donation__workshop=organization)
        )
    if scope.communes is not None:
        deliveries = deliveries.filter(request__person__commune_id__in=scope.communes)
    delivered, people, by_commune = _people_by_commune(deliveries)
    totals = {"delivered": delivered, "people": people}

    stock = None
    if scope.communes is None:
        received = Device.objects.filter(received_at__gte=start, received_at__lt=end)
        recycled = DeviceTransition.objects.filter(to_status=Status.RECYCLED, at__gte=start, at__lt=end)
        hours = WorkLog.objects.filter(day__range=(scope.start, scope.end))
        if organization is not None:
            received = received.filter(Q(donation__donor=organization) | Q(donation__workshop=organization))
            recycled = recycled.filter(
                Q(device__donation__donor=organization) | Q(device__donation__workshop=organization)
            )
            hours = hours.filter(workshop=organization)
        stock = {
            "received": received.count(),
            "recycled": recycled.aggregate(n=Count("device", distinct=True))["n"],
            "hours": hours.aggregate(total=Sum("hours"))["total"] or Decimal(0),
        }

    by_prescriber = list(
        deliveries.order_by()
        .values_list("request__organization__name")
        .annotate(n=Count("request__person", distinct=True))
        .order_by("-n", "request__organization__name")[:TOP]
    )
    by_kind, by_month = {}, {}  # one query for both: deliveries by kind and month
    for kind, month, n in (
        deliveries.order_by()
        .annotate(month=TruncMonth("delivered_at"))
        .values("device__kind", "month")
        .annotate(n=Count("pk"))
        .values_list("device__kind", "month", "n")
    ):
        by_kind[kind] = by_kind.get(kind, 0) + n
        by_month[month] = by_month.get(month, 0) + n
    factors = dict(CO2Factor.objects.values_list("kind", "kg_co2e"))
    co2_rows = []
    for kind, label in Kind.choices:
        if by_kind.get(kind):
            factor = factors.get(kind, Decimal(0))
            co2_rows.append([label, by_kind[kind], float(factor), float(factor * by_kind[kind])])
    co2_total = round(sum(row[3] for row in co2_rows), 1)
    in_workshop, in_workshop_base = _median_days(deliveries, "device__received_at", totals["delivered"])
    waiting, waiting_base = _median_days(deliveries, "request__created_at", totals["delivered"])

    not_territorial = "Non ventilé par commune : voir le tableau de bord du département."
    figures = [
        Figure(
            "received",
            "Appareils reçus",
            stock["received"] if stock else None,
            NUMBER,
            help="" if stock else not_territorial,
        ),
        Figure("delivered", "Appareils remis", totals["delivered"]),
        Figure(
            "recycled",
            "Appareils recyclés",
            stock["recycled"] if stock else None,
            NUMBER,
            help="" if stock else not_territorial,
        ),
        Figure("people", "Personnes équipées", totals["people"]),
        Figure(
            "co2",
            "CO2e évité estimé (kg)",
            co2_total,
            NUMBER,
            help="Appareils remis × facteur de leur type.",
            base=sum(row[1] for row in co2_rows),
        ),
        Figure(
            "hours",
            "Heures de travail d'insertion",
            float(stock["hours"]) if stock else None,
            NUMBER,
            help="" if stock else not_territorial,
        ),
        Figure(
            "days_in_workshop",
            "Délai médian de la réception à la remise (jours)",
            in_workshop,
            DAYS,
            base=in_workshop_base,
        ),
        Figure("days_waiting", "Attente médiane de la demande à la remise (jours)", waiting, DAYS, base=waiting_base),
    ]
    return Section(
        key="devices",
        title="Reconditionnement",
        figures=figures,
        series=[
            Series(
                "by_month",
                "Appareils remis par mois",
                monthly_points(scope, by_month),
                value_label="Appareils remis",
            ),
        ],
        tables=[
            Table(
                "by_commune",
                "Personnes équipées par commune",
                ["Commune", "Personnes équipées"],
                [[name or "Commune non renseignée", n] for name, n in by_commune],
                count_columns=(1,),
            ),
            Table(
                "by_prescriber",
                "Personnes équipées par organisation prescriptrice",
                ["Organisation", "Personnes équipées"],
                [[name or "Sans organisation", n] for name, n in by_prescriber],
                count_columns=(1,),
            ),
            Table(
                "co2",
                "CO2e évité par type d'appareil",
                ["Type", "Appareils remis", "Facteur (kg CO2e)", "CO2e évité (kg)"],
                co2_rows,
                count_columns=(1,),
                derived_columns={3: 1},  # factor × count gives the count back
            ),
        ],
        notes=[
            "Appareils remis et personnes équipées sur la période ; le CO2e évité est une estimation (facteurs "
            "réglables par la coordination)."
        ],
    )
