import datetime

from django.db import migrations, models
from django.utils import timezone

import dashboards.models

BATCH = 1000
DAYS = 90  # SHARE_LINK_DEFAULT_DAYS when the expiry came in


def backfill(apps, schema_editor):
    """Links created before the expiry existed are valid for 90 days after their creation."""
    ShareLink = apps.get_model("dashboards", "ShareLink")
    batch = []
    for link in ShareLink.objects.only("created_at").order_by("pk").iterator(chunk_size=BATCH):
        link.expires_on = timezone.localtime(link.created_at).date() + datetime.timedelta(days=DAYS)
        batch.append(link)
        if len(batch) == BATCH:
            ShareLink.objects.bulk_update(batch, ["expires_on"])
            batch = []
    ShareLink.objects.bulk_update(batch, ["expires_on"])


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="sharelink",
            name="expires_on",
            field=models.DateField(
                default=dashboards.models.default_expiry,
                help_text="Dernier jour où l'adresse montre le tableau de bord.",
                verbose_name="valable jusqu'au",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
