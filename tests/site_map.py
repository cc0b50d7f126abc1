"""Every named URL of the project, with what the site-wide tests need to request it.

Used by `tests/test_site_invariants.py` (HTTP client, every role) and `tests/browser/test_accessibility.py`
(axe-core in Chromium). A new page is picked up automatically; what the walker cannot guess must be declared,
here or in a hook module `tests/<app>/url_samples.py`, which may define any of these dicts (merged with the
ones below):

    SAMPLES = {"places:detail": lambda user: {"pk": PlaceFactory().pk}}
        URL kwargs for a parameterised URL. The callable gets the user making the request (None when
        anonymous) and may create objects that user can see. A parameterised URL without a sample fails.
    PUBLIC = {"places:search": "annuaire public des lieux"}
        Views opted out of login (`@login_not_required`), with why. A public view missing here fails, and so
        does a declared one that asks for a login: making a page public must be deliberate.
    STATUS_ONLY = {"places:export": "CSV"}
        Not an HTML page (JSON, CSV, ICS, file): only its status is checked.
    SKIP = {"places:delete": "POST only"}
        Not requested at all, with the reason.
    EXPECTED_STATUS = {"core:history": {"coordinator": {200}, "*": {403}}}
        Status codes expected for a role where the default does not fit ("*": every logged-in role;
        "anonymous" may be given too). Defaults: anonymous → 200 on public pages, 302 to the login page
        otherwise; logged-in → 200, 403 or 404.
"""

import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from tests.roles import ANONYMOUS

SKIPPED_NAMESPACES = {"admin": "l'administration technique de Django, testée par Django"}

SAMPLES = {}

PUBLIC = {
    "core:home": "page d'accueil",
    "core:health": "sonde des répartiteurs de charge",
    "core:legal_notice": "mentions légales",
    "core:accessibility": "déclaration d'accessibilité",
    "core:privacy": "données personnelles",
    "core:styleguide": "guide des composants",
    "accounts:login": "connexion",
    "geo:commune_autocomplete": "autocomplétion des communes utilisée par les pages publiques",
    "open_data": "redirige vers la liste des données ouvertes",
}

STATUS_ONLY = {
    "core:health": "JSON pour les répartiteurs de charge",
    "geo:commune_autocomplete": "JSON",
    "accounts:logout": "POST seulement : un GET reçoit 405",
}

SKIP = {"open_data": "redirection vers api:open_data, testée dans tests/api/test_pages.py"}

EXPECTED_STATUS = {
    "core:health": {ANONYMOUS: {200}, "*": {200}},
    "accounts:logout": {"*": {405}},
    "core:history": {"coordinator": {200}, "administrator": {200}, "*": {403}},
}

LOGGED_IN_DEFAULT = frozenset({200, 403, 404})


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    pattern: str  # for messages: "/compte/connexion/"
    params: tuple
    callback: object

    @property
    def namespace(self):
        return self.name.rpartition(":")[0]

    @property
    def is_public(self):
        """Opted out of LoginRequiredMiddleware with @login_not_required."""
        return getattr(self.callback, "login_required", True) is False

    def __str__(self):
        return self.name


def _params(pattern):
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters)
    return tuple(pattern.regex.groupindex)


def _walk(patterns, namespace, prefix, params):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            if full_ns and full_ns.split(":")[0] in SKIPPED_NAMESPACES:
                continue
            yield from _walk(entry.url_patterns, full_ns, prefix + str(entry.pattern), params + _params(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Route(name, "/" + prefix + str(entry.pattern), params + _params(entry.pattern), entry.callback)


def _load_hooks():
    """Merges the dicts of every `tests/<app>/url_samples.py`."""
    tests_dir = Path(__file__).parent
    for info in pkgutil.iter_modules([str(tests_dir)]):
        if not info.ispkg or not (tests_dir / info.name / "url_samples.py").exists():
            continue
        module = importlib.import_module(f"tests.{info.name}.url_samples")
        for registry_name, registry in [
            ("SAMPLES", SAMPLES),
            ("PUBLIC", PUBLIC),
            ("STATUS_ONLY", STATUS_ONLY),
            ("SKIP", SKIP),
            ("EXPECTED_STATUS", EXPECTED_STATUS),
        ]:
            registry.update(getattr(module, registry_name, {}))


_load_hooks()


def all_routes():
    """Every named route outside the skipped namespaces, in a stable order (first definition of a name wins,
    as for reverse())."""
    seen = {}
    for route in _walk(get_resolver().url_patterns, None, "", ()):
        seen.setdefault(route.name, route)
    return sorted(seen.values(), key=lambda route: route.name)


def routes_to_request():
    return [route for route in all_routes() if route.name not in SKIP]


def html_routes():
    return [route for route in routes_to_request() if route.name not in STATUS_ONLY]


def url_for(route, user=None):
    """The path to request for `route`, building the kwargs of a parameterised URL from SAMPLES."""
    from django.urls import reverse

    if not route.params:
        return reverse(route.name)
    if route.name not in SAMPLES:
        raise LookupError(
            f"L'URL {route.name} ({route.pattern}) attend des paramètres {route.params} : déclarez un exemple "
            f"dans SAMPLES (tests/site_map.py ou tests/<app>/url_samples.py)."
        )
    return reverse(route.name, kwargs=SAMPLES[route.name](user))


def expected_statuses(route, role):
    """The status codes allowed for `role` (a role name or "anonymous") on `route`."""
    override = EXPECTED_STATUS.get(route.name, {})
    if role in override:
        return set(override[role])
    if role == ANONYMOUS:
        return {200} if route.is_public else {302}
    if "*" in override:
        return set(override["*"])
    return set(LOGGED_IN_DEFAULT)
