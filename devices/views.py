"""The workshop's pages: donations (list, record, detail with the devices received, attestation), the stock
(filters, paginated), the device page with its actions (erasure, refurbishing, ready, recycling, correcting its
characteristics), the erasure certificate and the label with its QR code; the impact page and its exports; the
coordination's settings; the hours of insertion work.

Rules: reads go through `visible_to(user)` (outside it: 404); writes are one service call each, whose refusal is
shown in French with nothing changed; only the staff of the device's workshop see the action buttons and may post
them (403 otherwise)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization
from core.pagination import paginate
from devices import exporting, figures, forms, permissions, services
from devices.models import (
    CO2Factor,
    Device,
    DevicePhoto,
    Donation,
    EligibilityRule,
    Erasure,
    Status,
    WorkLog,
    normalize_serial,
)
from devices.services import DeviceWorkflow

STOCK_PER_PAGE = 50


def _require(predicate, user):
    if not predicate(user):
        raise PermissionDenied


def _workshops(user):
    return Organization.objects.filter(pk__in=permissions.workshop_ids(user)).order_by("name")


def _file(content, content_type, filename, *, inline=False):
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _stock_crumbs():
    return [("Reconditionnement", reverse("devices:stock"))]


# Stock ------------------------------------------------------------------------------------------------------


def stock(request):
    """The devices, newest first, filtered by step, type, grade or text; 50 a page, a fixed number of queries."""
    _require(permissions.can_see_stock, request.user)
    form = forms.StockFilterForm(request.GET or None)
    filters = form.filters()
    devices = Device.objects.visible_to(request.user)
    for name in ("status", "kind", "grade"):
        if filters.get(name):
            devices = devices.filter(**{name: filters[name]})
    if filters.get("q"):
        text = filters["q"].strip()
        devices = devices.filter(
            Q(brand__icontains=text) | Q(model__icontains=text) | Q(serial__startswith=normalize_serial(text))
        )
    page = paginate(request, devices.order_by("-received_at", "-pk"), per_page=STOCK_PER_PAGE)
    prefetch_related_objects(page.object_list, "donation__donor")
    return render(
        request,
        "devices/stock.html",
        {"form": form, "page": page, "is_staff": permissions.is_workshop_staff(request.user)},
    )


# Donations --------------------------------------------------------------------------------------------------


def donation_list(request):
    _require(permissions.can_see_stock, request.user)
    donations = Donation.objects.visible_to(request.user).select_related("donor", "workshop")
    page = paginate(request, donations, per_page=25)
    return render(
        request,
        "devices/donation_list.html",
        {
            "page": page,
            "can_create": permissions.is_workshop_staff(request.user),
            "breadcrumbs": _stock_crumbs(),
        },
    )


def donation_create(request):
    _require(permissions.is_workshop_staff, request.user)
    workshops = _workshops(request.user)
    form = forms.DonationForm(request.POST or None)
    choice = forms.WorkshopChoiceForm(request.POST or None, workshops=workshops) if len(workshops) > 1 else None
    if request.method == "POST" and form.is_valid() and (choice is None or choice.is_valid()):
        workshop = choice.cleaned_data["workshop"] if choice else workshops[0]
        try:
            donation = services.create_donation(acting_user=request.user, workshop=workshop, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Le {donation} est enregistré. Enregistrez maintenant les appareils reçus.")
            return redirect("devices:donation_detail", pk=donation.pk)
    return render(
        request,
        "devices/donation_form.html",
        {
            "form": form,
            "choice": choice,
            "breadcrumbs": [*_stock_crumbs(), ("Dons", reverse("devices:donations"))],
        },
    )


def _donation(request, pk):
    return get_object_or_404(Donation.objects.visible_to(request.user).select_related("donor", "workshop"), pk=pk)


def donation_detail(request, pk):
    donation = _donation(request, pk)
    devices = donation.devices.order_by("pk")
    page = paginate(request, devices, per_page=50)
    return render(
        request,
        "devices/donation_detail.html",
        {
            "donation": donation,
            "page": page,
            "can_receive": permissions.can_run_workshop(request.user, donation.workshop),
            "breadcrumbs": [*_stock_crumbs(), ("Dons", reverse("devices:donations"))],
        },
    )


def device_receive(request, pk):
    """Record one device of the donation (« reçu »); « Enregistrer et continuer » keeps the form open for the next."""
    donation = _donation(request, pk)
    if not permissions.can_run_workshop(request.user, donation.workshop):
        raise PermissionDenied
    form = forms.DeviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.receive_device(donation, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{device} enregistré comme reçu.")
            if "continue" in request.POST:
                return redirect("devices:device_receive", pk=donation.pk)
            return redirect("devices:device_detail", pk=device.pk)
    return render(
        request,
        "devices/device_receive.html",
        {
            "donation": donation,
            "form": form,
            "breadcrumbs": [
                *_stock_crumbs(),
                ("Dons", reverse("devices:donations")),
                (str(donation), reverse("devices:donation_detail", args=[donation.pk])),
            ],
        },
    )


def donation_attestation(request, pk):
    donation = _donation(request, pk)
    devices = list(donation.devices.order_by("pk")[:2000])
    return _file(
        exporting.donation_attestation_pdf(donation, devices),
        "application/pdf",
        f"attestation-cession-don-{donation.pk}.pdf",
    )


# Devices ----------------------------------------------------------------------------------------------------


def _device(request, pk):
    return get_object_or_404(
        Device.objects.visible_to(request.user).select_related("donation__donor", "donation__workshop"), pk=pk
    )


def _device_crumbs():
    return [*_stock_crumbs()]


def device_detail(request, pk):
    device = _device(request, pk)
    can_handle = permissions.can_handle_device(request.user, device)
    erasure = Erasure.objects.filter(device=device).first()
    transitions = device.transitions.select_related("actor").order_by("at", "pk")
    reservation = (
        getattr(device, "reservation", None) if device.status in (Status.RESERVED, Status.DELIVERED) else None
    )
    targets = DeviceWorkflow.targets(device.status) if can_handle else []
    return render(
        request,
        "devices/device_detail.html",
        {
            "device": device,
            "erasure": erasure,
            "transitions": transitions,
            "reservation": reservation,
            "can_handle": can_handle,
            "can_erase": Status.ERASED in targets,
            "can_refurbish": Status.REFURBISHED in targets,
            "can_ready": Status.READY in targets and device.status == Status.REFURBISHED,
            "can_recycle": Status.RECYCLED in targets,
            "can_edit": can_handle and device.status != Status.DELIVERED,
            "photos": list(device.photos.all()),
            "photo_form": forms.PhotoForm() if can_handle else None,
            "breadcrumbs": _device_crumbs(),
        },
    )


def _device_action(request, device, form, *, template, perform, success, title, submit):
    if not permissions.can_handle_device(request.user, device):
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            perform(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, success)
            return redirect("devices:device_detail", pk=device.pk)
    return render(
        request,
        template,
        {
            "device": device,
            "form": form,
            "title": title,
            "submit": submit,
            "breadcrumbs": [*_device_crumbs(), (str(device), reverse("devices:device_detail", args=[device.pk]))],
        },
    )


def _refused(device, target):
    try:
        DeviceWorkflow.action(device.status, target)
    except ValidationError as error:
        return error.messages[0]
    return ""


def device_erase(request, pk):
    device = _device(request, pk)
    form = forms.ErasureForm(request.POST or None)
    form.refusal = _refused(device, Status.ERASED)
    return _device_action(
        request,
        device,
        form,
        template="devices/device_action.html",
        perform=lambda data: services.erase_device(device, acting_user=request.user, **data),
        success="L'effacement est enregistré. Le certificat d'effacement est disponible.",
        title="Prouver l'effacement des données",
        submit="Enregistrer l'effacement",
    )


def device_refurbish(request, pk):
    device = _device(request, pk)
    initial = {
        "operating_system": device.operating_system,
        "processor": device.processor,
        "memory_gb": device.memory_gb,
        "storage_gb": device.storage_gb,
    }
    form = forms.RefurbishForm(request.POST or None, initial=initial)
    form.refusal = _refused(device, Status.REFURBISHED)

    def perform(data):
        services.refurbish_device(
            device,
            acting_user=request.user,
            grade=data["grade"],
            price_cents=form.cleaned_price_cents(),
            operating_system=data["operating_system"],
            processor=data["processor"],
            memory_gb=data["memory_gb"],
            storage_gb=data["storage_gb"],
        )

    return _device_action(
        request,
        device,
        form,
        template="devices/device_action.html",
        perform=perform,
        success="L'appareil est reconditionné.",
        title="Reconditionner l'appareil",
        submit="Enregistrer le reconditionnement",
    )


def device_edit(request, pk):
    """The device's characteristics, corrected by the staff of its workshop (a delivered device: refused)."""
    device = _device(request, pk)
    if not permissions.can_handle_device(request.user, device):
        raise PermissionDenied
    form = forms.DeviceEditForm(request.POST or None, device=device)
    form.refusal = services.DELIVERED_FROZEN if device.status == Status.DELIVERED else ""
    form.refusal_title = "Cette modification n'est pas possible"
    if request.method == "POST" and not form.refusal and form.is_valid():
        try:
            services.update_device(device, acting_user=request.user, **form.device_fields())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Les caractéristiques de l'appareil sont enregistrées.")
            return redirect("devices:device_detail", pk=device.pk)
    return render(
        request,
        "devices/device_action.html",
        {
            "device": device,
            "form": form,
            "title": "Modifier les caractéristiques",
            "submit": "Enregistrer les caractéristiques",
            "breadcrumbs": [*_device_crumbs(), (str(device), reverse("devices:device_detail", args=[device.pk]))],
        },
    )


def device_ready(request, pk):
    """POST only in practice: the confirmation is the button on the device page."""
    device = _device(request, pk)
    if not permissions.can_handle_device(request.user, device):
        raise PermissionDenied
    if request.method != "POST":
        return redirect("devices:device_detail", pk=device.pk)
    try:
        services.mark_ready(device, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "L'appareil est prêt à être remis.")
    return redirect("devices:device_detail", pk=device.pk)


def device_recycle(request, pk):
    device = _device(request, pk)
    form = forms.RecycleForm(request.POST or None)
    form.refusal = _refused(device, Status.RECYCLED)
    return _device_action(
        request,
        device,
        form,
        template="devices/device_action.html",
        perform=lambda data: services.recycle_device(device, acting_user=request.user, reason=data["reason"]),
        success="L'appareil part au recyclage.",
        title="Envoyer l'appareil au recyclage",
        submit="Envoyer au recyclage",
    )


def device_photo_add(request, pk):
    device = _device(request, pk)
    if not permissions.can_handle_device(request.user, device):
        raise PermissionDenied
    if request.method != "POST":
        return redirect("devices:device_detail", pk=device.pk)
    form = forms.PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_photo(device, acting_user=request.user, uploaded_file=form.cleaned_data["photo"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "La photo est ajoutée.")
    else:
        messages.error(request, " ".join(form.errors["photo"]))
    return redirect("devices:device_detail", pk=device.pk)


def device_photo(request, pk, photo_pk):
    """The photo, only through the device's permission check."""
    device = _device(request, pk)
    photo = get_object_or_404(DevicePhoto, device=device, pk=photo_pk)
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def erasure_certificate(request, pk):
    device = _device(request, pk)
    erasure = Erasure.objects.filter(device=device).first()
    if erasure is None:
        raise Http404("Aucun effacement enregistré pour cet appareil.")
    return _file(
        exporting.erasure_certificate_pdf(device, erasure),
        "application/pdf",
        f"certificat-effacement-appareil-{device.pk}.pdf",
    )


def device_label(request, pk):
    device = _device(request, pk)
    url = request.build_absolute_uri(reverse("devices:label_scan", args=[device.token]))
    return _file(
        exporting.label_pdf(device, url), "application/pdf", f"etiquette-appareil-{device.pk}.pdf", inline=True
    )


def label_scan(request, token):
    """The QR code of a label: opens the device's page for the staff who may see it (login required)."""
    device = get_object_or_404(Device.objects.visible_to(request.user), token=token)
    return redirect("devices:device_detail", pk=device.pk)


# Impact, settings, work hours -------------------------------------------------------------------------------


def impact(request):
    _require(permissions.can_see_impact, request.user)
    return render(
        request,
        "devices/impact.html",
        {
            "impact": figures.impact(),
            "factors": CO2Factor.objects.all(),
            "can_configure": permissions.can_configure(request.user),
        },
    )


def impact_csv(request):
    _require(permissions.can_see_impact, request.user)
    name = f"impact-reconditionnement-{timezone.localdate():%Y-%m-%d}.csv"
    return _file(exporting.impact_csv(figures.impact()), "text/csv; charset=utf-8", name)


def impact_xlsx(request):
    _require(permissions.can_see_impact, request.user)
    name = f"impact-reconditionnement-{timezone.localdate():%Y-%m-%d}.xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _file(exporting.impact_xlsx(figures.impact()), content_type, name)


def settings_page(request):
    """The coordination's settings: which eligibility rules apply, and the CO2e factor table with its sources."""
    _require(permissions.can_configure, request.user)
    rules = list(EligibilityRule.objects.all())
    factors = list(CO2Factor.objects.all())
    rules_form = forms.EligibilityForm(
        request.POST if "rules_submit" in request.POST else None,
        initial={"rules": [rule.code for rule in rules if rule.active]},
    )
    factor_forms = [
        forms.CO2FactorForm(
            request.POST if request.POST.get("factor") == str(factor.pk) else None,
            instance=factor,
            prefix=f"f{factor.pk}",
        )
        for factor in factors
    ]
    if request.method == "POST":
        if "rules_submit" in request.POST and rules_form.is_valid():
            services.set_eligibility_rules(
                acting_user=request.user, active_codes=set(rules_form.cleaned_data["rules"])
            )
            messages.success(request, "Les règles d'éligibilité sont enregistrées.")
            return redirect("devices:settings")
        for factor, form in zip(factors, factor_forms, strict=True):
            if form.is_bound and form.is_valid():
                services.update_co2_factor(
                    CO2Factor.objects.get(pk=factor.pk),
                    acting_user=request.user,
                    kg_co2e=form.cleaned_data["kg_co2e"],
                    source=form.cleaned_data["source"],
                )
                messages.success(request, f"Le facteur « {factor.get_kind_display()} » est enregistré.")
                return redirect("devices:settings")
    return render(
        request,
        "devices/settings.html",
        {
            "rules_form": rules_form,
            "factor_forms": list(zip(factors, factor_forms, strict=True)),
            "breadcrumbs": [("Impact du reconditionnement", reverse("devices:impact"))],
        },
    )


def work_logs(request):
    _require(permissions.can_log_work, request.user)
    workshops = _workshops(request.user)
    form = forms.WorkLogForm(request.POST or None)
    choice = forms.WorkshopChoiceForm(request.POST or None, workshops=workshops) if len(workshops) > 1 else None
    if request.method == "POST" and form.is_valid() and (choice is None or choice.is_valid()):
        workshop = choice.cleaned_data["workshop"] if choice else workshops[0]
        try:
            services.log_work(acting_user=request.user, workshop=workshop, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Les heures sont enregistrées.")
            return redirect("devices:work_logs")
    logs = WorkLog.objects.filter(workshop__in=workshops).select_related("workshop")
    page = paginate(request, logs, per_page=25)
    return render(
        request,
        "devices/work_logs.html",
        {"form": form, "choice": choice, "page": page, "breadcrumbs": _stock_crumbs()},
    )
