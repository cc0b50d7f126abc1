"""The migration that brought the expiry of API tokens: tokens created before it are valid 365 days after their
creation (local date)."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.accounts.factories import OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("api", "0002_partner_report_dispatch_status")]
AFTER = [("api", "0003_apitoken_expires_on")]


def test_existing_tokens_expire_365_days_after_their_creation():
    organization = OrganizationFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    ApiToken = executor.loader.project_state(BEFORE).apps.get_model("api", "ApiToken")
    created = timezone.make_aware(datetime(2025, 1, 10, 23, 30))
    old = ApiToken.objects.create(
        organization_id=organization.pk, name="Ancien", prefix="0000000a", secret_hash="a" * 64, created_at=created
    )
    recent = ApiToken.objects.create(
        organization_id=organization.pk, name="Récent", prefix="0000000b", secret_hash="b" * 64
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    ApiToken = executor.loader.project_state(AFTER).apps.get_model("api", "ApiToken")
    assert ApiToken.objects.get(pk=old.pk).expires_on == timezone.localtime(created).date() + timedelta(days=365)
    assert ApiToken.objects.get(pk=recent.pk).expires_on == timezone.localdate() + timedelta(days=365)
