from django.core.management.base import BaseCommand

from funding.services import REMINDER_INTERVAL_DAYS, send_report_reminders


class Command(BaseCommand):
    help = (
        "Relance les structures dont le bilan final de subvention est attendu et pas encore déposé (au plus une "
        f"relance tous les {REMINDER_INTERVAL_DAYS} jours par subvention). Sans --wet-run, affiche seulement ce qui "
        "serait fait."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Envoyer les relances pour de bon.")

    def handle(self, *args, wet_run, **options):
        grants = send_report_reminders(wet_run=wet_run)
        for grant in grants:
            self.stdout.write(
                f"{grant.reference} — {grant.application.organization.name} : bilan attendu le "
                f"{grant.report_due_on:%d/%m/%Y}"
            )
        if wet_run:
            self.stdout.write(self.style.SUCCESS(f"{len(grants)} relance(s) envoyée(s)."))
        else:
            self.stdout.write(f"{len(grants)} relance(s) à envoyer. Relancez avec --wet-run pour les envoyer.")
