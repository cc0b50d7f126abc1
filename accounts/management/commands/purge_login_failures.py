from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.models import LoginFailure


class Command(BaseCommand):
    help = (
        "Efface les échecs de connexion plus anciens que --hours (24 par défaut) : ils contiennent l'adresse IP. "
        "Sans --wet-run, affiche seulement ce qui serait effacé. À lancer chaque jour (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24)
        parser.add_argument("--wet-run", action="store_true", help="Effacer pour de bon.")

    def handle(self, *args, hours, wet_run, **options):
        old = LoginFailure.objects.filter(created_at__lt=timezone.now() - timedelta(hours=hours))
        if not wet_run:
            self.stdout.write(f"{old.count()} échec(s) de connexion seraient effacés (relancez avec --wet-run).")
            return
        deleted, _ = old.delete()
        self.stdout.write(f"{deleted} échec(s) de connexion effacé(s).")
