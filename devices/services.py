"""Every write of the reconditionnement. Each service is atomic, locks what two people could change at once
(`select_for_update`), checks the actor (`devices.permissions`: PermissionDenied) and the step against
`DeviceWorkflow` (anything else: ValidationError in French, nothing changed), then writes a `DeviceTransition` row
for a device's step and one `core.history` row per change."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from core import uploads
from core.history import record
from core.uploads import check_upload
from core.workflow import Workflow
from devices import emails, permissions
from devices.models import (
    GRADED_STATUSES,
    CO2Factor,
    Delivery,
    Device,
    DevicePhoto,
    DeviceRequest,
    DeviceTransition,
    Donation,
    EligibilityRule,
    Erasure,
    RequestStatus,
    Status,
    Urgency,
    WorkLog,
    normalize_serial,
)

S = Status
R = RequestStatus


class DeviceWorkflow(Workflow):
    """The allowed steps of a device: (from, to) → history action. Anything else is refused. A reserved device goes
    back to « prêt » when its request is cancelled; any step before the delivery may end in recycling, with a
    reason."""

    STATUS = Status
    SUBJECT = "Un appareil"
    TRANSITIONS = {
        (S.RECEIVED, S.ERASED): "device_erased",
        (S.ERASED, S.REFURBISHED): "device_refurbished",
        (S.REFURBISHED, S.READY): "device_ready",
        (S.READY, S.RESERVED): "device_reserved",
        (S.RESERVED, S.READY): "device_reservation_released",
        (S.RESERVED, S.DELIVERED): "device_delivered",
        (S.RECEIVED, S.RECYCLED): "device_recycled",
        (S.ERASED, S.RECYCLED): "device_recycled",
        (S.REFURBISHED, S.RECYCLED): "device_recycled",
        (S.READY, S.RECYCLED): "device_recycled",
        (S.RESERVED, S.RECYCLED): "device_recycled",
    }


def _lock_device(device):
    return Device.objects.select_for_update(of=("self",)).select_related("donation").get(pk=device.pk)


def _lock_request(device_request):
    return DeviceRequest.objects.select_for_update(of=("self",)).get(pk=device_request.pk)


def _check_device_actor(device, acting_user):
    if not permissions.can_handle_device(acting_user, device):
        raise PermissionDenied


def _step(device, target, *, acting_user, now, note="", fields=()):
    """Move a locked device to `target` (checked against the table), save, log the transition and the history."""
    action = DeviceWorkflow.action(device.status, target)
    before = device.status
    device.status = target
    device.status_changed_at = now
    device.save(update_fields=["status", "status_changed_at", *fields])
    DeviceTransition.objects.create(
        device=device, from_status=before, to_status=target, actor=acting_user, at=now, note=note[:300]
    )
    changes = {"status": [before, target]}
    for name in fields:
        changes[name] = str(getattr(device, name))
    record(device, action, acting_user=acting_user, changes=changes, message=note)
    return device


# Donations and devices ---------------------------------------------------------------------------------------


@transaction.atomic
def create_donation(*, acting_user, workshop, donor, announced_count, pickup_date=None, contact="", notes=""):
    if not permissions.can_run_workshop(acting_user, workshop):
        raise PermissionDenied
    donation = Donation(
        donor=donor,
        workshop=workshop,
        announced_count=announced_count,
        pickup_date=pickup_date,
        contact=contact,
        notes=notes,
        created_by=acting_user,
    )
    donation.full_clean()
    donation.save()
    record(
        donation,
        "device_donation_created",
        acting_user=acting_user,
        changes={"donor": donor.name, "announced_count": announced_count},
    )
    return donation


DEVICE_FIELDS = ("kind", "brand", "model", "serial", "processor", "memory_gb", "storage_gb", "operating_system")


def _serial_taken(brand, serial, exclude_pk=None):
    if not serial:
        return False
    taken = Device.objects.filter(brand__iexact=brand.strip(), serial=serial)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    return taken.exists()


DUPLICATE_SERIAL = "Un appareil de cette marque porte déjà ce numéro de série."


@transaction.atomic
def receive_device(donation, *, acting_user, kind, brand, model="", serial="", **specs):
    """Record one device of the donation as received (first step of the workflow); the donation's received count
    follows. A serial already known for the same brand is refused."""
    donation = Donation.objects.select_for_update().get(pk=donation.pk)
    if not permissions.can_run_workshop(acting_user, donation.workshop):
        raise PermissionDenied
    serial = normalize_serial(serial)
    if _serial_taken(brand, serial):
        raise ValidationError({"serial": DUPLICATE_SERIAL}, code="duplicate_serial")
    now = timezone.now()
    device = Device(
        donation=donation,
        kind=kind,
        brand=brand.strip(),
        model=model,
        serial=serial,
        received_at=now,
        status_changed_at=now,
        **{name: value for name, value in specs.items() if name in DEVICE_FIELDS},
    )
    device.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            device.save()
    except IntegrityError:  # the same serial recorded at the same moment by a colleague
        raise ValidationError({"serial": DUPLICATE_SERIAL}, code="duplicate_serial") from None
    Donation.objects.filter(pk=donation.pk).update(received_count=F("received_count") + 1)
    DeviceTransition.objects.create(device=device, from_status="", to_status=S.RECEIVED, actor=acting_user, at=now)
    record(
        device,
        "device_received",
        acting_user=acting_user,
        changes={"donation": str(donation.pk), "kind": kind, "brand": device.brand, "serial": serial},
    )
    return device


EDITABLE_FIELDS = (*DEVICE_FIELDS, "grade", "price_cents")
TEXT_FIELDS = ("brand", "model", "processor", "operating_system")
DELIVERED_FROZEN = (
    "Un appareil remis ne se modifie plus : ses caractéristiques figurent sur le bon de remise de la personne."
)


@transaction.atomic
def update_device(device, *, acting_user, **fields):
    """Correct a device's characteristics outside the workflow (type, brand, model, serial, specifications, grade,
    solidarity price): one history row with each changed field, before and after. A delivered device no longer
    changes; a reserved one keeps the requested type; a refurbished one keeps a grade; a serial stays unique per
    brand."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Champs non modifiables : {', '.join(sorted(unknown))}")
    device = _lock_device(device)
    _check_device_actor(device, acting_user)
    if device.status == S.DELIVERED:
        raise ValidationError(DELIVERED_FROZEN, code="delivered")
    for name in TEXT_FIELDS:
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    if "serial" in fields:
        fields["serial"] = normalize_serial(fields["serial"])
    changed = {name: value for name, value in fields.items() if getattr(device, name) != value}
    if not changed:
        return device
    if "kind" in changed and device.status == S.RESERVED:
        raise ValidationError(
            {"kind": "Type d'appareil : l'appareil est réservé pour une demande de ce type, il ne peut pas changer."}
        )
    if "grade" in changed and not changed["grade"] and device.status in GRADED_STATUSES:
        raise ValidationError({"grade": "État esthétique : un appareil reconditionné garde son état (A, B ou C)."})
    brand, serial = fields.get("brand", device.brand), fields.get("serial", device.serial)
    if ("brand" in changed or "serial" in changed) and _serial_taken(brand, serial, exclude_pk=device.pk):
        raise ValidationError({"serial": DUPLICATE_SERIAL}, code="duplicate_serial")
    before = {name: getattr(device, name) for name in changed}
    for name, value in changed.items():
        setattr(device, name, value)
    device.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            device.save(update_fields=list(changed))
    except IntegrityError:  # the same serial recorded at the same moment by a colleague
        raise ValidationError({"serial": DUPLICATE_SERIAL}, code="duplicate_serial") from None
    record(
        device,
        "device_updated",
        acting_user=acting_user,
        changes={name: [before[name], value] for name, value in changed.items()},
    )
    return device


@transaction.atomic
def erase_device(device, *, acting_user, method, tool, performed_on, operator, evidence):
    """Record the erasure proof and move the device to « données effacées ». Without its evidence, refused."""
    device = _lock_device(device)
    _check_device_actor(device, acting_user)
    DeviceWorkflow.action(device.status, S.ERASED)
    erasure = Erasure(
        device=device,
        method=method,
        tool=tool.strip(),
        performed_on=performed_on,
        operator=operator.strip(),
        evidence=evidence.strip(),
        recorded_by=acting_user,
    )
    erasure.full_clean()
    if performed_on > timezone.localdate():
        raise ValidationError({"performed_on": "La date de l'effacement ne peut pas être dans le futur."})
    erasure.save()
    _step(
        device,
        S.ERASED,
        acting_user=acting_user,
        now=timezone.now(),
        note=f"{erasure.get_method_display()} avec {erasure.tool}, par {erasure.operator}",
    )
    return erasure


@transaction.atomic
def refurbish_device(device, *, acting_user, grade, price_cents, operating_system="", **specs):
    """The device is tested, cleaned and installed: its grade, its solidarity price and its specifications."""
    device = _lock_device(device)
    _check_device_actor(device, acting_user)
    DeviceWorkflow.action(device.status, S.REFURBISHED)
    if not Erasure.objects.filter(device=device).exists():
        raise ValidationError("L'effacement des données n'est pas prouvé : enregistrez-le d'abord.")
    device.grade = grade
    device.price_cents = price_cents
    device.operating_system = operating_system
    fields = ["grade", "price_cents", "operating_system"]
    for name in ("processor", "memory_gb", "storage_gb"):
        if name in specs:
            setattr(device, name, specs[name])
            fields.append(name)
    device.full_clean(validate_constraints=False)
    return _step(device, S.REFURBISHED, acting_user=acting_user, now=timezone.now(), fields=fields)


@transaction.atomic
def mark_ready(device, *, acting_user):
    device = _lock_device(device)
    _check_device_actor(device, acting_user)
    return _step(device, S.READY, acting_user=acting_user, now=timezone.now())


@transaction.atomic
def recycle_device(device, *, acting_user, reason):
    """Send the device to recycling (any step before the delivery), with the reason. A reservation is released:
    its request goes back to the queue, at its place."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Indiquez le motif du recyclage."})
    device = _lock_device(device)
    _check_device_actor(device, acting_user)
    DeviceWorkflow.action(device.status, S.RECYCLED)
    now = timezone.now()
    if device.status == S.RESERVED:
        device_request = DeviceRequest.objects.select_for_update().get(reserved_device=device)
        _release(device_request, acting_user=acting_user, now=now, note=f"Appareil recyclé : {reason}")
    device.recycled_reason = reason[:300]
    return _step(device, S.RECYCLED, acting_user=acting_user, now=now, note=reason, fields=["recycled_reason"])


# Requests ---------------------------------------------------------------------------------------------------


def eligibility_problems(person):
    """The French reasons why `person` does not meet the active eligibility rules ([] when eligible)."""
    from referrals.models import Referral
    from vouchers.models import Book

    codes = set(EligibilityRule.objects.filter(active=True).values_list("code", flat=True))
    problems = []
    C = EligibilityRule.Code
    if C.LIVES_IN_DEPARTEMENT in codes:
        commune = person.commune
        if commune is None or commune.departement_id != settings.PLATFORM_DEPARTEMENT:
            problems.append("La personne doit habiter le département : indiquez sa commune sur sa fiche.")
    if C.HOLDS_PASS_BOOK in codes and not Book.objects.filter(handed_to=person).exists():
        problems.append("La personne doit avoir reçu un carnet Pass Numérique.")
    if C.HAS_REFERRAL in codes and not Referral.objects.filter(person=person).exists():
        problems.append("La personne doit avoir été orientée vers un lieu de médiation numérique.")
    return problems


@transaction.atomic
def request_device(*, acting_user, organization, person, kind, usage, urgency=Urgency.NORMAL):
    """A prescriber asks for a device for a person, checked against the active eligibility rules. Urgent requests
    are served first."""
    from people.models import Person

    if not permissions.can_request_for(acting_user, organization):
        raise PermissionDenied
    if not Person.objects.visible_to(acting_user).filter(pk=person.pk).exists():
        raise PermissionDenied
    problems = eligibility_problems(person)
    if problems:
        raise ValidationError(problems, code="not_eligible")
    if DeviceRequest.objects.filter(person=person, kind=kind, status__in=[R.QUEUED, R.RESERVED]).exists():
        raise ValidationError("Une demande de ce type d'appareil est déjà en cours pour cette personne.")
    device_request = DeviceRequest(
        person=person,
        organization=organization,
        requested_by=acting_user,
        kind=kind,
        usage=usage.strip(),
        urgency=urgency,
        priority=DeviceRequest.Priority.HIGH if urgency == Urgency.URGENT else DeviceRequest.Priority.NORMAL,
    )
    device_request.full_clean()
    try:
        with transaction.atomic():
            device_request.save()
    except IntegrityError as error:
        # Two prescribers asking at the same moment: the partial unique constraint turns the second one away.
        raise ValidationError(
            "Une demande de ce type d'appareil est déjà en cours pour cette personne.", code="already_open"
        ) from error
    record(
        device_request,
        "device_request_created",
        acting_user=acting_user,
        changes={"kind": kind, "urgency": urgency, "organization": organization.name},
    )
    return device_request


@transaction.atomic
def reserve_device(device_request, device, *, acting_user):
    """The workshop sets a ready device of the requested type aside for a waiting request."""
    device_request = _lock_request(device_request)
    device = _lock_device(device)
    _check_device_actor(device, acting_user)
    if device_request.status != R.QUEUED:
        raise ValidationError("Cette demande n'est plus en attente : elle a déjà un appareil ou elle est close.")
    if device.kind != device_request.kind:
        raise ValidationError(
            "Cet appareil n'est pas du type demandé (%(kind)s).", params={"kind": device_request.get_kind_display()}
        )
    now = timezone.now()
    _step(device, S.RESERVED, acting_user=acting_user, now=now, note=f"Pour la demande n° {device_request.pk}")
    device_request.status = R.RESERVED
    device_request.reserved_device = device
    device_request.reserved_at = now
    device_request.save(update_fields=["status", "reserved_device", "reserved_at"])
    record(device_request, "device_request_reserved", acting_user=acting_user, changes={"device": str(device.pk)})
    emails.notify_requester(device_request, "reserved", acting_user=acting_user)
    return device_request


def _release(device_request, *, acting_user, now, note):
    """Put a reserved request back in the queue (its date and priority unchanged)."""
    device_request.status = R.QUEUED
    device_request.reserved_device = None
    device_request.reserved_at = None
    device_request.save(update_fields=["status", "reserved_device", "reserved_at"])
    record(device_request, "device_request_released", acting_user=acting_user, message=note)


@transaction.atomic
def cancel_request(device_request, *, acting_user, reason):
    """Cancel a request not yet delivered; a reserved device goes back to « prêt »."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Indiquez le motif de l'annulation."})
    device_request = _lock_request(device_request)
    if not permissions.can_cancel_request(acting_user, device_request):
        raise PermissionDenied
    if device_request.status not in (R.QUEUED, R.RESERVED):
        raise ValidationError("Cette demande est déjà close : elle ne peut plus être annulée.")
    now = timezone.now()
    device = device_request.reserved_device
    before = device_request.status
    device_request.status = R.CANCELLED
    device_request.reserved_device = None
    device_request.closed_at = now
    device_request.cancel_reason = reason[:300]
    device_request.save(update_fields=["status", "reserved_device", "closed_at", "cancel_reason"])
    if device is not None:
        device = _lock_device(device)
        _step(device, S.READY, acting_user=acting_user, now=now, note=f"Demande n° {device_request.pk} annulée")
    record(
        device_request,
        "device_request_cancelled",
        acting_user=acting_user,
        changes={"status": [before, R.CANCELLED]},
        message=reason,
    )
    emails.notify_requester(device_request, "cancelled", acting_user=acting_user)
    return device_request


@transaction.atomic
def set_request_priority(device_request, *, acting_user, priority):
    """The workshop or the coordination moves a waiting request up or down the queue (urgent ones start high)."""
    if not (permissions.can_serve_requests(acting_user) or permissions.can_configure(acting_user)):
        raise PermissionDenied
    device_request = _lock_request(device_request)
    if device_request.status != R.QUEUED:
        raise ValidationError("Seule une demande en attente change de priorité.")
    if priority not in DeviceRequest.Priority.values:
        raise ValidationError("Choisissez une priorité dans la liste.")
    before = device_request.priority
    if before == priority:
        return device_request
    device_request.priority = priority
    device_request.save(update_fields=["priority"])
    record(
        device_request,
        "device_request_priority_changed",
        acting_user=acting_user,
        changes={"priority": [before, priority]},
    )
    return device_request


NO_RESERVATION = "Aucun appareil n'est réservé pour cette demande : réservez-en un avant de le remettre."


@transaction.atomic
def deliver_device(
    device_request, *, acting_user, acknowledgement, signature_name="", price_paid_cents=0, training_offer=""
):
    """Hand the reserved device over: the person acknowledges it (paper note or name typed on screen) and is offered
    training. Without a reservation, refused."""
    device_request = _lock_request(device_request)
    if device_request.status != R.RESERVED or device_request.reserved_device_id is None:
        raise ValidationError(NO_RESERVATION, code="no_reservation")
    device = _lock_device(device_request.reserved_device)
    _check_device_actor(device, acting_user)
    now = timezone.now()
    delivery = Delivery(
        request=device_request,
        device=device,
        delivered_at=now,
        delivered_by=acting_user,
        acknowledgement=acknowledgement,
        signature_name=signature_name.strip(),
        price_paid_cents=price_paid_cents,
        training_offer=training_offer.strip(),
    )
    delivery.full_clean()
    delivery.save()
    _step(device, S.DELIVERED, acting_user=acting_user, now=now, note=f"Demande n° {device_request.pk}")
    device_request.status = R.DELIVERED
    device_request.closed_at = now
    device_request.save(update_fields=["status", "closed_at"])
    record(
        device_request,
        "device_request_delivered",
        acting_user=acting_user,
        changes={"status": [R.RESERVED, R.DELIVERED], "acknowledgement": acknowledgement},
    )
    emails.notify_requester(device_request, "delivered", acting_user=acting_user)
    return delivery


# Settings and work hours -------------------------------------------------------------------------------------


@transaction.atomic
def set_eligibility_rules(*, acting_user, active_codes):
    if not permissions.can_configure(acting_user):
        raise PermissionDenied
    now = timezone.now()
    for rule in EligibilityRule.objects.select_for_update():
        active = rule.code in active_codes
        if rule.active != active:
            rule.active = active
            rule.changed_at = now
            rule.save(update_fields=["active", "changed_at"])
            record(rule, "device_eligibility_rule_changed", acting_user=acting_user, changes={"active": active})


@transaction.atomic
def update_co2_factor(factor, *, acting_user, kg_co2e, source):
    if not permissions.can_configure(acting_user):
        raise PermissionDenied
    factor = CO2Factor.objects.select_for_update().get(pk=factor.pk)
    changes = {}
    if factor.kg_co2e != kg_co2e:
        changes["kg_co2e"] = [str(factor.kg_co2e), str(kg_co2e)]
    if factor.source != source.strip():
        changes["source"] = [factor.source, source.strip()]
    if not changes:
        return factor
    factor.kg_co2e = kg_co2e
    factor.source = source.strip()
    factor.changed_at = timezone.now()
    factor.full_clean()
    factor.save(update_fields=["kg_co2e", "source", "changed_at"])
    record(factor, "device_co2_factor_changed", acting_user=acting_user, changes=changes)
    return factor


@transaction.atomic
def log_work(*, acting_user, workshop, worker, day, hours, activity):
    if not permissions.can_run_workshop(acting_user, workshop):
        raise PermissionDenied
    if day > timezone.localdate():
        raise ValidationError({"day": "Ce jour est dans le futur."})
    work = WorkLog(
        workshop=workshop,
        worker=worker.strip(),
        day=day,
        hours=hours,
        activity=activity.strip(),
        logged_by=acting_user,
    )
    work.full_clean()
    work.save()
    record(work, "device_work_logged", acting_user=acting_user, changes={"hours": str(hours), "day": str(day)})
    return work


MAX_PHOTOS = 3
MAX_PHOTO_MB = 5


@transaction.atomic
def add_photo(device, *, acting_user, uploaded_file):
    """An optional photo of the device: JPEG or PNG (recognised by the first bytes), 5 MB at most, 3 per device."""
    device = _lock_device(device)
    _check_device_actor(device, acting_user)
    if device.photos.count() >= MAX_PHOTOS:
        raise ValidationError(f"Un appareil a au plus {MAX_PHOTOS} photos.")
    _name, content_type, extension = check_upload(uploaded_file, max_mb=MAX_PHOTO_MB, accepted=uploads.IMAGES)
    photo = DevicePhoto(device=device, content_type=content_type, uploaded_by=acting_user)
    uploads.save_with_file(photo, uploaded_file, f"photo{extension}")
    record(device, "device_photo_added", acting_user=acting_user, changes={"photo": str(photo.pk)})
    return photo
