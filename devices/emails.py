"""Telling the prescriber who asked for a device that it is set aside, handed over or that the request was
cancelled by someone else (through `accounts.notify.notify_user`: their preferences, digest, SMS). The subject names
no person; the body names the request and links to it."""

from django.urls import reverse

from accounts.emails import absolute_url
from accounts.notify import notify_user

MESSAGES = {
    "reserved": (
        "Un appareil est réservé pour votre demande",
        "L'atelier de reconditionnement a réservé un appareil pour la {request}. Il prendra contact pour la remise.",
    ),
    "delivered": (
        "Appareil remis",
        "L'appareil de la {request} a été remis. Une formation a été proposée à la personne.",
    ),
    "cancelled": ("Demande d'appareil annulée", "La {request} a été annulée. Motif : {reason}"),
}


def notify_requester(device_request, event, *, acting_user=None):
    """Called inside the service's transaction (the e-mail leaves after the commit). Nobody is told of their own
    action."""
    requester = device_request.requested_by
    if requester is None or (acting_user is not None and requester.pk == acting_user.pk):
        return
    subject, text = MESSAGES[event]
    body = text.format(request=str(device_request).lower(), reason=device_request.cancel_reason)
    url = absolute_url(reverse("devices:request_detail", args=[device_request.pk]))
    notify_user(requester, subject=subject, body=f"{body}\n\nVoir la demande : {url}")
