from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.personal_data import anonymize_user, inactive_accounts


class Command(BaseCommand):
    help = (
        "Anonymise les comptes inutilisés depuis ACCOUNT_RETENTION_MONTHS mois. Sans --wet-run, affiche seulement "
        "ce qui serait fait. À lancer chaque semaine (cron) ; relancer ne change rien de plus."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Anonymiser pour de bon.")

    def handle(self, *args, wet_run, **options):
        accounts = list(inactive_accounts())
        months = settings.ACCOUNT_RETENTION_MONTHS
        if not wet_run:
            self.stdout.write(f"{len(accounts)} compte(s) inutilisé(s) depuis {months} mois seraient anonymisés.")
            return
        for user in accounts:
            anonymize_user(user, acting_user=None, reason=f"Compte inutilisé depuis {months} mois.")
        self.stdout.write(f"{len(accounts)} compte(s) anonymisé(s).")
