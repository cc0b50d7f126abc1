import datetime

from django.db import migrations, models
from django.utils import timezone

import api.models

BATCH = 1000
DAYS = 365  # TOKEN_DEFAULT_DAYS when the expiry came in


def backfill(apps, schema_editor):
    """Tokens created before the expiry existed are valid for 365 days after their creation."""
    ApiToken = apps.get_model("api", "ApiToken")
    batch = []
    for token in ApiToken.objects.only("created_at").order_by("pk").iterator(chunk_size=BATCH):
        token.expires_on = timezone.localtime(token.created_at).date() + datetime.timedelta(days=DAYS)
        batch.append(token)
        if len(batch) == BATCH:
            ApiToken.objects.bulk_update(batch, ["expires_on"])
            batch = []
    ApiToken.objects.bulk_update(batch, ["expires_on"])


class Migration(migrations.Migration):
    dependencies = [("api", "0002_partner_report_dispatch_status")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_on",
            field=models.DateField(
                default=api.models.default_expiry,
                help_text="Dernier jour où le jeton ouvre l'API.",
                verbose_name="valable jusqu'au",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
