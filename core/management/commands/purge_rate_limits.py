from django.core.management.base import BaseCommand

from core.ratelimit import purge_expired


class Command(BaseCommand):
    help = (
        "Efface les compteurs de limitation dont la fenêtre est terminée (chaque jour ; sans effet si rien à effacer)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{purge_expired()} compteur(s) de limitation effacé(s).")
