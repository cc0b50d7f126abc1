"""The requests: a prescriber asks for a device for a person (from the person page), « Mes demandes » for the
requesting side, the queue served by priority then date for the workshop and the coordination, the request page
with the reservation, the delivery (acknowledgement, training offer: a place and the public sessions nearby, as the
diagnostic suggests them) and the delivery note.

The person's identity: the requesting organisation and the coordination see the record (link to the person page);
the workshop sees the name and the contact only, to deliver."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.models import Organization
from core.pagination import paginate
from devices import exporting, forms, permissions, services
from devices.models import Device, DeviceRequest, RequestStatus
from devices.training import training_offer
from people.models import PERSONAL_DATA_ROLES, Person

R = RequestStatus


def _requesting_organizations(user):
    ids = {m.organization_id for m in user.cached_memberships if m.role in PERSONAL_DATA_ROLES}
    return Organization.objects.filter(pk__in=ids).order_by("name", "pk")


def request_create(request, person_pk):
    """« Demander un ordinateur » from the person page; the eligibility rules are checked by the service."""
    person = get_object_or_404(Person.objects.visible_to(request.user).select_related("commune"), pk=person_pk)
    if not permissions.can_request_device(request.user):
        raise PermissionDenied
    organizations = _requesting_organizations(request.user)
    form = forms.RequestForm(request.POST or None, organizations=organizations)
    problems = services.eligibility_problems(person)
    if request.method == "POST" and form.is_valid():
        try:
            device_request = services.request_device(acting_user=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"La demande pour {person} est dans la file d'attente de l'atelier. Vous serez tenu au courant.",
            )
            return redirect("devices:request_detail", pk=device_request.pk)
    return render(
        request,
        "devices/request_form.html",
        {
            "person": person,
            "form": form,
            "problems": problems,
            "breadcrumbs": [
                ("Personnes accompagnées", reverse("people:list")),
                (str(person), reverse("people:detail", args=[person.pk])),
            ],
        },
    )


def my_requests(request):
    if not permissions.can_request_device(request.user):
        raise PermissionDenied
    requests = (
        DeviceRequest.objects.visible_to(request.user)
        .filter(organization__in=_requesting_organizations(request.user))
        .select_related("person", "organization", "reserved_device")
        .order_by("-created_at", "-pk")
    )
    page = paginate(request, requests, per_page=25)
    return render(request, "devices/my_requests.html", {"page": page})


def queue(request):
    """The waiting requests, in serving order (priority, then the oldest); other statuses on demand."""
    if not permissions.can_see_stock(request.user):
        raise PermissionDenied
    status = request.GET.get("status", R.QUEUED)
    if status not in R.values:
        status = R.QUEUED
    visible = DeviceRequest.objects.visible_to(request.user)
    counts = dict(visible.order_by().values_list("status").annotate(total=Count("pk")))
    if status == R.QUEUED:
        requests = visible.queue()
    else:
        requests = visible.filter(status=status).order_by("-created_at", "-pk")
    page = paginate(request, requests.select_related("person", "organization", "reserved_device"), per_page=25)
    ready = dict(
        Device.objects.visible_to(request.user).ready().order_by().values_list("kind").annotate(n=Count("pk"))
    )
    for item in page.object_list:
        item.ready_count = ready.get(item.kind, 0)
    return render(
        request,
        "devices/queue.html",
        {
            "page": page,
            "status": status,
            "counts": [(value, label, counts.get(value, 0)) for value, label in R.choices],
            "breadcrumbs": [("Reconditionnement", reverse("devices:stock"))],
        },
    )


def _request(request, pk):
    return get_object_or_404(
        DeviceRequest.objects.visible_to(request.user).select_related(
            "person__commune", "organization", "requested_by", "reserved_device__donation__workshop"
        ),
        pk=pk,
    )


def _request_crumbs(user):
    if permissions.can_see_stock(user):
        return [("File des demandes", reverse("devices:queue"))]
    return [("Mes demandes d'appareil", reverse("devices:my_requests"))]


def request_detail(request, pk):
    device_request = _request(request, pk)
    user = request.user
    delivery = getattr(device_request, "delivery", None) if device_request.status == R.DELIVERED else None
    return render(
        request,
        "devices/request_detail.html",
        {
            "device_request": device_request,
            "delivery": delivery,
            "full_identity": permissions.sees_full_identity(user, device_request),
            "can_serve": permissions.can_serve_requests(user),
            "priority_form": forms.PriorityForm(initial={"priority": device_request.priority})
            if permissions.can_set_priority(user) and device_request.status == R.QUEUED
            else None,
            "can_cancel": permissions.can_cancel_request(user, device_request)
            and device_request.status in (R.QUEUED, R.RESERVED),
            "breadcrumbs": _request_crumbs(user),
        },
    )


def request_priority(request, pk):
    """POST from the request page; a GET goes back to it."""
    device_request = _request(request, pk)
    if not permissions.can_set_priority(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = forms.PriorityForm(request.POST)
        if form.is_valid():
            try:
                services.set_request_priority(
                    device_request, acting_user=request.user, priority=form.cleaned_data["priority"]
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "La priorité de la demande est enregistrée.")
    return redirect("devices:request_detail", pk=device_request.pk)


def _serving_page(request, device_request, form, *, perform, success, title, submit, extra=None):
    if request.method == "POST" and form.is_valid():
        try:
            perform(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, success)
            return redirect("devices:request_detail", pk=device_request.pk)
    return render(
        request,
        "devices/request_action.html",
        {
            "device_request": device_request,
            "form": form,
            "title": title,
            "submit": submit,
            "breadcrumbs": [
                *_request_crumbs(request.user),
                (str(device_request), reverse("devices:request_detail", args=[device_request.pk])),
            ],
            **(extra or {}),
        },
    )


def request_reserve(request, pk):
    device_request = _request(request, pk)
    if not permissions.can_serve_requests(request.user):
        raise PermissionDenied
    devices = (
        Device.objects.visible_to(request.user)
        .ready()
        .filter(kind=device_request.kind, donation__workshop_id__in=permissions.workshop_ids(request.user))
        .order_by("grade", "status_changed_at", "pk")
    )
    offered = devices.filter(pk__in=list(devices.values_list("pk", flat=True)[:30]))  # the 30 best, validated
    form = forms.ReserveForm(request.POST or None, devices=offered)
    refusal = "" if device_request.status == R.QUEUED else "Cette demande n'est plus en attente."
    return _serving_page(
        request,
        device_request,
        form,
        perform=lambda data: services.reserve_device(device_request, data["device"], acting_user=request.user),
        success="L'appareil est réservé pour cette demande. Prévenez la personne pour la remise.",
        title="Réserver un appareil",
        submit="Réserver cet appareil",
        extra={"refusal": refusal, "no_device": not devices.exists()},
    )


def request_deliver(request, pk):
    device_request = _request(request, pk)
    if not permissions.can_serve_requests(request.user):
        raise PermissionDenied
    offer = training_offer(device_request.person) if device_request.status == R.RESERVED else {}
    device = device_request.reserved_device
    initial = {"training_offer": offer.get("text", ""), "price": (device.price_cents or 0) / 100 if device else 0}
    form = forms.DeliveryForm(request.POST or None, initial=initial)
    refusal = "" if device_request.status == R.RESERVED else services.NO_RESERVATION

    def perform(data):
        services.deliver_device(
            device_request,
            acting_user=request.user,
            acknowledgement=data["acknowledgement"],
            signature_name=data["signature_name"],
            price_paid_cents=form.cleaned_price_cents(),
            training_offer=data["training_offer"],
        )

    return _serving_page(
        request,
        device_request,
        form,
        perform=perform,
        success="L'appareil est remis. Le bon de remise est disponible.",
        title="Remettre l'appareil",
        submit="Confirmer la remise",
        extra={"refusal": refusal, "offer": offer},
    )


def request_cancel(request, pk):
    device_request = _request(request, pk)
    if not permissions.can_cancel_request(request.user, device_request):
        raise PermissionDenied
    refusal = "" if device_request.status in (R.QUEUED, R.RESERVED) else "Cette demande est déjà close."
    return _serving_page(
        request,
        device_request,
        forms.CancelForm(request.POST or None),
        perform=lambda data: services.cancel_request(device_request, acting_user=request.user, reason=data["reason"]),
        success="La demande est annulée.",
        title="Annuler la demande",
        submit="Annuler la demande",
        extra={"refusal": refusal, "danger": True},
    )


def delivery_note(request, pk):
    """The « bon de remise »: blank for a paper signature once a device is reserved, filled in once delivered."""
    device_request = _request(request, pk)
    if device_request.status not in (R.RESERVED, R.DELIVERED) or device_request.reserved_device is None:
        raise Http404("Aucun appareil n'est réservé pour cette demande.")
    delivery = getattr(device_request, "delivery", None) if device_request.status == R.DELIVERED else None
    offer = delivery.training_offer if delivery else training_offer(device_request.person)["text"]
    content = exporting.delivery_note_pdf(device_request, device_request.reserved_device, delivery, offer=offer)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bon-de-remise-demande-{device_request.pk}.pdf"'
    return response
