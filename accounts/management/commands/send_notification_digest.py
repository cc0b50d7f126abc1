from django.core.management.base import BaseCommand

from accounts import notify
from accounts.models import User


class Command(BaseCommand):
    help = (
        "Envoie à chaque personne qui a choisi « un résumé par jour » un seul e-mail listant ses notifications "
        "en attente, puis les marque envoyées. Sans --wet-run, affiche seulement ce qui serait envoyé. Relancer la "
        "commande n'envoie rien de plus. À lancer chaque jour (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Envoyer les résumés pour de bon.")

    def handle(self, *args, wet_run, **options):
        pending = notify.users_with_pending_digest()
        if not wet_run:
            emails = dict(User.objects.filter(pk__in=pending).values_list("pk", "email"))
            for user_id, count in pending.items():
                self.stdout.write(f"{emails[user_id]} : {count} notification(s)")
            self.stdout.write(
                f"{len(pending)} résumé(s) seraient envoyés pour {sum(pending.values())} notification(s) "
                "(relancez avec --wet-run)."
            )
            return
        sent = {user_id: notify.send_digest(user_id) for user_id in pending}
        sent = {user_id: count for user_id, count in sent.items() if count}
        self.stdout.write(f"{len(sent)} résumé(s) envoyé(s) pour {sum(sent.values())} notification(s).")
