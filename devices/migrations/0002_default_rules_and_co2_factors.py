"""The default eligibility rules (only « habite le département » applied) and the CO2e factor table.

Default factors: orders of magnitude of the manufacturing footprint of a new device, from ADEME, « Impact CO2 »
(https://impactco2.fr/outils/numerique, base Empreinte), which a second life avoids. The coordination edits them
on the settings page; the source text travels with each value."""

from django.db import migrations

SOURCE = (
    "ADEME, « Impact CO2 » (impactco2.fr/outils/numerique, données de la base Empreinte), empreinte de "
    "fabrication d'un appareil neuf évitée par le réemploi — valeur par défaut à vérifier et à mettre à jour "
    "par la coordination."
)

FACTORS = {
    "laptop": "156.0",
    "desktop": "169.0",
    "tablet": "63.2",
    "smartphone": "32.0",
    "screen": "85.0",
    "other": "0.0",
}

RULES = {"lives_in_departement": True, "holds_pass_book": False, "has_referral": False}


def seed(apps, schema_editor):
    CO2Factor = apps.get_model("devices", "CO2Factor")
    EligibilityRule = apps.get_model("devices", "EligibilityRule")
    for kind, kg in FACTORS.items():
        source = SOURCE if kind != "other" else "Aucun facteur par défaut : à renseigner par la coordination."
        CO2Factor.objects.get_or_create(kind=kind, defaults={"kg_co2e": kg, "source": source})
    for code, active in RULES.items():
        EligibilityRule.objects.get_or_create(code=code, defaults={"active": active})


def unseed(apps, schema_editor):
    apps.get_model("devices", "CO2Factor").objects.filter(kind__in=FACTORS).delete()
    apps.get_model("devices", "EligibilityRule").objects.filter(code__in=RULES).delete()


class Migration(migrations.Migration):
    dependencies = [("devices", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
