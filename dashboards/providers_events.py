"""The figures of the trainings and webinars (`events`), registered at order 50 from `DashboardsConfig.ready()`.
The measures (confirmed registrations, présents, absents, waiting list, cancellations) and the groupings come
from `events.figures`, so the dashboard and the events module's own figures page agree.

Scope: sessions starting in the period (drafts left out); territory: the commune of the relay site's place, or of
the session's place when the person registered on site (online sessions have no commune, so they are left out of
a territorial view); organisation: the events it organises and the registrations made by its members (a partner's
advisers registering the people they follow). Aggregates only: no name, no session title on its own line."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from dashboards.masking import THRESHOLD
from dashboards.providers import monthly_points, period_bounds
from dashboards.registry import NUMBER, PERCENT, Figure, Section, Series, Table

# The events.figures groupings shown as tables, with their heading.
GROUPINGS = [
    ("by_organization", "organisation", "Inscriptions par organisation organisatrice", "Organisation"),
    ("by_place", "lieu", "Inscriptions par lieu (lieu de la séance ou lieu relais)", "Lieu"),
    ("by_commune", "commune", "Inscriptions par commune", "Commune"),
]
SESSIONS = 50
HEADINGS = ["Inscrits", "Présents", "Absents", "Taux de présence (%)", "Liste d'attente", "Annulations"]


def attendance_rate(row):
    """présents ÷ confirmed registrations of sessions already started, in percent; not computed on fewer than
    5 (a rate on 2 people tells whether each came)."""
    started = row["started_confirmed"]
    if started < THRESHOLD:
        return None
    return round(100 * row["present"] / started)


def registrations_in(scope):
    from events.models import Event, Registration

    start, end = period_bounds(scope)
    registrations = Registration.objects.filter(session__starts_at__gte=start, session__starts_at__lt=end).exclude(
        session__event__status=Event.Status.DRAFT
    )
    if scope.organization is not None:
        members = get_user_model().objects.filter(memberships__organization=scope.organization).values("pk")
        registrations = registrations.filter(
            Q(session__event__organizer=scope.organization) | Q(registered_by__in=members)
        )
    if scope.communes is not None:
        registrations = registrations.filter(
            Q(relay_site__place__commune_id__in=scope.communes)
            | Q(relay_site__isnull=True, session__place__commune_id__in=scope.communes)
        )
    return registrations


def events_figures(scope):
    from events import figures
    from events.models import Registration

    registrations = registrations_in(scope)
    now = timezone.now()
    totals = figures.totals(registrations, now=now)
    sessions = registrations.aggregate(n=Count("session", distinct=True))["n"]
    by_month = dict(
        registrations.filter(status=Registration.Status.CONFIRMED)
        .order_by()
        .annotate(month=TruncMonth("session__starts_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    tables = []
    for key, grouping, title, heading in GROUPINGS:
        rows = [
            [
                row["g_name"] or "Non renseigné",
                row["registered"],
                row["present"],
                row["no_shows"],
                attendance_rate(row),
                row["waitlisted"],
                row["cancelled"],
            ]
            for row in figures.table(registrations, grouping, now=now)[:100]
        ]
        tables.append(Table(key, title, [heading, *HEADINGS], rows, count_columns=(1, 2, 3, 5, 6)))
    sessions_rows = [
        [
            figures.row_label(row, "seance"),
            figures.pool_label(row),
            row["registered"],
            row["present"],
            row["no_shows"],
            attendance_rate(row),
            row["waitlisted"],
            row["cancelled"],
        ]
        for row in figures.table(registrations, "seance", now=now)[:SESSIONS]
    ]
    tables.insert(
        0,
        Table(
            "by_session",
            f"Inscriptions par séance et lieu relais ({SESSIONS} séances les plus récentes au plus)",
            ["Séance", "Lieu relais", *HEADINGS],
            sessions_rows,
            count_columns=(2, 3, 4, 6, 7),
        ),
    )
    return Section(
        key="events",
        title="Formations et webinaires",
        figures=[
            Figure("sessions", "Séances sur la période", sessions, NUMBER),
            Figure("registered", "Inscriptions confirmées", totals["registered"]),
            Figure("present", "Présents", totals["present"]),
            Figure(
                "attendance",
                "Taux de présence (%)",
                attendance_rate(totals),
                PERCENT,
                base=totals["started_confirmed"],
                help="Présents parmi les inscrits des séances déjà commencées.",
            ),
            Figure("no_shows", "Absents", totals["no_shows"], help="Inscrits non pointés présents."),
            Figure("waitlisted", "Sur liste d'attente", totals["waitlisted"]),
            Figure("cancelled", "Inscriptions annulées", totals["cancelled"]),
        ],
        series=[
            Series(
                "by_month",
                "Inscriptions confirmées par mois de séance",
                monthly_points(scope, by_month),
                chart="line",
                value_label="Inscriptions",
            ),
        ],
        tables=tables,
        notes=[
            "Séances commençant sur la période (brouillons exclus). Une personne non pointée présente à une séance "
            "commencée compte comme absente ; le taux de présence n'est pas calculé sur moins de 5 inscrits.",
        ],
    )
