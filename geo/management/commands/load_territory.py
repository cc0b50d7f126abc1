import time
from pathlib import Path

from django.core.management.base import BaseCommand

from geo.loading import DATA_DIR, load_territory
from geo.models import Commune


class Command(BaseCommand):
    help = "Charge (ou met à jour) départements, EPCI, communes et codes postaux depuis geo/data/. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="ne rien faire si des communes sont déjà chargées")
        parser.add_argument("--data-dir", default=str(DATA_DIR), help="dossier des fichiers *.csv.gz")
        parser.add_argument(
            "--departement", action="append", dest="departements", help="ne charger que ce département (répétable)"
        )

    def handle(self, *args, if_empty=False, data_dir=None, departements=None, **options):
        if if_empty and Commune.objects.exists():
            self.stdout.write(f"Territoire déjà chargé ({Commune.objects.count()} communes) : rien à faire.")
            return
        started = time.perf_counter()
        report = load_territory(Path(data_dir), departements=departements)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Départements : {report.departements}")
        self.stdout.write(f"EPCI : {report.epcis}")
        self.stdout.write(f"Communes : {report.communes}")
        self.stdout.write(f"Codes postaux : {report.postal_codes}")
        self.stdout.write(f"Mots des noms (index de recherche) : {report.words}")
        if report.obsolete_communes:
            listed = ", ".join(report.obsolete_communes[:20])
            self.stdout.write(
                self.style.WARNING(
                    f"{len(report.obsolete_communes)} commune(s) absente(s) des fichiers, conservée(s) : {listed}"
                )
            )
        self.stdout.write(self.style.SUCCESS(f"Territoire chargé en {elapsed:.1f} s."))
