from django.core.management.base import BaseCommand

from vouchers import reminders


class Command(BaseCommand):
    help = (
        "Rappel aux personnes dont le carnet Pass Numérique, remis depuis 30 jours, n'a pas encore servi : par SMS "
        "ou e-mail selon leur préférence de contact, sinon par l'organisation prescriptrice. Simulation par défaut ; "
        "--wet-run pour envoyer. Idempotente : un carnet n'est rappelé qu'une fois."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Envoyer les rappels (sinon : les lister).")

    def handle(self, *args, wet_run=False, **options):
        done = reminders.remind_unused_books(wet_run=wet_run)
        if not done:
            self.stdout.write("Aucun carnet à rappeler.")
            return
        for reminder in done:
            self.stdout.write(f"{'fait' if wet_run else '[simulation]'} : {reminder}")
        if wet_run:
            self.stdout.write(f"{len(done)} rappel(s) envoyé(s).")
        else:
            self.stdout.write(
                f"Simulation : {len(done)} rappel(s) à envoyer, rien n'a été changé. Relancez avec --wet-run."
            )
