"""The migration that brought the expiry of share links: links created before it are valid 90 days after their
creation."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("dashboards", "0001_initial")]
AFTER = [("dashboards", "0002_sharelink_expires_on")]


def test_existing_links_expire_90_days_after_their_creation():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    ShareLink = old_apps.get_model("dashboards", "ShareLink")
    created = timezone.make_aware(datetime(2025, 1, 10, 23, 30))
    old = ShareLink.objects.create(token="ancien", label="Ancien", filters={}, created_at=created)
    recent = ShareLink.objects.create(token="recent", label="Récent", filters={}, created_at=timezone.now())

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new_apps = executor.loader.project_state(AFTER).apps
    ShareLink = new_apps.get_model("dashboards", "ShareLink")
    assert ShareLink.objects.get(pk=old.pk).expires_on == timezone.localtime(created).date() + timedelta(days=90)
    assert ShareLink.objects.get(pk=recent.pk).expires_on == timezone.localdate() + timedelta(days=90)
