"""Notifications on each referral event, to the side that has to know. Called from `transaction.on_commit` by the
services (nothing is sent for a change that was rolled back) and by the timers.

Rules:
- users are told through `accounts.notify.notify_user` (their preferences: e-mail now or daily digest, SMS);
- prescriber side: the prescriber, or the organisation's active prescribers when the prescriber is gone; they
  also get a short SMS text (sent only to those who asked for SMS);
- place side: the active mediators and organisation admins of the place's organisation, and the place's public
  addresses (`place.emails`) that are no active account, by plain e-mail; for a new referral (« sent »,
  « dispatched ») and a reminder, each such address gets its own single-use answer link (`referrals.links`);
- coordination side (« au réseau », public call-back requests): the active coordinators;
- no message names the person: the referral number, the place, the status and the referral page's URL."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.emails import send_after_commit
from accounts.models import Membership, Role, User
from accounts.notify import notify_user
from referrals.links import issue_link, link_url
from referrals.permissions import PLACE_SIDE_ROLES

PLACE, PRESCRIBER, COORDINATION = "place", "prescriber", "coordination"
# event → (side to tell, subject)
EVENTS = {
    "to_network": (COORDINATION, "Nouvelle orientation à attribuer à un lieu"),
    "sent": (PLACE, "Nouvelle orientation reçue"),
    "dispatched": (PLACE, "Nouvelle orientation reçue (attribuée par la coordination)"),
    "reminder": (PLACE, "Orientation sans réponse depuis {days} jours ouvrés"),
    "cancelled": (PLACE, "Orientation annulée par le prescripteur"),
    "accepted": (PRESCRIBER, "Votre orientation a été acceptée"),
    "declined": (PRESCRIBER, "Votre orientation a été refusée"),
    "started": (PRESCRIBER, "Un premier rendez-vous est fixé"),
    "closed": (PRESCRIBER, "L'accompagnement est terminé : voici le résultat"),
    "expired": (PRESCRIBER, "Votre orientation n'a pas eu de réponse à temps"),
    "transferred": (PRESCRIBER, "Votre orientation a été transférée à un autre lieu"),
    "comment_to_place": (PLACE, "Nouveau message sur une orientation"),
    "comment_to_prescriber": (PRESCRIBER, "Nouveau message sur une orientation"),
}
LINK_EVENTS = {"sent", "dispatched", "reminder"}
# Prescriber events worth an SMS: « Orientation n° 12 acceptée (Médiathèque). Détail : <url> ».
SMS_WORDS = {
    "accepted": "acceptée",
    "declined": "refusée",
    "started": "rendez-vous fixé",
    "closed": "accompagnement terminé",
    "expired": "expirée sans réponse",
    "transferred": "transférée à un autre lieu",
    "comment_to_prescriber": "nouveau message",
}


def place_users(referral):
    """Active mediators and organisation admins of the organisation running the target place."""
    place = referral.target_place
    if place is None or not place.organization_id:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organization_id=place.organization_id,
            memberships__role__in=PLACE_SIDE_ROLES,
        )
        .distinct()
        .order_by("pk")
    )


def place_public_addresses(referral):
    """The place's published e-mail addresses that belong to no active account (accounts follow their
    preferences instead)."""
    place = referral.target_place
    if place is None:
        return []
    addresses = {address.strip().lower() for address in place.emails if address and address.strip()}
    accounts = User.objects.filter(is_active=True, email__in=addresses).values_list("email", flat=True)
    return sorted(addresses - {email.lower() for email in accounts})


def prescriber_users(referral):
    """The prescriber if still active, else the active prescribers of the prescriber's organisation; for a public
    call-back request (no prescriber), the coordination follows it instead."""
    if referral.is_callback:
        return coordination_users()
    if referral.prescriber and referral.prescriber.is_active:
        return [referral.prescriber]
    user_ids = Membership.objects.filter(
        organization_id=referral.prescriber_organization_id, role=Role.PRESCRIBER, user__is_active=True
    ).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=user_ids).order_by("pk"))


def coordination_users():
    """Active coordinators (the département's coordination), who dispatch referrals sent « au réseau »."""
    return list(User.objects.filter(is_active=True, memberships__role=Role.COORDINATOR).distinct().order_by("pk"))


def detail_url(referral):
    return f"{settings.PLATFORM_URL}{reverse('referrals:detail', args=[referral.pk])}"


def _subject(event, days=None):
    return EVENTS[event][1].format(days=days)


def _summary(referral, subject):
    place = referral.target_place
    lines = [
        f"{subject} ({referral}).",
        f"Lieu : {place.name}" if place else "Lieu : à choisir par la coordination",
        f"Statut : {referral.get_status_display()}",
    ]
    if referral.appointment_at and referral.status in referral.OPEN_STATUSES:
        lines.append(f"Premier rendez-vous : {timezone.localtime(referral.appointment_at):%d/%m/%Y à %H:%M}")
    if referral.decline_reason:
        lines.append(f"Motif du refus : {referral.get_decline_reason_display()}")
    if referral.status == referral.Status.CLOSED:
        lines.append(f"Nombre de séances : {referral.sessions_count}")
        if referral.autonomy:
            lines.append(f"Autonomie atteinte : {referral.get_autonomy_display()}")
    return lines


def _sms_text(referral, event):
    word = SMS_WORDS.get(event)
    if word is None:
        return None
    place = f" ({referral.target_place.name[:40]})" if referral.target_place else ""
    return f"{referral} : {word}{place}. Détail : {detail_url(referral)}"


def _public_email(referral, event, subject, address):
    lines = ["Bonjour,", "", *_summary(referral, subject), ""]
    if event in LINK_EVENTS:
        lines += [
            "Pour voir la demande et y répondre (accepter ou refuser) sans vous connecter, ouvrez ce lien personnel. "
            f"Il ne sert qu'une fois et reste valable {settings.REFERRAL_LINK_DAYS} jours :",
            link_url(issue_link(referral, email=address)),
            "",
            "Ne transférez pas ce message : le lien permet de répondre au nom du lieu.",
        ]
    else:
        lines.append(f"Si vous avez un compte, le détail est ici : {detail_url(referral)}")
    lines += ["", "—", settings.PLATFORM_NAME]
    send_after_commit(
        subject=f"{subject} — {settings.PLATFORM_NAME}", body="\n".join(lines) + "\n", recipient_list=[address]
    )


@transaction.atomic
def notify(referral, event, *, days=None):
    """Tell the right side about `event` on `referral` (`days`: for « reminder », the working days waited).
    Atomic: answer links and digest rows are written, and e-mails queued, all together."""
    side, _ = EVENTS[event]
    subject = _subject(event, days)
    body = "\n".join([*_summary(referral, subject), "", f"Voir l'orientation : {detail_url(referral)}"])
    if side == COORDINATION:
        if referral.is_callback:
            subject = "Nouvelle demande de rappel à attribuer à un lieu"
            body = "\n".join([*_summary(referral, subject), "", f"Voir la demande : {detail_url(referral)}"])
        for user in coordination_users():
            notify_user(user, subject=subject, body=body)
        return
    if side == PRESCRIBER:
        sms_text = _sms_text(referral, event)
        for user in prescriber_users(referral):
            notify_user(user, subject=subject, body=body, sms_text=sms_text)
        return
    for user in place_users(referral):
        notify_user(user, subject=subject, body=body)
    for address in place_public_addresses(referral):
        _public_email(referral, event, subject, address)
