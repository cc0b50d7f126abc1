"""schema.org `Event` data for the event pages (standards.md §6), embedded as <script type="application/ld+json">.
The CSP's script-src allows nonced scripts only; a JSON-LD block is data, never executed, and carries the nonce
anyway. `dumps` escapes <, > and & so that the text can never close the script element."""

import json

from django.utils import timezone

from accounts.emails import absolute_url

ATTENDANCE = "https://schema.org/{}EventAttendanceMode"
STATUS = "https://schema.org/{}"
AUDIENCE = {"professionals": "Professionnels", "public": "Grand public", "both": "Professionnels et grand public"}
ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _place(place):
    return {
        "@type": "Place",
        "name": place.name,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": place.address,
            "postalCode": place.postal_code,
            "addressLocality": place.commune_name,
            "addressCountry": "FR",
        },
    }


def session_data(event, session):
    relay_count = getattr(session, "relay_count", 0)
    online = bool(session.online_url)
    on_site = session.place is not None or relay_count > 0
    mode = "Mixed" if online and on_site else "Online" if online else "Offline"
    locations = []
    if session.place is not None:
        locations.append(_place(session.place))
    if online:
        locations.append({"@type": "VirtualLocation", "url": absolute_url(event.get_absolute_url())})
    cancelled = session.status == "cancelled" or event.status == "cancelled"
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": session.title or event.title,
        "description": event.description,
        "startDate": timezone.localtime(session.starts_at).isoformat(),
        "endDate": timezone.localtime(session.ends_at).isoformat(),
        "eventStatus": STATUS.format("EventCancelled" if cancelled else "EventScheduled"),
        "eventAttendanceMode": ATTENDANCE.format(mode),
        "location": locations[0] if len(locations) == 1 else locations,
        "organizer": {"@type": "Organization", "name": event.organizer.name},
        "offers": {
            "@type": "Offer",
            "price": 0,
            "priceCurrency": "EUR",
            "url": absolute_url(session.get_absolute_url()),
            "availability": "https://schema.org/InStock"
            if getattr(session, "free_seats", 1) > 0
            else "https://schema.org/SoldOut",
        },
        "audience": {"@type": "Audience", "audienceType": AUDIENCE.get(event.audience, "")},
        "maximumAttendeeCapacity": getattr(session, "total_capacity", session.capacity),
        "inLanguage": "fr",
        "isAccessibleForFree": True,
        "url": absolute_url(event.get_absolute_url()),
    }
    if session.speakers:
        data["performer"] = [
            {"@type": "Person", "name": name.strip()} for name in session.speakers.split(",") if name.strip()
        ]
    return data


def dumps(data):
    return json.dumps(data, ensure_ascii=False).translate(ESCAPES)
