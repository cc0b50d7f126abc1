from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from referrals import timers


class Command(BaseCommand):
    help = (
        "Minuteries des orientations, à lancer chaque jour (cron) : expiration après REFERRAL_EXPIRY_DAYS jours "
        "sans réponse (la coordination est prévenue), relance du lieu après REFERRAL_REMINDER_WORKING_DAYS jours "
        "ouvrés, suppression des pièces jointes REFERRAL_ATTACHMENT_PURGE_DAYS jours après la fin. Sans --wet-run, "
        "affiche seulement ce qui serait fait. Relancer la commande ne refait rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Agir pour de bon (sinon : simulation).")
        parser.add_argument("--now", help="Date et heure à prendre pour « maintenant » (ISO 8601), pour les essais.")

    def handle(self, *args, wet_run, now=None, **options):
        now = self._parse_now(now)
        verb = "" if wet_run else " (simulation, relancez avec --wet-run)"
        expired = timers.expire(now, wet_run=wet_run)
        to_network = sum(1 for referral in expired if referral.is_to_network)
        self.stdout.write(
            f"Expiration : {len(expired)} orientation(s) sans réponse depuis {settings.REFERRAL_EXPIRY_DAYS} jours "
            f"{'expirée(s)' if wet_run else 'à faire expirer'}, dont {to_network} « au réseau »"
            f"{' ; coordination prévenue' if wet_run and expired else ''}{verb}."
        )
        reminded = timers.remind(now, wet_run=wet_run)
        self.stdout.write(
            f"Relance : {len(reminded)} orientation(s) sans réponse depuis "
            f"{settings.REFERRAL_REMINDER_WORKING_DAYS} jours ouvrés {'relancée(s)' if wet_run else 'à relancer'}"
            f"{verb}."
        )
        purged = timers.purge(now, wet_run=wet_run)
        self.stdout.write(
            f"Pièces jointes : {purged} fichier(s) {'supprimé(s)' if wet_run else 'à supprimer'} (orientations "
            f"terminées depuis plus de {settings.REFERRAL_ATTACHMENT_PURGE_DAYS} jours){verb}."
        )
        orphans = timers.delete_orphans(now, wet_run=wet_run)
        self.stdout.write(
            f"Fichiers orphelins : {orphans} fichier(s) sans pièce jointe "
            f"{'supprimé(s)' if wet_run else 'à supprimer'}{verb}."
        )

    def _parse_now(self, value):
        if not value:
            return timezone.now()
        parsed = parse_datetime(value)
        if parsed is None:
            raise CommandError(f"--now : « {value} » n'est pas une date ISO 8601 (exemple : 2026-11-30T08:00).")
        return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
