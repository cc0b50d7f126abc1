from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from api import reports
from api.models import PartnerReport
from api.services import queue_partner_report
from api.tasks import send_partner_report


class Command(BaseCommand):
    help = (
        "Envoie à chaque organisation partenaire le rapport XLSX de ses chiffres pour un trimestre (par défaut le "
        "dernier trimestre terminé), par la file de tâches. Sans --wet-run, affiche seulement ce qui serait envoyé. "
        "Un rapport déjà envoyé pour ce trimestre ne l'est pas une seconde fois : relancer la commande n'envoie rien "
        "de plus, sauf les rapports dont l'envoi a échoué, renvoyés. À lancer chaque jour (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Envoyer les rapports pour de bon.")
        parser.add_argument("--quarter", help="Le trimestre, par exemple 2026-Q3 (par défaut : le dernier terminé).")

    def handle(self, *args, wet_run, quarter, **options):
        try:
            quarter = reports.parse_quarter(quarter) if quarter else reports.previous_quarter()
        except ValueError as error:
            raise CommandError(str(error)) from None
        if reports.quarter_bounds(quarter)[1] >= timezone.localdate():
            raise CommandError(
                f"Le trimestre {quarter} n'est pas terminé : son rapport serait incomplet (et ne serait plus renvoyé)."
            )
        now = timezone.now()
        settled = PartnerReport.objects.filter(quarter=quarter).settled(now)
        already = set(settled.values_list("organization_id", flat=True))
        sent = skipped = 0
        for organization in reports.partner_organizations():
            if organization.pk in already:
                continue
            recipient_list = reports.recipients(organization)
            if not recipient_list:
                self.stdout.write(
                    f"{organization.name} : aucun destinataire (ni e-mail de contact ni administrateur)."
                )
                skipped += 1
                continue
            if not wet_run:
                self.stdout.write(f"{organization.name} : {', '.join(recipient_list)}")
                sent += 1
                continue
            with transaction.atomic():
                report = queue_partner_report(
                    organization=organization, quarter=quarter, recipients=recipient_list, now=now
                )
                if report is not None:
                    transaction.on_commit(lambda pk=report.pk: send_partner_report.enqueue(report_id=pk))
                    sent += 1
        if wet_run:
            self.stdout.write(
                f"Trimestre {quarter} : {sent} rapport(s) mis en file d'envoi, {skipped} sans destinataire."
            )
        else:
            self.stdout.write(
                f"Trimestre {quarter} : {sent} rapport(s) seraient envoyés, {skipped} sans destinataire "
                "(relancez avec --wet-run)."
            )
