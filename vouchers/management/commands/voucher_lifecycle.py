import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from vouchers import importing, lifecycle


class Command(BaseCommand):
    help = (
        "Fin de vie des commandes de Pass Numérique : alerte J-30, arrêt des remises J-15, expiration des pass non "
        "utilisés (avoir). Simulation par défaut ; --wet-run pour agir. Idempotente : à lancer chaque jour."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Agir (sinon : liste ce qui serait fait).")
        parser.add_argument("--today", help="Date du jour à utiliser (AAAA-MM-JJ), pour rattraper ou tester.")

    def handle(self, *args, wet_run=False, today=None, **options):
        if today:
            try:
                today = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError("--today attend une date AAAA-MM-JJ.") from None
        purged = importing.purge_abandoned_uploads(timezone.now(), wet_run=wet_run)
        if purged:
            self.stdout.write(
                f"Imports abandonnés : {purged} fichier(s) {'supprimé(s)' if wet_run else 'à supprimer'}."
            )
        outcome = lifecycle.run(today, wet_run=wet_run)
        if not outcome:
            self.stdout.write("Rien à faire.")
            return
        for step, done in outcome:
            if not wet_run:
                self.stdout.write(f"[simulation] {step}")
            else:
                self.stdout.write(f"{'fait' if done else 'déjà fait'} : {step}")
        if not wet_run:
            self.stdout.write("Simulation : rien n'a été changé. Relancez avec --wet-run pour agir.")
