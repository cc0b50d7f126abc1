"""The person's timeline: later modules (referrals, vouchers, events, devices) register a provider from their
AppConfig.ready(); people never imports them. A provider is a function `(person, viewer) -> list[TimelineEvent]`
that lists only what `viewer` may see."""

from dataclasses import dataclass
from datetime import date, datetime

_providers = []


@dataclass(frozen=True)
class TimelineEvent:
    date: date | datetime
    label: str
    url: str | None
    module: str


def register(provider):
    """Add a provider (registering the same function twice has no effect)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister(provider):
    if provider in _providers:
        _providers.remove(provider)


def _sort_key(event):
    value = event.date
    if isinstance(value, datetime):
        return (value.date(), value.time().isoformat())
    return (value, "")


def events_for(person, viewer):
    """Every provider's events for `person` that `viewer` may see, most recent first."""
    events = []
    for provider in _providers:
        events.extend(provider(person, viewer))
    return sorted(events, key=_sort_key, reverse=True)
