import base64

from django.core.management.base import BaseCommand, CommandError

from demo.seed import DEMO_PASSWORD, DEMO_TOTP_KEY, DemoError, demo_is_seeded, seed_demo


class Command(BaseCommand):
    help = "Crée un réseau de démonstration réaliste (partenaires, ~250 structures, un compte par rôle)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Ne fait rien si la démonstration existe déjà.")

    def handle(self, *args, if_empty=False, **options):
        if demo_is_seeded():
            if not if_empty:
                raise CommandError("Les données de démonstration sont déjà présentes (utilisez --if-empty).")
            self.stdout.write("Données de démonstration déjà présentes.")
        else:
            try:
                summary = seed_demo()
            except DemoError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(
                f"Démonstration créée : {summary['partners']} partenaires, {summary['network']} structures du réseau, "
                f"{summary['places']} lieux publiés, {summary['referrals']} orientations, "
                f"{summary['events']} inscriptions aux événements, {summary['passes']} Pass Numérique, "
                f"{summary['devices']} appareils à l'atelier de reconditionnement, "
                f"{summary['applications']} candidatures au fonds."
            )
        self.print_accounts()

    def print_accounts(self):
        from accounts.models import User

        secret = base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()
        self.stdout.write("")
        self.stdout.write(f"Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD})")
        users = User.objects.filter(email__endswith="@demo.test").prefetch_related("memberships__organization")
        for user in users.order_by("email"):
            roles = ", ".join(f"{m.get_role_display()} — {m.organization.name}" for m in user.memberships.all())
            if user.is_staff:
                roles = "Administrateur technique"
            marker = " [double authentification]" if user.requires_second_factor else ""
            self.stdout.write(f"  {user.email:32} {roles}{marker}")
        self.stdout.write(
            f"Double authentification de démonstration : clé TOTP {secret} dans une application d'authentification,\n"
            "  ou le code du moment avec « make totp » (manage.py demo_totp_code)."
        )
