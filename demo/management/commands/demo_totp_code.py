from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.seed import current_demo_code


class Command(BaseCommand):
    help = "Affiche le code de double authentification du moment pour les comptes de démonstration."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("Commande réservée à la démonstration (DEMO_MODE désactivé).")
        self.stdout.write(current_demo_code())
