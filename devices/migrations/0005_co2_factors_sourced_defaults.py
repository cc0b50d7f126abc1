"""Sourced default CO2e factors, replacing the provisional ones of 0002 (marked « à vérifier »).

Two ADEME studies give the manufacturing + distribution footprint of a new device; for each kind the lower value is
kept, so the avoided emissions are not overstated (table, figures and files read: devices/README.md):

- ADEME, « Modélisation et évaluation environnementale de produits de consommation et biens d'équipement », as
  published by Impact CO2 before 2023: laptop 156, office desktop without screen 169, tablet 63.2, smartphone over
  5.5 inches 39.1, 24-inch screen 248;
- ADEME–Arcep, « Évaluation de l'impact environnemental du numérique en France et analyse prospective » (2022), as
  published by Impact CO2 since: laptop 182.6, desktop without screen 204.4 (professional) to 261.5 (private),
  tablet 59.7, smartphone 85.1, screen 65.9.

Only a row the coordination has not touched (still the value and the text of 0002) is updated; any edit is kept."""

from django.db import migrations
from django.utils import timezone

OLD_SOURCE = (
    "ADEME, « Impact CO2 » (impactco2.fr/outils/numerique, données de la base Empreinte), empreinte de "
    "fabrication d'un appareil neuf évitée par le réemploi — valeur par défaut à vérifier et à mettre à jour "
    "par la coordination."
)
OLD = {"laptop": "156.0", "desktop": "169.0", "tablet": "63.2", "smartphone": "32.0", "screen": "85.0"}

MODELISATION = (
    "ADEME, « Modélisation et évaluation environnementale de produits de consommation et biens d'équipement » "
    "(chiffres publiés par Impact CO2, impactco2.fr, avant 2023)"
)
ARCEP = (
    "ADEME–Arcep, « Évaluation de l'impact environnemental du numérique en France et analyse prospective » "
    "(2022, chiffres publiés par Impact CO2, impactco2.fr)"
)
ASSUMPTION = (
    "Hypothèse : chaque appareil remis évite l'achat d'un appareil neuf du même type ; on compte la fabrication et "
    "la distribution de cet appareil neuf, sans déduire l'empreinte du reconditionnement (c'est donc un majorant). "
    "Des deux études de l'ADEME, la valeur la plus basse est retenue."
)

NEW = {
    "laptop": (
        "156.0",
        f"{MODELISATION} : ordinateur portable, fabrication et distribution 156 kg CO2e. L'étude {ARCEP} donne "
        "182,6 kg (fabrication 170,3 + assemblage et distribution 12,3).",
    ),
    "desktop": (
        "169.0",
        f"{MODELISATION} : ordinateur fixe de bureautique, sans écran, fabrication et distribution 169 kg CO2e. "
        f"L'étude {ARCEP} donne, sans écran, 204,4 kg (usage professionnel) et 261,5 kg (usage particulier).",
    ),
    "tablet": (
        "59.7",
        f"{ARCEP} : tablette, fabrication 56,3 + assemblage et distribution 3,4 = 59,7 kg CO2e. "
        "L'étude « Modélisation et évaluation environnementale… » donne 63,2 kg (tablette classique).",
    ),
    "smartphone": (
        "39.1",
        f"{MODELISATION} : smartphone de plus de 5,5 pouces, fabrication et distribution 39,1 kg CO2e. L'étude "
        f"{ARCEP} donne 85,1 kg (fabrication 83 + assemblage et distribution 2,1), valeur plus récente que la "
        "coordination peut préférer.",
    ),
    "screen": (
        "65.9",
        f"{ARCEP} : écran d'ordinateur (24 pouces en moyenne), fabrication 64,6 + assemblage et distribution 1,3 = "
        "65,9 kg CO2e. L'étude « Modélisation et évaluation environnementale… » donne 248 kg (écran 24 pouces).",
    ),
}


def source_of(kind):
    return f"{NEW[kind][1]} {ASSUMPTION}"


def forward(apps, schema_editor):
    CO2Factor = apps.get_model("devices", "CO2Factor")
    for kind, (kg, _text) in NEW.items():
        CO2Factor.objects.filter(kind=kind, kg_co2e=OLD[kind], source=OLD_SOURCE).update(
            kg_co2e=kg, source=source_of(kind), changed_at=timezone.now()
        )


def backward(apps, schema_editor):
    CO2Factor = apps.get_model("devices", "CO2Factor")
    for kind, (kg, _text) in NEW.items():
        CO2Factor.objects.filter(kind=kind, kg_co2e=kg, source=source_of(kind)).update(
            kg_co2e=OLD[kind], source=OLD_SOURCE, changed_at=timezone.now()
        )


class Migration(migrations.Migration):
    dependencies = [("devices", "0004_request_one_open_per_kind")]

    operations = [migrations.RunPython(forward, backward)]
