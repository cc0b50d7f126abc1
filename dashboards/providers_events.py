"""The figures of the trainings and webinars (`events`), registered at order 50 from `DashboardsConfig.ready()`.
The measures (confirmed registrations, présents, absents, waiting list, cancellations) and the groupings come
from `events.figures`, so the dashboard and the events module's own figures page agree.

Scope: sessions starting in the period (drafts left out); territory: the commune of the relay site's place, or of
the session's place when the person registered on site (online sessions have no commune, so they are left out of
a territorial view); organisation: the events it organises and the registrations made by its members (a partner's
advisers registering the people they follow). Aggregates only: no name, no session title on its own line."""

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q
from django.utils import timezone

from dashboards.masking import THRESHOLD
from dashboards.providers import monthly_points, period_bounds
from dashboards.registry import NUMBER, PERCENT, Figure, Section, Series, Table
from geo.text import normalize_name

# The events.figures groupings shown as tables, with their heading.
GROUPINGS = [
    ("by_organization", "organisation", "Inscriptions par organisation organisatrice", "Organisation"),
    ("by_place", "lieu", "Inscriptions par lieu (lieu de la séance ou lieu relais)", "Lieu"),
    ("by_commune", "commune", "Inscriptions par commune", "Commune"),
]
SESSIONS = 50
MEASURES = ("registered", "present", "started_confirmed", "no_shows", "waitlisted", "cancelled")
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


def _in_french_order(names):
    """The names in French alphabetical order (case and accents ignored), the same on every database."""
    return sorted(names, key=lambda name: (normalize_name(name), name))


def _add(groups, key, measures):
    """Adds the measures (a tuple in the order of MEASURES) to the group `key`."""
    group = groups.get(key)
    if group is None:
        groups[key] = list(measures)
    else:
        for index, value in enumerate(measures):
            group[index] += value


def _pools(scope):
    """The measures of `events.figures` for each session and relay site (one row each): registrations are counted
    once, in the database; everything else is summed from these rows. The registrations of a session already
    started not marked present are its absents."""
    from events.models import Registration

    confirmed = Q(status=Registration.Status.CONFIRMED)
    return list(
        registrations_in(scope)
        .order_by()
        .values_list("session_id", "relay_site_id")
        .annotate(
            registered=Count("pk", filter=confirmed),
            present=Count("pk", filter=confirmed & Q(attended=True)),
            waitlisted=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
            cancelled=Count("pk", filter=Q(status=Registration.Status.CANCELLED)),
        )
    )


def _cells(measures):
    """A table line's cells from a group's measures (in the order of MEASURES)."""
    row = dict(zip(MEASURES, measures, strict=True))
    return [
        row["registered"],
        row["present"],
        row["no_shows"],
        attendance_rate(row),
        row["waitlisted"],
        row["cancelled"],
    ]


def _first_given(*values):
    """SQL's COALESCE."""
    return next(value for value in values if value is not None)


def events_figures(scope):
    """Three queries whatever the number of registrations (four on PostgreSQL): the measures by session and relay
    site, the names of the sessions and of the relay sites of the period, the order of the names."""
    from events import figures
    from events.models import RelaySite, Session

    now = timezone.now()
    start, end = period_bounds(scope)
    pools = _pools(scope)
    sessions, relay_sites = {}, {}
    if pools:
        sessions = {
            row["pk"]: row
            for row in Session.objects.filter(starts_at__gte=start, starts_at__lt=end)
            .order_by()
            .values(
                "pk",
                "starts_at",
                "title",
                event_title=F("event__title"),
                organizer=F("event__organizer__name"),
                place_name=F("place__name"),
                commune_name=F("place__commune_name"),
            )
        }
    relay_site_ids = {relay_site_id for _session_id, relay_site_id, *_measures in pools} - {None}
    if relay_site_ids:
        relay_sites = {
            row["pk"]: row
            for row in RelaySite.objects.filter(pk__in=relay_site_ids)
            .order_by()
            .values("pk", place_name=F("place__name"), commune_name=F("place__commune_name"))
        }

    zone = timezone.get_current_timezone()
    totals, by_month, by_session = {}, {}, {}
    grouped = {key: {} for key, *_rest in GROUPINGS}
    no_relay_site = {"place_name": None, "commune_name": None}
    for session_id, relay_site_id, registered, present, waitlisted, cancelled in pools:
        session = sessions[session_id]
        relay_site = relay_sites.get(relay_site_id, no_relay_site)
        if session["starts_at"] <= now:  # started: the confirmed not marked present are absent
            measures = (registered, present, registered, registered - present, waitlisted, cancelled)
        else:
            measures = (registered, present, 0, 0, waitlisted, cancelled)
        _add(totals, None, measures)
        month = timezone.localtime(session["starts_at"], zone).date().replace(day=1)
        by_month[month] = by_month.get(month, 0) + registered
        _add(grouped["by_organization"], session["organizer"], measures)
        place = _first_given(relay_site["place_name"], session["place_name"], figures.ONLINE)
        _add(grouped["by_place"], place, measures)
        commune = _first_given(relay_site["commune_name"], session["commune_name"], figures.ONLINE)
        _add(grouped["by_commune"], commune, measures)
        _add(by_session, (session_id, _first_given(relay_site["place_name"], "")), measures)
    totals = dict(zip(MEASURES, totals.get(None, [0] * len(MEASURES)), strict=True))

    names = {pool for _session, pool in by_session}
    for groups in grouped.values():
        names.update(groups)
    rank = {name: index for index, name in enumerate(_in_french_order(names))}
    tables = []
    for key, _grouping, title, heading in GROUPINGS:
        rows = [
            [name or "Non renseigné", *_cells(row)]
            for name, row in sorted(grouped[key].items(), key=lambda item: rank[item[0]])[:100]
        ]
        tables.append(Table(key, title, [heading, *HEADINGS], rows, count_columns=(1, 2, 3, 5, 6)))
    # Most recent session first, then by session and relay site (as `events.figures.table(…, "seance")`).
    lines = sorted(by_session.items(), key=lambda item: (item[0][0], rank[item[0][1]]))
    lines.sort(key=lambda item: sessions[item[0][0]]["starts_at"], reverse=True)
    sessions_rows = []
    for (session_pk, pool), row in lines[:SESSIONS]:
        session = sessions[session_pk]
        label = {
            "g_starts_at": session["starts_at"],
            "g_session_title": session["title"],
            "g_event_title": session["event_title"],
            "g_pool": pool,
        }
        sessions_rows.append([figures.row_label(label, "seance"), figures.pool_label(label), *_cells(row)])
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
    sessions_count = len({session_pk for session_pk, _pool in by_session})
    return Section(
        key="events",
        title="Formations et webinaires",
        figures=[
            Figure("sessions", "Séances sur la période", sessions_count, NUMBER),
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
