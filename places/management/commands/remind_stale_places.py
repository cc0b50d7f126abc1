from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership
from places import emails, services
from places.models import Place
from places.permissions import EDITOR_ROLES


def places_to_remind(*, now=None):
    """Published places not confirmed for PLACE_STALE_MONTHS months and not reminded for
    PLACE_REMINDER_INTERVAL_DAYS days."""
    now = now or timezone.now()
    recent = now - timedelta(days=settings.PLACE_REMINDER_INTERVAL_DAYS)
    return (
        Place.objects.published()
        .stale(now=now)
        .filter(Q(last_reminder_at__isnull=True) | Q(last_reminder_at__lt=recent))
        .select_related("organization")
        .stale_first()
    )


def recipients_by_place(places):
    """{place: [e-mail…]}: the active mediators and organisation admins of each place's organisation, else the
    organisation's contact e-mail."""
    organization_ids = {place.organization_id for place in places if place.organization_id}
    emails_by_org = defaultdict(set)
    memberships = Membership.objects.filter(
        organization_id__in=organization_ids, role__in=EDITOR_ROLES, user__is_active=True
    ).values_list("organization_id", "user__email")
    for organization_id, email in memberships:
        emails_by_org[organization_id].add(email)
    return {
        place: sorted(
            emails_by_org.get(place.organization_id)
            or ([place.organization.email] if place.organization and place.organization.email else [])
        )
        for place in places
    }


class Command(BaseCommand):
    help = (
        "Écrit aux organisations dont les lieux publiés n'ont pas été confirmés depuis PLACE_STALE_MONTHS mois, avec "
        "un lien « toujours exact » en un clic. Sans --wet-run, affiche seulement ce qui serait fait. Un lieu n'est "
        "rappelé qu'une fois tous les PLACE_REMINDER_INTERVAL_DAYS jours : relancer la commande ne renvoie rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Envoyer les e-mails pour de bon.")

    def handle(self, *args, wet_run, **options):
        recipients = recipients_by_place(list(places_to_remind()))
        reachable = {place: emails_ for place, emails_ in recipients.items() if emails_}
        unreachable = [place for place, emails_ in recipients.items() if not emails_]
        places_by_email = defaultdict(list)
        for place, addresses in reachable.items():
            for address in addresses:
                places_by_email[address].append(place)
        if not wet_run:
            self.stdout.write(
                f"{len(reachable)} lieu(x) à rappeler, {len(places_by_email)} e-mail(s) seraient envoyés ; "
                f"{len(unreachable)} lieu(x) sans destinataire (ni membre ni e-mail dans leur organisation)."
            )
            return
        with transaction.atomic():
            for address, places in sorted(places_by_email.items()):
                emails.send_stale_reminder_email(email=address, places=places)
            for place, addresses in reachable.items():
                services.note_reminder_sent(place, recipients=addresses)
        self.stdout.write(
            f"{len(places_by_email)} e-mail(s) envoyé(s) pour {len(reachable)} lieu(x) ; "
            f"{len(unreachable)} lieu(x) sans destinataire."
        )
