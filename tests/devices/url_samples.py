"""What the URL walker (tests/site_map.py) needs for the reconditionnement pages: a donation and devices of the
user's workshop when the user is workshop staff (another workshop's otherwise: 404), a request of the user's
organisation when the user is on the requesting side, and a person the user sees for the request form."""

from accounts.models import Role
from devices.models import DevicePhoto, Status
from tests.devices.factories import DeviceFactory, DeviceRequestFactory, DonationFactory
from tests.people.factories import PersonFactory


def _organization(user):
    membership = user.memberships.first() if user is not None else None
    return membership.organization if membership else None


def _donation(user):
    organization = _organization(user)
    if organization is not None and user.has_role(Role.REFURBISHER):
        return DonationFactory(workshop=organization)
    return DonationFactory()


def _donation_kwargs(user):
    return {"pk": _donation(user).pk}


def _erased_device(user):
    return {"pk": DeviceFactory(donation=_donation(user), erased=True).pk}


def _received_device(user):
    return {"pk": DeviceFactory(donation=_donation(user)).pk}


def _token(user):
    return {"token": DeviceFactory(donation=_donation(user)).token}


def _request(user, *, reserved=False):
    organization = _organization(user)
    kwargs = {"organization": organization} if organization is not None else {}
    device_request = DeviceRequestFactory(**kwargs)
    if reserved:
        device = DeviceFactory(donation=_donation(user), ready=True)
        device.status = Status.RESERVED
        device.save(update_fields=["status"])
        device_request.status = "reserved"
        device_request.reserved_device = device
        device_request.save(update_fields=["status", "reserved_device"])
    return {"pk": device_request.pk}


def _photo(user):
    """A photo row whose file is absent (the walker writes no file): 404 for everyone, after the permission check."""
    device = DeviceFactory(donation=_donation(user))
    photo = DevicePhoto.objects.create(device=device, file="reconditionnement/absente.jpg", content_type="image/jpeg")
    return {"pk": device.pk, "photo_pk": photo.pk}


def _person(user):
    organization = _organization(user)
    return {"person_pk": PersonFactory(involved=organization).pk if organization else PersonFactory().pk}


SAMPLES = {
    "devices:donation_detail": _donation_kwargs,
    "devices:device_receive": _donation_kwargs,
    "devices:donation_attestation": _donation_kwargs,
    "devices:device_detail": _erased_device,
    "devices:device_edit": _erased_device,
    "devices:device_erase": _received_device,
    "devices:device_refurbish": _erased_device,
    "devices:device_ready": _erased_device,
    "devices:device_recycle": _erased_device,
    "devices:device_photo_add": _erased_device,
    "devices:device_photo": _photo,
    "devices:erasure_certificate": _erased_device,
    "devices:device_label": _erased_device,
    "devices:label_scan": _token,
    "devices:request_create": _person,
    "devices:request_detail": _request,
    "devices:request_reserve": _request,
    "devices:request_deliver": lambda user: _request(user, reserved=True),
    "devices:request_cancel": _request,
    "devices:request_priority": _request,
    "devices:delivery_note": lambda user: _request(user, reserved=True),
}

STATUS_ONLY = {
    "devices:donation_attestation": "PDF à télécharger",
    "devices:erasure_certificate": "PDF à télécharger",
    "devices:device_label": "PDF de l'étiquette",
    "devices:delivery_note": "PDF à télécharger",
    "devices:impact_csv": "CSV à télécharger",
    "devices:impact_xlsx": "XLSX à télécharger",
    "devices:label_scan": "redirige vers la page de l'appareil",
    "devices:device_ready": "un GET redirige vers la page de l'appareil ; l'action est un POST",
    "devices:device_photo_add": "un GET redirige vers la page de l'appareil ; l'envoi est un POST",
    "devices:device_photo": "image",
    "devices:request_priority": "un GET redirige vers la demande ; le changement est un POST",
}

EXPECTED_STATUS = {
    "devices:label_scan": {"refurbisher": {302}, "coordinator": {302}, "administrator": {302}, "*": {404}},
    "devices:device_ready": {"refurbisher": {302}, "*": {403, 404}},
    "devices:device_photo_add": {"refurbisher": {302}, "*": {403, 404}},
    "devices:request_priority": {
        "refurbisher": {302},
        "coordinator": {302},
        "administrator": {302},
        "*": {403, 404},
    },
}
