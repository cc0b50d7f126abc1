"""The demo clock: each seeding step runs at a moment in the past, so that the demo looks like weeks of real work
(response times, « sans réponse depuis », delays in the dashboards). Demo seeding only.

Inside `demo_clock(moment)`, `django.utils.timezone.now()` answers `moment`: the services' own `now`, the
`auto_now` / `auto_now_add` fields and anything else calling `timezone.now()` while it runs get the demo date.
A field declared `default=timezone.now` is different: it holds the real function, taken when the model was
imported, which the patch cannot reach, so those rows would say « today ». On leaving the block, those fields are
therefore set to `moment` with a plain `QuerySet.update` (no model is patched) on the rows the step wrote with that
default, recognised by their table (the tables the step inserted rows into) and their value: a time of the real clock
between the block's start and its end (a value the service set itself comes from the patched clock, or is a chosen
date, and stays)."""

import contextlib
from functools import cache
from unittest import mock

from django.apps import apps
from django.db import connection, models
from django.utils import timezone

# The function the fields' defaults hold, taken before any demo clock is set.
REAL_NOW = timezone.now


@cache
def fields_defaulting_to_now():
    """{table: (model, [field names])}: the date-time fields whose default is `timezone.now` itself (not a call to
    it), by database table."""
    found = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [
            field.name
            for field in model._meta.local_concrete_fields
            if isinstance(field, models.DateTimeField) and field.default is REAL_NOW
        ]
        if names:
            found[model._meta.db_table] = (model, names)
    return found


def backdate(moment, *, tables, written_from, written_until):
    """Give `moment` to the `default=timezone.now` fields of `tables` set by the real clock in [written_from,
    written_until]. Returns the number of values changed."""
    changed = 0
    for table in sorted(tables):
        model, names = fields_defaulting_to_now().get(table, (None, []))
        for name in names:
            rows = model._base_manager.filter(**{f"{name}__gte": written_from, f"{name}__lte": written_until})
            changed += rows.update(**{name: moment})
    return changed


class _InsertedTables:
    """A database execute wrapper (Django's « database instrumentation ») noting the tables rows are inserted into,
    `bulk_create` included."""

    def __init__(self):
        self.tables = set()

    def __call__(self, execute, sql, params, many, context):
        words = sql.split(maxsplit=3)
        if len(words) > 2 and words[0].upper() == "INSERT" and words[1].upper() == "INTO":
            self.tables.add(words[2].strip('"`'))
        return execute(sql, params, many, context)


@contextlib.contextmanager
def demo_clock(moment):
    """Every `timezone.now()` answers `moment`, and the rows inserted meanwhile carry `moment` in their
    `default=timezone.now` fields too (see the module's docstring). Demo seeding only: not for concurrent use."""
    inserted = _InsertedTables()
    written_from = REAL_NOW()
    with connection.execute_wrapper(inserted), mock.patch("django.utils.timezone.now", return_value=moment):
        yield
    backdate(moment, tables=inserted.tables, written_from=written_from, written_until=REAL_NOW())
