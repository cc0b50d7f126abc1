"""`refresh_dashboards` computes ahead the département's and the partners' default dashboards: the first visitor
gets them from the shared cache, with the time they were computed; the database cache works across processes."""

import importlib
import io
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from accounts.models import Role
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.referrals.factories import ReferralFactory
from tests.roles import log_in

pytestmark = pytest.mark.django_db


def refresh(*options):
    out = io.StringIO()
    call_command("refresh_dashboards", *options, stdout=out)
    return out.getvalue()


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_without_wet_run_it_lists_and_keeps_nothing(client_for, territory):
    OrganizationFactory(is_partner=True, name="CAF de test")
    output = refresh()
    assert "À calculer : Département" in output and "À calculer : CAF de test" in output
    assert "relancer avec --wet-run" in output
    client = client_for("coordinator")
    computed, _html = queries_of(client, "/pilotage/")
    cached, _html = queries_of(client, "/pilotage/")
    assert computed > cached  # the first visit computed: nothing had been kept


def test_the_coordinator_and_a_partner_get_the_figures_computed_ahead(client, client_for, territory):
    partner = OrganizationFactory(is_partner=True)
    ReferralFactory.create_batch(3, prescriber_organization=partner)
    # The cost of computing, measured on a cold cache.
    client_for("coordinator").get("/pilotage/")
    caches["default"].clear()
    coordinator = client_for("coordinator")
    computed, _html = queries_of(coordinator, "/pilotage/")
    caches["default"].clear()

    output = refresh("--wet-run")
    assert "2 tableau(x) de bord calculé(s) et gardé(s)" in output
    ahead, html = queries_of(coordinator, "/pilotage/")
    assert ahead < computed - 10
    assert "Orientations envoyées" in html and "calculés le" in html

    viewer = UserFactory(role=Role.PARTNER_VIEWER, organization=partner)
    log_in(client, viewer)
    partner_queries, partner_html = queries_of(client, "/pilotage/")
    assert partner_queries < computed - 10
    assert "moins de 5" in partner_html  # masked for the partner, even when computed ahead


def test_running_it_twice_recomputes_and_keeps_one_value_per_dashboard(territory):
    refresh("--wet-run")
    keys_after_first = len(caches["default"]._cache)
    refresh("--wet-run")
    assert len(caches["default"]._cache) == keys_after_first


DATABASE_CACHE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "core_cache_test"}}


def test_the_migration_creates_the_database_cache_shared_by_every_process():
    migration = importlib.import_module("core.migrations.0003_cache_table")
    with override_settings(CACHES=DATABASE_CACHE):
        migration.create_cache_table(None, SimpleNamespace(connection=connection))
        migration.create_cache_table(None, SimpleNamespace(connection=connection))  # again: nothing to do
        caches["default"].set("chiffres", {"orientations": 12}, 60)
        another_process = DatabaseCache("core_cache_test", {})
        assert another_process.get("chiffres") == {"orientations": 12}
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM core_cache_test")
            assert cursor.fetchone()[0] == 1
