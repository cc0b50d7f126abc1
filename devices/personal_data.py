"""The reconditionnement's part of the person record (registered in apps.py): the timeline's events, the
access-right export, the move of requests when two records are merged and the blanking of the free texts (usage,
signature, cancel reason) when the person is erased; the requests stay, anonymous, for the impact figures."""

from devices.models import Delivery, DeviceRequest
from devices.permissions import sees_full_identity
from people.timeline import TimelineEvent


def timeline_events(person, viewer):
    """The person's device requests, for the requesting organisation and the coordination."""
    if viewer is None:
        return []
    events = []
    for device_request in DeviceRequest.objects.filter(person=person).select_related("organization"):
        if not sees_full_identity(viewer, device_request):
            continue
        from django.urls import reverse

        events.append(
            TimelineEvent(
                date=device_request.created_at,
                label=f"Demande d'appareil ({device_request.get_kind_display().lower()}) : "
                f"{device_request.get_status_display().lower()}",
                url=reverse("devices:request_detail", args=[device_request.pk]),
                module="Reconditionnement",
            )
        )
    return events


def export_requests(person):
    return [
        {
            "demandee_le": device_request.created_at.isoformat(),
            "par": device_request.organization.name,
            "appareil": device_request.get_kind_display(),
            "usage": device_request.usage,
            "statut": device_request.get_status_display(),
            "remis_le": device_request.closed_at.isoformat()
            if device_request.status == "delivered" and device_request.closed_at
            else None,
        }
        for device_request in DeviceRequest.objects.filter(person=person).select_related("organization")
    ]


def move_requests(duplicate, into, *, acting_user):
    return {"demandes_appareil": DeviceRequest.objects.filter(person=duplicate).update(person=into)}


def erase_request_texts(person):
    DeviceRequest.objects.filter(person=person).update(usage="")
    DeviceRequest.objects.filter(person=person).exclude(cancel_reason="").update(cancel_reason="Effacé")
    Delivery.objects.filter(request__person=person).exclude(signature_name="").update(signature_name="Effacé")
