"""The figures of the modules that existed before the registry: places, referrals, anonymous diagnostics and the
Pass Numérique. Registered from `DashboardsConfig.ready()`, like events, devices and funding (their providers are
in `dashboards/providers_events.py`, `providers_devices.py` and `providers_funding.py`). Aggregates only: every
query groups or counts, none returns a row about a person."""

import statistics
from datetime import date, datetime, time, timedelta

from django.db import connections
from django.db.models import Aggregate, Count, Max, Min, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from dashboards import registry
from dashboards.registry import DAYS, EUROS, NUMBER, PERCENT, Figure, Section, Series, Table

MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]


# The extreme days a period may reach here: one more day (or the shift to UTC) past date.min or date.max would
# overflow. The forms and the API refuse far narrower bounds; this only keeps a stray scope from crashing.
FIRST_DAY = date.min + timedelta(days=1)
LAST_DAY = date.max - timedelta(days=2)


def period_bounds(scope):
    """(first instant, first instant after) of the scope's period, in the current time zone."""
    zone = timezone.get_current_timezone()
    first, last = max(scope.start, FIRST_DAY), min(scope.end, LAST_DAY)
    start = timezone.make_aware(datetime.combine(first, time.min), zone)
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min), zone)
    return start, end


def months_of(scope):
    """The first day of every month of the period."""
    month = scope.start.replace(day=1)
    months = []
    while month <= scope.end:
        months.append(month)
        if month.month < 12:
            month = month.replace(month=month.month + 1)
        elif month.year < date.max.year:
            month = month.replace(year=month.year + 1, month=1)
        else:
            break
    return months


def month_label(month):
    return f"{MONTHS[month.month - 1]} {month.year}"


def monthly_points(scope, counts):
    """Chart points for every month of the period, 0 where `counts` ({first day of month: n}) has none."""
    normalized = {}
    for month, value in counts.items():
        if hasattr(month, "date"):
            month = timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
        normalized[month.replace(day=1)] = normalized.get(month.replace(day=1), 0) + (value or 0)
    return [(month_label(month), normalized.get(month, 0)) for month in months_of(scope)]


def share(part, whole):
    return round(100 * part / whole) if whole else None


def _rows_by_name(counts, named, field):
    """Table rows `[name, *counts]` from `counts` ({pk or None: [numbers]}) and the queryset `named` of their
    objects: one row per name (homonyms added up, None for the None key), largest first number first, then by
    name in the database's order (its collation; None where the database puts NULL), as an `ORDER BY -n, name`
    on a join would give them."""
    rows = {}
    for pk, name in named.order_by(field).values_list("pk", field):
        if pk in counts:
            row = rows.setdefault(name, [name, *[0] * len(counts[pk])])
            for index, value in enumerate(counts[pk], start=1):
                row[index] += value
    rows = list(rows.values())
    if None in counts:
        none_row = [None, *counts[None]]
        if connections[named.db].features.nulls_order_largest:
            rows.append(none_row)
        else:
            rows.insert(0, none_row)
    return sorted(rows, key=lambda row: -row[1])  # stable: equal counts keep the order of names


# Places ----------------------------------------------------------------------------------------------------------


def places_figures(scope):
    from geo.models import Commune
    from places.models import Place

    places = Place.objects.published()
    if scope.organization is not None:
        places = places.filter(organization=scope.organization)
    if scope.communes is not None:
        places = places.filter(
            Q(commune_id__in=scope.communes) | Q(commune__isnull=True, insee_code__in=scope.communes)
        )
    start, end = period_bounds(scope)
    # One grouped query by commune (no join); the EPCI of the served département's communes from a second one.
    by_commune = list(
        places.order_by()
        .values("commune_id")
        .annotate(
            published=Count("pk"),
            network=Count("pk", filter=Q(is_network_member=True)),
            pass_qualified=Count("pk", filter=Q(is_pass_qualified=True)),
            new=Count("pk", filter=Q(created_at__gte=start, created_at__lt=end)),
        )
    )
    epci_of = dict(Commune.objects.in_served_departement().values_list("pk", "epci__name"))
    keys = ("published", "network", "pass_qualified", "new")
    totals = dict.fromkeys(keys, 0)
    by_epci = {}
    for row in by_commune:
        if row["commune_id"] in epci_of:
            name = epci_of[row["commune_id"]] or "Commune sans EPCI"
        else:
            name = "Hors du département ou commune inconnue"
        group = by_epci.setdefault(name, dict.fromkeys(keys, 0))
        for key in keys:
            group[key] += row[key]
            totals[key] += row[key]
    rows = [
        [name, group["published"], group["network"], group["pass_qualified"]]
        for name, group in sorted(by_epci.items(), key=lambda item: (-item[1]["published"], item[0]))
    ]
    return Section(
        key="places",
        title="Le réseau des lieux",
        figures=[
            Figure("published", "Lieux publiés", totals["published"], NUMBER),
            Figure("network", "Membres du réseau départemental", totals["network"], NUMBER),
            Figure("pass_qualified", "Lieux qualifiés Pass Numérique", totals["pass_qualified"], NUMBER),
            Figure("new", "Lieux ajoutés sur la période", totals["new"], NUMBER),
        ],
        series=[
            Series(
                "by_epci",
                "Lieux publiés par intercommunalité",
                [(r[0], r[1]) for r in rows[:12]],
                value_label="Lieux publiés",
                kind=NUMBER,
            ),
        ],
        tables=[
            Table(
                "by_epci",
                "Lieux publiés par intercommunalité",
                ["Intercommunalité", "Lieux publiés", "Membres du réseau", "Qualifiés Pass Numérique"],
                rows,
            ),
        ],
        notes=["Les lieux publiés aujourd'hui dans l'annuaire, quelle que soit la période choisie."],
    )


# People ----------------------------------------------------------------------------------------------------------

AGE_BANDS = [
    (0, 25, "Moins de 25 ans"),
    (25, 60, "De 25 à 59 ans"),
    (60, 75, "De 60 à 74 ans"),
    (75, 200, "75 ans et plus"),
]


def people_figures(scope):
    """The people reached: person records (merged duplicates left out; erased ones still counted, as the people
    module keeps them for the statistics), new on the period, by commune and by age band. For an organisation:
    the people it is involved with (it created the record, oriented or accompanied them)."""
    from geo.models import Commune
    from people.models import Involvement, Person

    start, end = period_bounds(scope)
    people = Person.objects.filter(merged_into__isnull=True)
    if scope.organization is not None:
        involvements = Involvement.objects.filter(organization=scope.organization)
        people = people.filter(pk__in=involvements.values("person_id"))
        new_filter = Q(pk__in=involvements.filter(since__gte=start, since__lt=end).values("person_id"))
    else:
        new_filter = Q(created_at__gte=start, created_at__lt=end)
    if scope.communes is not None:
        people = people.filter(commune_id__in=scope.communes)
    year = scope.end.year
    # One grouped query by commune: the people followed, the new ones and the new ones by age band.
    band_filters = {
        "unknown": Q(birth_year__isnull=True),
        **{
            f"band{index}": Q(birth_year__lte=year - low, birth_year__gt=year - high)
            for index, (low, high, _label) in enumerate(AGE_BANDS)
        },
    }
    rows = (
        people.order_by()
        .values("commune_id")
        .annotate(
            total=Count("pk"),
            new=Count("pk", filter=new_filter),
            **{key: Count("pk", filter=new_filter & condition) for key, condition in band_filters.items()},
        )
    )
    totals, bands, new_by_commune = {"total": 0, "new": 0}, dict.fromkeys(band_filters, 0), {}
    for row in rows:
        totals["total"] += row["total"]
        totals["new"] += row["new"]
        for key in bands:
            bands[key] += row[key]
        if row["new"]:
            new_by_commune[row["commune_id"]] = [row["new"]]
    by_commune = _rows_by_name(
        new_by_commune, Commune.objects.filter(pk__in=[pk for pk in new_by_commune if pk is not None]), "name"
    )
    age_points = [(label, bands[f"band{index}"]) for index, (_low, _high, label) in enumerate(AGE_BANDS)]
    age_points.append(("Âge non renseigné", bands["unknown"]))
    return Section(
        key="people",
        title="Personnes accompagnées",
        figures=[
            Figure("new", "Nouvelles personnes sur la période", totals["new"]),
            Figure("total", "Personnes suivies en tout", totals["total"]),
        ],
        series=[Series("by_age", "Nouvelles personnes par âge", age_points, value_label="Personnes")],
        tables=[
            Table(
                "by_commune",
                "Nouvelles personnes par commune",
                ["Commune", "Personnes"],
                [[name or "Commune non renseignée", n] for name, n in by_commune],
                count_columns=(1,),
            )
        ],
        notes=["Nombre de fiches : une personne suivie par plusieurs organisations n'est comptée qu'une fois."],
    )


# Referrals -------------------------------------------------------------------------------------------------------


def referrals_figures(scope):
    from accounts.models import Organization
    from referrals.models import Referral

    S = Referral.Status
    start, end = period_bounds(scope)
    referrals = Referral.objects.filter(sent_at__gte=start, sent_at__lt=end)
    if scope.organization is not None:
        referrals = referrals.filter(
            Q(prescriber_organization=scope.organization) | Q(target_place__organization=scope.organization)
        )
    if scope.communes is not None:
        referrals = referrals.filter(person__commune_id__in=scope.communes)
    accepted_statuses = {S.ACCEPTED, S.IN_PROGRESS, S.CLOSED, S.TRANSFERRED}
    # Two grouped queries give every count, added up here: by month, and by status × autonomy × prescriber (a few
    # hundred groups; grouped together with the month, they would be sorted rather than hashed). With
    # `referrals_dashboard_idx`, PostgreSQL reads the index only.
    by_month = dict(
        referrals.order_by()
        .annotate(month=TruncMonth("sent_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    groups = (
        referrals.order_by()
        .values("status", "autonomy", "prescriber_organization_id")
        .annotate(
            n=Count("pk"),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            sessions=Sum("sessions_count"),
        )
    )
    keys = ("sent", "accepted", "closed", "declined", "expired", "open", "answered")
    totals, sessions = dict.fromkeys(keys, 0), 0
    by_status, by_autonomy, by_prescriber = {}, {}, {}
    for row in groups:
        n, status = row["n"], row["status"]
        accepted, closed = n if status in accepted_statuses else 0, n if status == S.CLOSED else 0
        totals["sent"] += n
        totals["accepted"] += accepted
        totals["closed"] += closed
        totals["declined"] += n if status == S.DECLINED else 0
        totals["expired"] += n if status == S.EXPIRED else 0
        totals["open"] += n if status in Referral.OPEN_STATUSES else 0
        totals["answered"] += row["answered"]
        by_status[status] = by_status.get(status, 0) + n
        if status == S.CLOSED:
            sessions += row["sessions"] or 0
            by_autonomy[row["autonomy"]] = by_autonomy.get(row["autonomy"], 0) + n
        counts = by_prescriber.setdefault(row["prescriber_organization_id"], [0, 0, 0])
        counts[0] += n
        counts[1] += accepted
        counts[2] += closed
    people = referrals.aggregate(people=Count("person", distinct=True))["people"]
    autonomy_rows = [[label, by_autonomy.get(value, 0)] for value, label in Referral.Autonomy.choices]
    autonomy_rows.append(["Non renseignée", by_autonomy.get("", 0)])
    prescriber_rows = _rows_by_name(
        by_prescriber, Organization.objects.filter(pk__in=[pk for pk in by_prescriber if pk is not None]), "name"
    )
    return Section(
        key="referrals",
        title="Orientations et résultats",
        figures=[
            Figure("sent", "Orientations envoyées", totals["sent"]),
            Figure("people", "Personnes orientées", people),
            Figure("accepted", "Acceptées par un lieu", totals["accepted"]),
            Figure(
                "acceptance",
                "Part acceptée (%)",
                share(totals["accepted"], totals["answered"]),
                PERCENT,
                base=totals["answered"],
                help="Parmi les orientations auxquelles un lieu a répondu.",
            ),
            Figure("closed", "Accompagnements terminés", totals["closed"]),
            Figure("open", "Encore en cours", totals["open"]),
            Figure("declined", "Refusées", totals["declined"]),
            Figure("expired", "Expirées sans réponse", totals["expired"]),
        ],
        series=[
            Series(
                "by_month",
                "Orientations envoyées par mois",
                monthly_points(scope, by_month),
                chart="line",
                value_label="Orientations",
            ),
            Series(
                "autonomy",
                "Autonomie atteinte à la fin de l'accompagnement",
                [(row[0], row[1]) for row in autonomy_rows],
                value_label="Accompagnements terminés",
            ),
        ],
        tables=[
            Table(
                "by_status",
                "Orientations par statut",
                ["Statut", "Orientations"],
                [[label, by_status.get(value, 0)] for value, label in S.choices],
                count_columns=(1,),
            ),
            Table(
                "by_prescriber",
                "Orientations par organisation prescriptrice",
                ["Organisation", "Envoyées", "Acceptées", "Terminées"],
                [[name or "Demande de rappel (site public)", *counts] for name, *counts in prescriber_rows],
                count_columns=(1, 2, 3),
            ),
        ],
        notes=[f"Orientations envoyées sur la période ; {sessions} séances déclarées à la clôture."],
    )


# Diagnostics -----------------------------------------------------------------------------------------------------


def diagnostics_figures(scope):
    """Anonymous tallies (level per commune and month): not attributable to an organisation."""
    if scope.organization is not None:
        return None
    from orientation.models import DiagnosticTally, Level

    tallies = DiagnosticTally.objects.between(scope.start, scope.end)
    if scope.communes is not None:
        tallies = tallies.filter(commune_id__in=scope.communes)
    totals = tallies.totals_by_level()
    total = sum(totals.values())
    by_month = dict(tallies.order_by().values("month").annotate(n=Sum("count")).values_list("month", "n"))
    by_commune = (
        tallies.order_by()
        .values("commune__name")
        .annotate(
            total=Sum("count"),
            **{level: Sum("count", filter=Q(level=level)) for level in Level.values},
        )
        .order_by("-total", "commune__name")
    )
    return Section(
        key="diagnostics",
        title="Diagnostics numériques en ligne",
        figures=[
            Figure("total", "Diagnostics faits", total),
            *[Figure(value, f"Niveau « {label} »", totals[value]) for value, label in Level.choices],
        ],
        series=[
            Series(
                "by_month",
                "Diagnostics par mois",
                monthly_points(scope, by_month),
                chart="line",
                value_label="Diagnostics",
            ),
            Series(
                "by_level",
                "Diagnostics par niveau",
                [(label, totals[value]) for value, label in Level.choices],
                value_label="Diagnostics",
            ),
        ],
        tables=[
            Table(
                "by_commune",
                "Diagnostics par commune",
                ["Commune", "Diagnostics", *[label for _value, label in Level.choices]],
                [
                    [
                        row["commune__name"] or "Commune non indiquée",
                        row["total"],
                        *[row[value] or 0 for value in Level.values],
                    ]
                    for row in by_commune
                ],
                count_columns=tuple(range(1, 2 + len(Level.values))),
            ),
        ],
        notes=["Décomptes anonymes : le diagnostic en ligne n'enregistre ni nom ni réponse."],
    )


# Pass Numérique --------------------------------------------------------------------------------------------------


class _MiddleValue(Aggregate):
    """PostgreSQL's `percentile_disc(0.5)`: the middle value, or the lower of the two middle ones for an even
    count (`upper=True`: the upper one). Their mean is the median, computed as `statistics.median` does."""

    function = "PERCENTILE_DISC"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s%(direction)s)"

    def __init__(self, expression, *, upper=False):
        super().__init__(expression, direction=" DESC" if upper else "")


def _book_usage(books):
    """Two grouped queries on the passes of these books: per organisation (books handed out, started, fully used,
    with an expired pass; passes used) and, per started book, its holder and the delay from the hand-out to the
    first use. Returns the rows per organisation, the totals, the median delay (days) with the number of books it
    is computed on, and the number of people who used at least one pass. A book counts once it has passes."""
    from accounts.models import Organization
    from vouchers.models import Pass

    P = Pass.Status
    passes = Pass.objects.filter(book__in=books.order_by().values("pk")).order_by()
    rows = (
        passes.values("book__organization_id")
        .annotate(
            handed_out=Count("book_id", distinct=True),
            started=Count("book_id", distinct=True, filter=Q(status=P.REDEEMED)),
            not_fully_used=Count("book_id", distinct=True, filter=~Q(status=P.REDEEMED)),
            expired=Count("book_id", distinct=True, filter=Q(status=P.EXPIRED)),
            passes_used=Count("pk", filter=Q(status=P.REDEEMED)),
        )
        .order_by("book__organization_id")
    )
    keys = ("handed_out", "started", "fully_used", "expired", "passes_used")
    per_organization = {
        row["book__organization_id"]: {**row, "fully_used": row["handed_out"] - row["not_fully_used"]} for row in rows
    }
    started = (
        passes.filter(status=P.REDEEMED)
        .values("book_id")
        .annotate(holder=Max("book__handed_to_id"), delay=Min("redeemed_at") - Max("book__handed_at"))
    )
    # The median delay: from its two middle values on PostgreSQL; SQLite has no percentile, the delays come here.
    postgresql = connections[started.db].vendor == "postgresql"
    middle = {"low": _MiddleValue("delay"), "high": _MiddleValue("delay", upper=True)} if postgresql else {}
    usage = started.aggregate(people=Count("holder", distinct=True), delays=Count("delay"), **middle)
    if not usage["delays"]:
        delays = []
    elif postgresql:
        delays = [usage["low"], usage["high"]]
    else:
        delays = [delay for delay in started.values_list("delay", flat=True) if delay is not None]
    median = round(statistics.median(delay.total_seconds() / 86400 for delay in delays), 1) if delays else None
    names = dict(Organization.objects.filter(pk__in=[pk for pk in per_organization if pk]).values_list("pk", "name"))
    by_organization = sorted(
        (
            {"name": names.get(pk) or "Sans organisation", **{key: group[key] for key in keys}}
            for pk, group in per_organization.items()
        ),
        key=lambda row: row["name"],
    )
    totals = {key: sum(group[key] for group in per_organization.values()) for key in keys}
    return by_organization, totals, (median, usage["delays"]), usage["people"]


def vouchers_figures(scope):
    from vouchers.models import Book, FunderShare, Redemption

    start, end = period_bounds(scope)
    books = Book.objects.handed_out().filter(handed_at__gte=start, handed_at__lt=end)
    redemptions = Redemption.objects.active().filter(at__gte=start, at__lt=end)
    if scope.organization is not None:
        organization = scope.organization
        funded = FunderShare.objects.filter(funder=organization).values("order_id")
        books = books.filter(Q(organization=organization) | Q(order__sponsor=organization) | Q(order_id__in=funded))
        redemptions = redemptions.filter(
            Q(place__organization=organization)
            | Q(pass_obj__book__organization=organization)
            | Q(pass_obj__book__order__sponsor=organization)
            | Q(pass_obj__book__order_id__in=funded)
        )
    if scope.communes is not None:
        books = books.filter(handed_to__commune_id__in=scope.communes)
        redemptions = redemptions.filter(place__commune_id__in=scope.communes)
    by_organization, totals, (median, median_base), people = _book_usage(books)
    by_place = list(
        redemptions.order_by()
        .values("place__name")
        .annotate(passes=Count("pk"), amount=Sum("amount_cents"))
        .order_by("-passes", "place__name")
    )
    used_passes = sum(row["passes"] for row in by_place)
    used_amount = sum(row["amount"] or 0 for row in by_place)
    by_month = dict(
        books.order_by()
        .annotate(month=TruncMonth("handed_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    return Section(
        key="vouchers",
        title="Pass Numérique",
        figures=[
            Figure("handed_out", "Carnets remis", totals["handed_out"]),
            Figure("started", "Carnets entamés", totals["started"]),
            Figure(
                "started_share",
                "Part des carnets entamés (%)",
                share(totals["started"], totals["handed_out"]),
                PERCENT,
                base=totals["handed_out"],
            ),
            Figure("passes_used", "Pass utilisés sur la période", used_passes),
            Figure("passes_of_books", "Pass utilisés des carnets remis sur la période", totals["passes_used"]),
            # passes × face value: masked with the number of passes
            Figure("amount", "Montant des pass utilisés (€)", round(used_amount / 100, 2), EUROS, base=used_passes),
            Figure("people", "Personnes ayant utilisé au moins un pass de leur carnet", people),
            Figure(
                "median_days",
                "Délai médian avant la première utilisation (jours)",
                median,
                DAYS,
                base=median_base,
            ),
        ],
        series=[
            Series(
                "by_month",
                "Carnets remis par mois",
                monthly_points(scope, by_month),
                value_label="Carnets remis",
            ),
        ],
        tables=[
            Table(
                "by_place",
                "Pass utilisés par lieu",
                ["Lieu", "Pass utilisés", "Montant (€)"],
                [[row["place__name"], row["passes"], round((row["amount"] or 0) / 100, 2)] for row in by_place],
                count_columns=(1,),
                derived_columns={2: 1},  # passes × face value gives the count back
            ),
            Table(
                "by_organization",
                "Carnets remis par organisation",
                ["Organisation", "Remis", "Entamés", "Entièrement utilisés", "Expirés"],
                [
                    [
                        row["name"],
                        row["handed_out"],
                        row["started"],
                        row["fully_used"],
                        row["expired"],
                    ]
                    for row in by_organization
                ],
                count_columns=(1, 2, 3, 4),
            ),
        ],
        notes=[
            "Carnets remis sur la période (pass utilisés depuis, quelle que soit la date) ; pass utilisés sur la "
            "période dans le tableau par lieu (annulations exclues)."
        ],
    )


def register_all():
    registry.register("places", "Lieux", places_figures, order=10)
    registry.register("people", "Personnes accompagnées", people_figures, order=15)
    registry.register("referrals", "Orientations", referrals_figures, order=20)
    registry.register("diagnostics", "Diagnostics", diagnostics_figures, order=30)
    registry.register("vouchers", "Pass Numérique", vouchers_figures, order=40)
