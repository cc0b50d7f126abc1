"""The main menu. Each app adds its entries from its AppConfig.ready() with `register()`, saying who sees them, so
the menu follows the user's roles without core knowing any business area."""

from collections.abc import Callable
from dataclasses import dataclass

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
    # A session still owing its second factor (flagged by the accounts middleware) sees only the public entries.
    pending_second_factor = getattr(request, "second_factor_pending", False)
    items = []
    for entry in sorted(_entries.values(), key=lambda e: (e.order, e.label)):
        if not entry.visible(user) or (pending_second_factor and entry.order > 0):
            continue
        items.append({"label": entry.label, "url": reverse(entry.url_name), "current": False})
    # The current entry is the one whose address is the longest start of the page's path (only one is current).
    matching = [item for item in items if path == item["url"] or (item["url"] != "/" and path.startswith(item["url"]))]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["current"] = True
    return items


register("Accueil", "core:home", order=0)
