"""iCalendar (RFC 5545) written by hand: one VEVENT per session, times in UTC, lines folded at 75 octets.

calendar_for([session], title="…") -> str   (CRLF line ends, ready to serve as text/calendar)
"""

from datetime import UTC

from django.conf import settings
from django.utils import timezone

from accounts.emails import absolute_url


def escape(text):
    """TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and new lines."""
    return (
        str(text or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line):
    """Split a content line into chunks of at most 75 octets, continuation lines starting with a space (never
    cutting a UTF-8 character)."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        limit = 75 if not parts else 74
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def utc(value):
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def location_of(session, relay_site=None):
    place = relay_site.place if relay_site is not None else session.place
    if place is not None:
        return f"{place.name}, {place.address}, {place.postal_code} {place.commune_name}"
    return "En ligne"


def vevent(session, *, relay_site=None, now=None):
    event = session.event
    url = absolute_url(event.get_absolute_url())
    cancelled = session.status == session.Status.CANCELLED or event.status == event.Status.CANCELLED
    host = settings.PLATFORM_URL.split("://", 1)[-1].split("/", 1)[0] or "localhost"
    description = event.description
    if session.online_url and relay_site is None:
        description = f"{description}\n\nLien de connexion : {session.online_url}"
    lines = [
        "BEGIN:VEVENT",
        f"UID:seance-{session.pk}{f'-relais-{relay_site.pk}' if relay_site else ''}@{host}",
        f"DTSTAMP:{utc(now or timezone.now())}",
        f"DTSTART:{utc(session.starts_at)}",
        f"DTEND:{utc(session.ends_at)}",
        f"SUMMARY:{escape(session.title or event.title)}",
        f"DESCRIPTION:{escape(description)}",
        f"LOCATION:{escape(location_of(session, relay_site))}",
        f"URL:{url}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT",
    ]
    return lines


def calendar_for(sessions, *, title, relay_sites=None, now=None):
    """A VCALENDAR holding one VEVENT per session (`relay_sites`: {session pk: relay site} for registrations)."""
    now = now or timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{escape(settings.PLATFORM_NAME)}//Evenements//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(title)}",
    ]
    for session in sessions:
        lines.extend(vevent(session, relay_site=(relay_sites or {}).get(session.pk), now=now))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
