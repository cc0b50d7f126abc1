"""The places, people, referrals and Pass Numérique sections read few grouped queries (one scan of each table
instead of one per figure): on a varied data set they give exactly what the straightforward queries gave (kept
below as the reference, one query per figure), and their number of queries does not grow with the data."""

import statistics
from datetime import timedelta
from itertools import cycle

import pytest
from django.db import connection
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import TruncMonth
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboards import providers
from dashboards.providers import (
    AGE_BANDS,
    monthly_points,
    people_figures,
    period_bounds,
    places_figures,
    referrals_figures,
    share,
    vouchers_figures,
)
from dashboards.registry import PERCENT, Figure, Scope, Section, Series, Table
from people.models import Person
from referrals.models import Referral
from tests.accounts.factories import OrganizationFactory
from tests.dashboards.factories import redeem_first_pass
from tests.people.factories import PersonFactory, involve
from tests.places.factories import PlaceFactory
from tests.referrals.factories import ReferralFactory
from tests.vouchers.factories import BookFactory, OrderFactory, qualified_place
from vouchers.models import Book, Pass

pytestmark = pytest.mark.django_db
S = Referral.Status
COMMUNES = ["47001", "47323", "07297", "74254", None, "75056"]  # two Saint-Sylvestre: one name, two communes


def build_data(size):
    """`size` of every situation the figures tell apart: organisations sharing a name or with an accented one,
    places of every status and flag, people of every age band (merged, without commune or birth year), referrals of
    every status and outcome (call-backs without organisation), books partly or fully used, with expired passes,
    over 14 months. Returns the organisations."""
    now = timezone.now()
    year = timezone.localdate().year
    organizations = [
        OrganizationFactory(name=name) for name in ["CCAS d'Agen", "CCAS d'Agen", "Émile et Cie", "UDAF 47", "ccas"]
    ]
    days = cycle([0, 3, 17, 40, 75, 130, 200, 260, 330, 395, 420])
    for index in range(4 * size):
        place = PlaceFactory(
            status=["published", "published", "draft", "archived"][index % 4],
            commune_id=COMMUNES[index % len(COMMUNES)],
            is_network_member=index % 3 == 0,
            is_pass_qualified=index % 2 == 0,
            accepts_pass_numerique=index % 2 == 0,
            organization=organizations[index % len(organizations)],
        )
        type(place).objects.filter(pk=place.pk).update(created_at=now - timedelta(days=next(days)))
    people = []
    birth_years = cycle([year - 10, year - 24, year - 25, year - 59, year - 60, year - 74, year - 75, year - 99, None])
    for index in range(9 * size):
        person = PersonFactory(
            commune_id=COMMUNES[index % len(COMMUNES)],
            birth_year=next(birth_years),
            created_at=now - timedelta(days=next(days)),
            merged_into=people[0] if people and index % 11 == 5 else None,
        )
        involvement = involve(person, organizations[index % 3])
        type(involvement).objects.filter(pk=involvement.pk).update(since=now - timedelta(days=next(days)))
        people.append(person)
    places = list(type(place).objects.filter(status="published", organization__isnull=False))
    outcomes = cycle([*Referral.Autonomy.values, ""])
    sessions = cycle([2, None, 5])
    situations = [
        {"sent": True},
        {"under_review": True},
        {"accepted": True},
        {"in_progress": True},
        {"closed": True},
        {"closed": True},
        {"declined": True},
        {"status": S.EXPIRED},
        {"status": S.CANCELLED},
        {"status": S.TRANSFERRED, "answered_at": now},
        {"to_network": True},
        {"prescriber_organization": None, "channel": Referral.Channel.CALLBACK},
    ]
    for index in range(len(situations) * 2 * size):
        kwargs = {"prescriber_organization": organizations[index % len(organizations)], **situations[index % 12]}
        if kwargs.get("closed"):
            kwargs.update(autonomy=next(outcomes), sessions_count=next(sessions))
        ReferralFactory(
            person=people[index % len(people)],
            prescriber=None,
            target_place=places[index % len(places)],
            sent_at=now - timedelta(days=next(days), hours=index),
            **kwargs,
        )
    order = OrderFactory()
    for index in range(6 * size):
        book = BookFactory(
            order=order, handed_out=True, organization=organizations[1 + index % 4], person=people[index % len(people)]
        )
        handed_at = now - timedelta(days=next(days) % 400, hours=index)
        Book.objects.filter(pk=book.pk).update(handed_at=handed_at)
        if index % 6 == 3:  # through the service, for the table by place
            redeem_first_pass(book, place=places[0] if places[0].is_pass_qualified else qualified_place())
        passes = list(book.passes.filter(status=Pass.Status.AVAILABLE).order_by("position"))
        for position, pass_obj in enumerate(passes[: index % 6]):
            Pass.objects.filter(pk=pass_obj.pk).update(
                status=Pass.Status.REDEEMED,
                redeemed_at=handed_at + timedelta(days=index % 5 + position, hours=3 * index),
                redeemed_place=places[0],
                service="Aide aux démarches administratives",
            )
        if index % 4 == 1:
            book.passes.filter(status=Pass.Status.AVAILABLE).update(status=Pass.Status.EXPIRED, expired_at=now)
    return organizations


def scopes(organizations):
    today = timezone.localdate()
    year = Scope(start=today.replace(month=1, day=1), end=today)
    long = Scope(start=today - timedelta(days=450), end=today)
    return [
        year,
        long,
        Scope(start=long.start, end=long.end, communes=("47001", "07297", "74254")),
        Scope(start=long.start, end=long.end, communes=("47323",)),
        *[Scope(start=long.start, end=long.end, organization=organization) for organization in organizations[:3]],
        Scope(start=today - timedelta(days=10), end=today - timedelta(days=5)),  # next to nothing
    ]


def test_the_sections_give_what_the_straightforward_queries_gave(territory, monkeypatch):
    organizations = build_data(2)
    assert Person.objects.filter(merged_into__isnull=False).exists()
    for scope in scopes(organizations):
        assert referrals_figures(scope) == reference_referrals_figures(scope), scope
        assert people_figures(scope) == reference_people_figures(scope), scope
        section = vouchers_figures(scope)
        with monkeypatch.context() as patch:
            patch.setattr(providers, "_book_usage", reference_book_usage)
            assert section == vouchers_figures(scope), scope
    # the data set does reach the situations compared
    long = scopes(organizations)[1]
    section = vouchers_figures(long)
    values = {figure.key: figure.value for figure in section.figures}
    assert values["handed_out"] > values["started"] > 0 and values["median_days"] is not None
    by_organization = next(t for t in section.tables if t.key == "by_organization").rows
    assert len(by_organization) == 4
    assert all(sum(row[column] for row in by_organization) for column in (3, 4))  # fully used, expired
    prescribers = next(t for t in referrals_figures(long).tables if t.key == "by_prescriber").rows
    assert "Demande de rappel (site public)" in [row[0] for row in prescribers]


SECTIONS = [(places_figures, 2), (people_figures, 2), (referrals_figures, 4), (vouchers_figures, 6)]


def query_counts(organizations):
    """{(section, scope number): queries}; the nearly empty scope left out (no name to read skips a query)."""
    counts = {}
    for function, _most in SECTIONS:
        for index, scope in enumerate(scopes(organizations)[:-1]):
            with CaptureQueriesContext(connection) as queries:
                function(scope)
            counts[function.__name__, index] = len(queries)
    return counts


def test_the_number_of_queries_is_bounded_and_does_not_grow_with_the_data(territory):
    organizations = build_data(1)
    small = query_counts(organizations)
    build_data(3)
    assert query_counts(organizations) == small
    for function, most in SECTIONS:
        assert max(n for (name, _index), n in small.items() if name == function.__name__) <= most, function


# The reference: the sections' queries before they were grouped, one query per figure --------------------------


def reference_people_figures(scope):
    """The people reached: person records (merged duplicates left out; erased ones still counted, as the people
    module keeps them for the statistics), new on the period, by commune and by age band. For an organisation:
    the people it is involved with (it created the record, oriented or accompanied them)."""
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
    totals = people.aggregate(total=Count("pk"), new=Count("pk", filter=new_filter))
    new_people = people.filter(new_filter)
    by_commune = list(
        new_people.order_by().values("commune__name").annotate(n=Count("pk")).order_by("-n", "commune__name")
    )
    year = scope.end.year
    bands = new_people.aggregate(
        unknown=Count("pk", filter=Q(birth_year__isnull=True)),
        **{
            f"band{index}": Count("pk", filter=Q(birth_year__lte=year - low, birth_year__gt=year - high))
            for index, (low, high, _label) in enumerate(AGE_BANDS)
        },
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
                [[row["commune__name"] or "Commune non renseignée", row["n"]] for row in by_commune],
                count_columns=(1,),
            )
        ],
        notes=["Nombre de fiches : une personne suivie par plusieurs organisations n'est comptée qu'une fois."],
    )


def reference_referrals_figures(scope):
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
    accepted_statuses = [S.ACCEPTED, S.IN_PROGRESS, S.CLOSED, S.TRANSFERRED]
    totals = referrals.aggregate(
        sent=Count("pk"),
        accepted=Count("pk", filter=Q(status__in=accepted_statuses)),
        closed=Count("pk", filter=Q(status=S.CLOSED)),
        declined=Count("pk", filter=Q(status=S.DECLINED)),
        expired=Count("pk", filter=Q(status=S.EXPIRED)),
        open=Count("pk", filter=Q(status__in=Referral.OPEN_STATUSES)),
        people=Count("person", distinct=True),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        sessions=Sum("sessions_count", filter=Q(status=S.CLOSED)),
    )
    by_month = dict(
        referrals.order_by()
        .annotate(month=TruncMonth("sent_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    by_status = dict(referrals.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))
    by_autonomy = dict(
        referrals.filter(status=S.CLOSED)
        .order_by()
        .values("autonomy")
        .annotate(n=Count("pk"))
        .values_list("autonomy", "n")
    )
    autonomy_rows = [[label, by_autonomy.get(value, 0)] for value, label in Referral.Autonomy.choices]
    autonomy_rows.append(["Non renseignée", by_autonomy.get("", 0)])
    by_prescriber = list(
        referrals.order_by()
        .values("prescriber_organization__name")
        .annotate(
            sent=Count("pk"),
            accepted=Count("pk", filter=Q(status__in=accepted_statuses)),
            closed=Count("pk", filter=Q(status=S.CLOSED)),
        )
        .order_by("-sent", "prescriber_organization__name")
    )
    return Section(
        key="referrals",
        title="Orientations et résultats",
        figures=[
            Figure("sent", "Orientations envoyées", totals["sent"]),
            Figure("people", "Personnes orientées", totals["people"]),
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
                [
                    [
                        row["prescriber_organization__name"] or "Demande de rappel (site public)",
                        row["sent"],
                        row["accepted"],
                        row["closed"],
                    ]
                    for row in by_prescriber
                ],
                count_columns=(1, 2, 3),
            ),
        ],
        notes=[f"Orientations envoyées sur la période ; {totals['sessions'] or 0} séances déclarées à la clôture."],
    )


def reference_book_usage(books):
    """One grouped query on the passes of these books, one row per book: (organisation id, hand-out, holder,
    passes, used, expired, first use). Returns the rows per organisation, the totals, the median delay (days)
    before the first use with the number of books it is computed on, and the number of people who used at least
    one pass."""
    from accounts.models import Organization
    from vouchers.models import Pass

    P = Pass.Status
    rows = (
        Pass.objects.filter(book__in=books.order_by().values("pk"))
        .order_by()
        .values("book_id")
        .annotate(
            organization=Max("book__organization_id"),
            handed_at=Max("book__handed_at"),
            holder=Max("book__handed_to_id"),
            passes=Count("pk"),
            used=Count("pk", filter=Q(status=P.REDEEMED)),
            lapsed=Count("pk", filter=Q(status=P.EXPIRED)),
            first_use=Min("redeemed_at", filter=Q(status=P.REDEEMED)),
        )
        .values_list("organization", "handed_at", "holder", "passes", "used", "lapsed", "first_use")
    )
    keys = ("handed_out", "started", "fully_used", "expired", "passes_used")
    per_organization, delays, holders = {}, [], set()
    for organization, handed_at, holder, passes, used, lapsed, first_use in rows.iterator(chunk_size=5000):
        group = per_organization.setdefault(organization, dict.fromkeys(keys, 0))
        group["handed_out"] += 1
        group["started"] += used > 0
        group["fully_used"] += used == passes
        group["expired"] += lapsed > 0
        group["passes_used"] += used
        if used:
            holders.add(holder)
            if handed_at and first_use:
                delays.append((first_use - handed_at).total_seconds() / 86400)
    names = dict(Organization.objects.filter(pk__in=[pk for pk in per_organization if pk]).values_list("pk", "name"))
    by_organization = sorted(
        ({"name": names.get(pk) or "Sans organisation", **group} for pk, group in per_organization.items()),
        key=lambda row: row["name"],
    )
    totals = {key: sum(group[key] for group in per_organization.values()) for key in keys}
    median = round(statistics.median(delays), 1) if delays else None
    return by_organization, totals, (median, len(delays)), len(holders)
