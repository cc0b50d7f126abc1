"""Reminders two days and two hours before each session (see events/reminders.py). Dry run unless --wet-run."""

from django.core.management.base import BaseCommand

from events.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Envoie les rappels J-2 et H-2 des séances (e-mail, SMS). Sans --wet-run, affiche seulement ce qui partirait."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Envoyer vraiment les rappels.")

    def handle(self, *args, wet_run=False, **options):
        report = send_reminders(wet_run=wet_run)
        for label, registration, channels in report:
            how = ", ".join(channels) if wet_run else "à envoyer"
            self.stdout.write(
                f"{label} — inscription n° {registration.pk} ({registration.session}) : "
                f"{how or 'aucun moyen de contact'}"
            )
        verb = "envoyé" if wet_run else "à envoyer (simulation : ajoutez --wet-run)"
        self.stdout.write(f"{len(report)} rappel{'s' if len(report) > 1 else ''} {verb}.")
