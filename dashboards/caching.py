"""The pilotage's cache: what takes many queries (the sections of a scope, the yearly report) is computed once per
key and kept a few minutes in Django's cache (the database by default, shared by every process). The key is a
hash of a stamp naming everything the value depends on: period, territory, organisation, modules, data version.
`refresh_dashboards` computes the default views ahead, so their first visitor does not wait."""

import hashlib

from django.core.cache import cache
from django.utils import timezone

SECTIONS_SECONDS = 300
# Sections computed ahead by `refresh_dashboards` (run every 5 minutes) live until the next run has surely passed.
REFRESHED_SECONDS = 900


def _key(kind, stamp):
    return f"dashboards:{kind}:" + hashlib.sha256(stamp.encode()).hexdigest()


def cached(kind, stamp, compute, seconds):
    """The value kept under (`kind`, `stamp`), or `compute()` kept for `seconds`."""
    key = _key(kind, stamp)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def store(kind, stamp, value, seconds):
    cache.set(_key(kind, stamp), value, seconds)


def sections_stamp(scope, modules):
    return f"{scope.cache_key}:{','.join(modules or ['*'])}"


def _computed(scope, modules):
    from dashboards import registry

    return {"sections": registry.collect(scope, modules), "computed_at": timezone.now()}


def cached_sections(scope, modules):
    """(sections, computed_at): the registry's sections for this scope, kept `SECTIONS_SECONDS`, and when they
    were computed (the dashboards say it)."""
    value = cached("sections", sections_stamp(scope, modules), lambda: _computed(scope, modules), SECTIONS_SECONDS)
    return value["sections"], value["computed_at"]


def refresh_sections(scope):
    """Computes every section of `scope` now and keeps them `REFRESHED_SECONDS`."""
    store("sections", sections_stamp(scope, None), _computed(scope, None), REFRESHED_SECONDS)
