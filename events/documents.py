"""The printed side of attendance: the sign-in sheet (feuille d'émargement) of a session or of one relay site, the
attendance certificate of a training, and the registration's QR code (SVG).

The sign-in sheet lists the confirmed registrants by name, with a column for the signature, as funders require;
it names people in full, so only those who check the pool in may print it (`attendance.can_check_in`)."""

import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone

from events import icalendar
from events.models import Registration


def full_name(registration):
    """« MARTIN Camille »: the last name first, as on a sign-in sheet."""
    if registration.person_id and not registration.first_name:
        first, last = registration.person.first_name, registration.person.last_name
    else:
        first, last = registration.first_name, registration.last_name
    return " ".join(part for part in (last.upper(), first) if part) or f"Inscription n° {registration.pk}"


def session_label(session):
    return session.title or session.event.title


def when_label(session):
    start = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    return f"le {start:%d/%m/%Y} de {start:%H:%M} à {end:%H:%M}"


def where_label(session, relay_site=None):
    where = icalendar.location_of(session, relay_site)
    if relay_site is None and session.online_url and session.place is None:
        return "En ligne"
    return where


def host_label(session, relay_site=None):
    if relay_site is not None and relay_site.host_id:
        return str(relay_site.host)
    return session.event.organizer.name


def sheet_filename(session, relay_site=None):
    suffix = f"-relais-{relay_site.pk}" if relay_site is not None else ""
    return f"emargement-seance-{session.pk}{suffix}.pdf"


def _styles():
    from reportlab.lib.styles import getSampleStyleSheet

    return getSampleStyleSheet()


def _paragraph(text, style):
    from reportlab.platypus import Paragraph

    return Paragraph(escape(str(text)), style)


def sign_in_sheet_pdf(session, relay_site=None):
    """PDF bytes: the event, date, place and host, then one line per confirmed registrant (name, registered by,
    signature). Blank lines at the end for people who come without registering."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    registrations = list(
        Registration.objects.in_pool(session, relay_site)
        .confirmed()
        .select_related("person")
        .order_by("last_name", "first_name", "pk")
    )
    registrations.sort(key=lambda r: full_name(r).lower())
    buffer = io.BytesIO()
    title = f"Feuille d'émargement — {session_label(session)}"
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author=settings.PLATFORM_NAME,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
    )
    styles = _styles()
    story = [
        _paragraph(title, styles["Title"]),
        _paragraph(f"Événement : {session.event.title} ({session.event.get_kind_display()})", styles["Normal"]),
        _paragraph(f"Organisé par : {session.event.organizer.name}", styles["Normal"]),
        _paragraph(f"Date : {when_label(session)}", styles["Normal"]),
        _paragraph(f"Lieu : {where_label(session, relay_site)}", styles["Normal"]),
        _paragraph(f"Accueil : {host_label(session, relay_site)}", styles["Normal"]),
        _paragraph(f"{len(registrations)} inscription(s) confirmée(s).", styles["Normal"]),
        Spacer(1, 5 * mm),
    ]
    rows = [["N°", "Nom et prénom", "Structure ou inscrit par", "Signature"]]
    for number, registration in enumerate(registrations, start=1):
        rows.append([str(number), full_name(registration), "", ""])
    for number in range(len(registrations) + 1, len(registrations) + 6):
        rows.append([str(number), "", "", ""])
    table = Table(
        rows,
        repeatRows=1,
        colWidths=[10 * mm, 70 * mm, 45 * mm, 55 * mm],
        rowHeights=[8 * mm] + [11 * mm] * (len(rows) - 1),
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dddddd")),
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ]
        )
    )
    story.append(table)
    story.append(Spacer(1, 6 * mm))
    story.append(
        _paragraph(
            f"Signature de la personne qui accueille : ……………………………… "
            f"Édité le {timezone.localdate():%d/%m/%Y} par {settings.PLATFORM_NAME}.",
            styles["Normal"],
        )
    )
    document.build(story)
    return buffer.getvalue()


def certificate_filename(registration):
    return f"attestation-presence-{registration.pk}.pdf"


def certificate_pdf(registration):
    """PDF bytes: the attendance certificate of one registration marked present at a training."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer

    session = registration.session
    event = session.event
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Attestation de présence — {event.title}",
        author=settings.PLATFORM_NAME,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=30 * mm,
    )
    styles = _styles()
    name = full_name(registration)
    hours, minutes = divmod(session.duration_minutes, 60)
    duration = f"{hours} h {minutes:02d}" if hours else f"{minutes} minutes"
    story = [
        _paragraph("Attestation de présence", styles["Title"]),
        Spacer(1, 10 * mm),
        _paragraph(
            f"{event.organizer.name} atteste que {name} a participé à la formation « {event.title} »"
            f"{' (' + session.title + ')' if session.title else ''}, {when_label(session)}, soit une durée de "
            f"{duration}.",
            styles["BodyText"],
        ),
        Spacer(1, 4 * mm),
        _paragraph(f"Lieu : {where_label(session, registration.relay_site)}.", styles["BodyText"]),
    ]
    if session.speakers:
        story.append(_paragraph(f"Intervenants : {session.speakers}.", styles["BodyText"]))
    if event.series_id:
        story.append(_paragraph(f"Série : {event.series.name}.", styles["BodyText"]))
    story += [
        Spacer(1, 12 * mm),
        _paragraph(
            f"Fait le {timezone.localdate():%d/%m/%Y}, pour servir et valoir ce que de droit.", styles["BodyText"]
        ),
        _paragraph(f"Pour {event.organizer.name} — {settings.PLATFORM_NAME}", styles["BodyText"]),
        Spacer(1, 6 * mm),
        _paragraph(f"Attestation n° {registration.pk}, établie d'après la feuille d'émargement.", styles["Italic"]),
    ]
    document.build(story)
    return buffer.getvalue()


def qr_svg(data, *, title="Code QR d'accueil"):
    """An inline SVG of `data` as a QR code (segno), with a text alternative."""
    import segno

    qr = segno.make(data, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=4, border=2, xmldecl=False, svgns=True, title=title, nl=False)
    return buffer.getvalue().decode()
