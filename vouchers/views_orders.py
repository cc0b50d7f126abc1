"""The coordination's order pages: the list, the form (create and edit), the order with its stock figures,
generating the serials, importing the operator's file (upload → mapping → preview → confirm), allocating books to
a prescriber organisation and recording a shipment. Orders are read through `Order.objects.visible_to(user)`
(outside it: 404) and written by the coordination only (otherwise 403); every write is one service call whose
refusal is shown on the page in French, nothing changed."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import Organization
from core.pagination import paginate
from vouchers import importing, services
from vouchers.forms import AllocateForm, OrderForm, SerialMappingForm, SerialSourceForm, SerialUploadForm, ShipForm
from vouchers.models import Book, Order
from vouchers.permissions import can_manage_vouchers
from vouchers.views_stock import day_to_datetime

PREVIEW_BOOKS = 5


def _require_coordination(request):
    if not can_manage_vouchers(request.user):
        raise PermissionDenied


def _order(request, pk):
    _require_coordination(request)
    return get_object_or_404(Order.objects.visible_to(request.user).select_related("sponsor"), pk=pk)


def _crumbs(order=None):
    links = [("Commandes de Pass Numérique", reverse("vouchers:orders"))]
    if order is not None:
        links.append((order.name, reverse("vouchers:order_detail", args=[order.pk])))
    return links


def orders(request):
    """Every order, the newest first, with its books by status (one aggregated query per page)."""
    _require_coordination(request)
    S = Book.Status
    items = (
        Order.objects.visible_to(request.user)
        .select_related("sponsor")
        .annotate(
            generated=Count("books"),
            in_stock=Count("books", filter=Q(books__status=S.IN_STOCK)),
            handed_out=Count("books", filter=Q(books__status=S.HANDED_OUT)),
        )
        .order_by("-created_at", "-pk")
    )
    return render(request, "vouchers/orders/list.html", {"page": paginate(request, items, per_page=25)})


def order_create(request):
    _require_coordination(request)
    form = OrderForm(request.POST or None)
    source = SerialSourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and source.is_valid():
        try:
            order = services.create_order(
                acting_user=request.user,
                generate_serials=source.cleaned_data["generate"],
                **form.service_arguments(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Commande « {order.name} » enregistrée.")
            return redirect("vouchers:order_detail", pk=order.pk)
    return render(
        request,
        "vouchers/orders/form.html",
        {"form": form, "source": source, "title": "Nouvelle commande", "breadcrumbs": _crumbs()},
    )


def order_edit(request, pk):
    order = _order(request, pk)
    form = OrderForm(request.POST or None, order=order)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_order(order, acting_user=request.user, **form.service_arguments())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Commande mise à jour.")
            return redirect("vouchers:order_detail", pk=order.pk)
    return render(
        request,
        "vouchers/orders/form.html",
        {"form": form, "order": order, "title": "Modifier la commande", "breadcrumbs": _crumbs(order)},
    )


def _stock_figures(order):
    S = Book.Status
    totals = dict(order.books.order_by().values_list("status").annotate(n=Count("pk")))
    by_status = [(label, totals.get(value, 0)) for value, label in S.choices]
    rows = list(order.books.stock_by_organization())
    names = dict(
        Organization.objects.filter(pk__in=[row["organization_id"] for row in rows]).values_list("pk", "name")
    )
    for row in rows:
        row["name"] = names.get(row["organization_id"], "")
    rows.sort(key=lambda row: row["name"])
    return by_status, sum(totals.values()), rows


def order_detail(request, pk):
    """The order, its funders and territory, its stock by status and by organisation, its shipments, and the
    actions left (generate, import, allocate, ship)."""
    order = _order(request, pk)
    by_status, generated, by_organization = _stock_figures(order)
    shipments = order.shipments.select_related("organization").order_by("-shipped_at", "-pk")[:50]
    return render(
        request,
        "vouchers/orders/detail.html",
        {
            "order": order,
            "funders": order.funder_shares.select_related("funder"),
            "communes": order.territory_communes.order_by("name"),
            "epcis": order.territory_epcis.order_by("name"),
            "by_status": by_status,
            "generated": generated,
            "missing": max(order.book_count - generated, 0),
            "by_organization": by_organization,
            "shipments": shipments,
            "breadcrumbs": _crumbs(),
        },
    )


@require_POST
def order_generate(request, pk):
    order = _order(request, pk)
    try:
        services.generate_books(order, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{order.book_count} carnets et {order.pass_count} pass générés.")
    return redirect("vouchers:order_detail", pk=order.pk)


# Import of the operator's file ---------------------------------------------------------------------------


def _session_key(order):
    return f"voucher_import_{order.pk}"


def _stored_file(request, order):
    """(name, headers, rows) of the file uploaded for this order in this session, or None."""
    state = request.session.get(_session_key(order))
    if not state or not default_storage.exists(state["name"]):
        return None
    with default_storage.open(state["name"], "rb") as handle:
        headers, rows = importing.read_serial_file(handle.read())
    return state, headers, rows


def _forget_file(request, order):
    state = request.session.pop(_session_key(order), None)
    if state and default_storage.exists(state["name"]):
        default_storage.delete(state["name"])


def order_import(request, pk):
    """Step 1: upload the operator's CSV file (kept aside until the import is confirmed or abandoned)."""
    order = _order(request, pk)
    form = SerialUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        _forget_file(request, order)
        data = form.cleaned_data["file"].read()
        try:
            headers, _rows = importing.read_serial_file(data)
        except UnicodeDecodeError:
            headers = []
        if len(headers) < 2:
            form.add_error("file", "Le fichier doit commencer par une ligne d'en-tête d'au moins deux colonnes.")
        else:
            name = default_storage.save(f"{importing.IMPORT_DIRECTORY}/{uuid.uuid4().hex}.csv", ContentFile(data))
            request.session[_session_key(order)] = {
                "name": name,
                "filename": form.cleaned_data["file"].name[:200],
                "mapping": importing.guess_mapping(headers),
            }
            return redirect("vouchers:order_import_mapping", pk=order.pk)
    return render(
        request,
        "vouchers/orders/import_upload.html",
        {"order": order, "form": form, "breadcrumbs": _crumbs(order)},
    )


def order_import_sample(request, pk):
    """A sample file in our format, with valid check characters, to show the operator what we expect."""
    order = _order(request, pk)
    response = HttpResponse(importing.serial_file_template(order, books=2), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="exemple-numeros-pass-numerique.csv"'
    return response


def order_import_mapping(request, pk):
    """Step 2: say which column holds the book's serial, the pass's serial and the rank (guessed ones
    pre-selected)."""
    order = _order(request, pk)
    stored = _stored_file(request, order)
    if stored is None:
        messages.error(request, "Envoyez d'abord le fichier de numéros.")
        return redirect("vouchers:order_import", pk=order.pk)
    state, headers, rows = stored
    form = SerialMappingForm(request.POST or None, headers=headers, initial=state["mapping"])
    if request.method == "POST" and form.is_valid():
        state["mapping"] = form.mapping()
        request.session[_session_key(order)] = state
        return redirect("vouchers:order_import_preview", pk=order.pk)
    return render(
        request,
        "vouchers/orders/import_mapping.html",
        {
            "order": order,
            "form": form,
            "filename": state["filename"],
            "headers": headers,
            "sample": [[row.get(header, "") for header in headers] for row in rows[:3]],
            "row_count": len(rows),
            "breadcrumbs": _crumbs(order),
        },
    )


def order_import_preview(request, pk):
    """Step 3: every problem of the file with its line number, or what will be created; confirming imports it all
    (or nothing)."""
    order = _order(request, pk)
    stored = _stored_file(request, order)
    if stored is None:
        messages.error(request, "Envoyez d'abord le fichier de numéros.")
        return redirect("vouchers:order_import", pk=order.pk)
    state, headers, rows = stored
    mapping = state["mapping"]
    if request.method == "POST":
        try:
            outcome = importing.import_serials(order, rows, mapping, acting_user=request.user, headers=headers)
        except importing.SerialImportRejected as rejected:
            errors = [str(error) for error in rejected.errors[: importing.MAX_REPORTED_ERRORS]]
            layout = []
        else:
            _forget_file(request, order)
            messages.success(
                request, f"{outcome['books']} carnet(s) et {outcome['passes']} pass importés dans la commande."
            )
            return redirect("vouchers:order_detail", pk=order.pk)
    else:
        problems, layout = importing.check_rows(order, rows, mapping, headers=headers)
        errors = [str(error) for error in problems[: importing.MAX_REPORTED_ERRORS]]
        if len(problems) > importing.MAX_REPORTED_ERRORS:
            errors.append(f"… et {len(problems) - importing.MAX_REPORTED_ERRORS} autres erreurs.")
    from vouchers.serials import format_serial

    return render(
        request,
        "vouchers/orders/import_preview.html",
        {
            "order": order,
            "filename": state["filename"],
            "mapping": [(importing.FIELDS[field], column) for field, column in mapping.items()],
            "errors": errors,
            "book_total": len(layout),
            "pass_total": sum(len(passes) for _book, passes in layout),
            "preview": [
                (format_serial(book), [format_serial(serial) for serial in passes])
                for book, passes in layout[:PREVIEW_BOOKS]
            ],
            "breadcrumbs": _crumbs(order),
        },
    )


@require_POST
def order_import_cancel(request, pk):
    order = _order(request, pk)
    _forget_file(request, order)
    messages.success(request, "Import abandonné : rien n'a été enregistré.")
    return redirect("vouchers:order_detail", pk=order.pk)


# Allocation and shipment -----------------------------------------------------------------------------------


def order_allocate(request, pk):
    """The coordination takes books of the order's stock for a prescriber organisation."""
    order = _order(request, pk)
    form = AllocateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization, count = form.cleaned_data["organization"], form.cleaned_data["count"]
        try:
            services.allocate_books(order, organization=organization, count=count, acting_user=request.user)
        except ValidationError as error:
            form.add_error("count", error)
        else:
            messages.success(request, f"{count} carnet(s) attribué(s) à {organization}.")
            return redirect("vouchers:order_detail", pk=order.pk)
    in_stock = order.books.in_stock().count()
    return render(
        request,
        "vouchers/orders/allocate.html",
        {"order": order, "form": form, "in_stock": in_stock, "breadcrumbs": _crumbs(order)},
    )


def order_ship(request, pk):
    """The coordination records the shipment of allocated books: how many, when, the tracking number."""
    order = _order(request, pk)
    waiting = (
        order.books.filter(status=Book.Status.ALLOCATED)
        .order_by()
        .values("organization_id", "organization__name")
        .annotate(n=Count("pk"))
        .order_by("organization__name")
    )
    waiting = list(waiting)
    organizations = Organization.objects.filter(pk__in=[row["organization_id"] for row in waiting]).order_by("name")
    form = ShipForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            shipment = services.ship_books(
                order,
                organization=data["organization"],
                count=data["count"],
                tracking=data["tracking"],
                shipped_at=day_to_datetime(data["shipped_on"]),
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error("count", error)
        else:
            messages.success(
                request, f"Envoi de {shipment.book_count} carnet(s) à {shipment.organization} enregistré."
            )
            return redirect("vouchers:order_detail", pk=order.pk)
    return render(
        request,
        "vouchers/orders/ship.html",
        {"order": order, "form": form, "waiting": waiting, "breadcrumbs": _crumbs(order)},
    )
