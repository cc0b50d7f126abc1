"""The satisfaction survey the day after each session (see events/surveys.py). Dry run unless --wet-run."""

from django.core.management.base import BaseCommand

from events.surveys import send_surveys


class Command(BaseCommand):
    help = (
        "Envoie le questionnaire de satisfaction aux personnes présentes, le lendemain de la séance. Sans "
        "--wet-run, affiche seulement ce qui partirait."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Envoyer vraiment les questionnaires.")

    def handle(self, *args, wet_run=False, **options):
        report = send_surveys(wet_run=wet_run)
        for registration, sent in report:
            if wet_run:
                how = "envoyé" if sent else "aucune adresse e-mail"
            else:
                how = "à envoyer"
            self.stdout.write(f"Inscription n° {registration.pk} ({registration.session}) : {how}")
        verb = "traité" if wet_run else "à envoyer (simulation : ajoutez --wet-run)"
        self.stdout.write(f"{len(report)} questionnaire{'s' if len(report) > 1 else ''} {verb}.")
