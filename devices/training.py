"""The training offered with a device: the nearest place (`referrals.ranking`) and the upcoming sessions that the
events module offers through `register_sessions_provider` (from `EventsConfig.ready()`), so that this module does
not depend on events."""

from collections import namedtuple

from django.utils import timezone

TRAINING_SERVICE = "Maîtrise des outils numériques du quotidien"
# `place_name` and `commune_name` are empty for an online session.
TrainingSession = namedtuple("TrainingSession", ["title", "starts_at", "place_name", "commune_name", "url"])
_sessions_providers = []


def register_sessions_provider(provider):
    """Add a provider `(commune) -> [(title, starts_at, place_name, commune_name, url)]` (once)."""
    if provider not in _sessions_providers:
        _sessions_providers.append(provider)
    return provider


def unregister_sessions_provider(provider):
    if provider in _sessions_providers:
        _sessions_providers.remove(provider)


def training_sessions(commune):
    """(nearby, online): the sessions the providers offer around `commune` (None: online ones only)."""
    sessions = sorted(
        (TrainingSession(*item) for provider in _sessions_providers for item in provider(commune)),
        key=lambda session: session.starts_at,
    )
    nearby = [session for session in sessions if session.place_name and commune is not None]
    return nearby, [session for session in sessions if not session.place_name]


def _session_line(session):
    where = f"{session.place_name}, {session.commune_name}" if session.place_name else "en ligne"
    return f"Séance : {session.title}, le {timezone.localtime(session.starts_at):%d/%m/%Y à %H:%M}, {where}"


def training_offer(person):
    """The nearest places and the sessions nearby, then those online, with the text printed on the bon de remise."""
    from referrals.ranking import rank_places

    places = rank_places(needs=[TRAINING_SERVICE], commune=person.commune, limit=3)
    located = person.commune is not None and person.commune.point is not None
    nearby, online = training_sessions(person.commune if located else None)
    lines = [f"Lieu : {p.name}, {p.address}, {p.postal_code} {p.commune_name}" for p, _score, _why in places[:1]]
    lines += [_session_line(session) for session in [*nearby[:3], *online[:2]]]
    return {"places": places, "nearby_sessions": nearby, "online_sessions": online, "text": "\n".join(lines)}
