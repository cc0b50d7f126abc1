"""E-mails sent on each referral event, to the side that has to know. Called from `transaction.on_commit` by the
services (nothing is sent for a change that was rolled back). The messages name no person: the details are behind
the login."""

from django.conf import settings

from accounts.models import Membership
from accounts.tasks import send_plain_email
from referrals.permissions import PLACE_SIDE_ROLES

# event → (side to tell, subject)
EVENTS = {
    "sent": ("place", "Nouvelle orientation reçue"),
    "dispatched": ("place", "Nouvelle orientation reçue (attribuée par la coordination)"),
    "cancelled": ("place", "Orientation annulée par le prescripteur"),
    "accepted": ("prescriber", "Votre orientation a été acceptée"),
    "declined": ("prescriber", "Votre orientation a été refusée"),
    "started": ("prescriber", "Un premier rendez-vous est fixé"),
    "closed": ("prescriber", "L'accompagnement est terminé : voici le résultat"),
    "expired": ("prescriber", "Votre orientation n'a pas eu de réponse à temps"),
    "transferred": ("prescriber", "Votre orientation a été transférée à un autre lieu"),
    "comment_to_place": ("place", "Nouveau message sur une orientation"),
    "comment_to_prescriber": ("prescriber", "Nouveau message sur une orientation"),
}


def place_recipients(referral):
    place = referral.target_place
    if place is None:
        return []
    addresses = list(place.emails)
    if place.organization_id:
        addresses += Membership.objects.filter(
            organization_id=place.organization_id, role__in=PLACE_SIDE_ROLES, user__is_active=True
        ).values_list("user__email", flat=True)
    return addresses


def prescriber_recipients(referral):
    if referral.prescriber and referral.prescriber.is_active:
        return [referral.prescriber.email]
    return list(
        Membership.objects.filter(
            organization_id=referral.prescriber_organization_id, role="prescriber", user__is_active=True
        ).values_list("user__email", flat=True)
    )


def notify(referral, event):
    """Send the plain e-mail of `event` about `referral` to the right side (through the task queue)."""
    side, subject = EVENTS[event]
    recipients = sorted({a for a in (place_recipients if side == "place" else prescriber_recipients)(referral) if a})
    if not recipients:
        return
    place = referral.target_place
    lines = [
        "Bonjour,",
        "",
        f"{subject} ({referral}).",
        f"Lieu : {place.name}" if place else "Lieu : à choisir par la coordination",
        f"Statut : {referral.get_status_display()}",
        "",
        f"Pour le détail, connectez-vous à {settings.PLATFORM_NAME} : {settings.PLATFORM_URL}",
    ]
    send_plain_email.enqueue(
        subject=f"{subject} — {settings.PLATFORM_NAME}", body="\n".join(lines), recipient_list=recipients
    )
