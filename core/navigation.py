"""The main menu. Each app adds its entries from its AppConfig.ready() with `register()`, saying who sees them, so
the menu follows the user's roles without core knowing any business area."""

from dataclasses import dataclass
from typing import Callable

from django.urls import reverse


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    visible: Callable
    order: int


_entries: dict[str, NavEntry] = {}


def register(label, url_name, *, visible=lambda user: True, order=100):
    """Add a menu entry; `visible(user)` decides who sees it. Registering the same URL name again replaces it."""
    _entries[url_name] = NavEntry(label, url_name, visible, order)


def nav_items(request):
    user = request.user
    path = request.path
    items = []
    for entry in sorted(_entries.values(), key=lambda e: (e.order, e.label)):
        if not entry.visible(user):
            continue
        url = reverse(entry.url_name)
        items.append({"label": entry.label, "url": url, "current": path == url or (url != "/" and path.startswith(url))})
    return items


register("Accueil", "core:home", order=0)
