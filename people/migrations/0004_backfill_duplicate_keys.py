from django.db import migrations

BATCH = 1000


def backfill(apps, schema_editor):
    """Set the duplicate search keys of every person not anonymised (`people.duplicates.duplicate_keys`)."""
    from people.duplicates import duplicate_keys

    Person = apps.get_model("people", "Person")
    people = Person.objects.filter(anonymized_at__isnull=True).only("first_name", "last_name", "phone")
    batch = []
    for person in people.order_by("pk").iterator(chunk_size=BATCH):
        duplicate_keys(person)
        batch.append(person)
        if len(batch) == BATCH:
            Person.objects.bulk_update(batch, ["name_key", "phone_key"])
            batch = []
    Person.objects.bulk_update(batch, ["name_key", "phone_key"])


class Migration(migrations.Migration):
    dependencies = [("people", "0003_person_duplicate_keys")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
