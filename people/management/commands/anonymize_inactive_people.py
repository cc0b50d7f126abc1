from django.conf import settings
from django.core.management.base import BaseCommand

from people import services


class Command(BaseCommand):
    help = (
        "Anonymise les personnes sans activité depuis PERSON_RETENTION_MONTHS mois (ou créées avant, sans activité). "
        "Sans --wet-run, affiche seulement ce qui serait fait. Relancer la commande ne refait rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Anonymiser pour de bon.")

    def handle(self, *args, wet_run, **options):
        people = list(services.inactive_people())
        months = settings.PERSON_RETENTION_MONTHS
        if not wet_run:
            self.stdout.write(f"{len(people)} personne(s) sans activité depuis {months} mois seraient anonymisées.")
            return
        for person in people:
            services.erase_person(
                person, acting_user=None, reason=f"Anonymisation automatique après {months} mois sans activité."
            )
        self.stdout.write(f"{len(people)} personne(s) anonymisée(s).")
