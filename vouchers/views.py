"""The Pass Numérique pages built so far: the place's redemption page and the monthly statements (list, CSV and
PDF downloads, building by the coordination). Views parse, check the permission, call one service and render or
redirect; a refusal from a service is shown on the form in French, nothing changed."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.pagination import paginate
from vouchers import exporting, services
from vouchers.forms import MonthForm, RedeemForm, previous_month
from vouchers.models import Redemption, Statement, euros
from vouchers.permissions import can_manage_vouchers, can_see_statements, redemption_places, works_for_a_place
from vouchers.serials import format_serial

RECENT = 10


def redeem(request):
    """« Encaisser un pass »: a mediator or admin of an organisation running a qualified place enters or scans the
    serial, says which service was delivered, and gets a clear answer. `?numero=` pre-fills the serial (QR code)."""
    if not works_for_a_place(request.user):
        raise PermissionDenied
    places = redemption_places(request.user)
    if not places.exists():
        return render(request, "vouchers/redeem.html", {"form": None, "places": []})
    form = RedeemForm(request.POST or None, places=places, initial={"serial": request.GET.get("numero", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            redemption = services.redeem_pass(
                data["serial"], acting_user=request.user, place=data["place"], service=data["service"]
            )
        except ValidationError as error:
            # The refusal goes under the field it is about; a hidden place (the user's only one) reads at the top.
            field = {"service": "service", "place_not_qualified": "place"}.get(getattr(error, "code", None), "serial")
            if field == "place" and form.fields["place"].widget.is_hidden:
                field = None
            form.add_error(field, error)
        else:
            messages.success(
                request,
                f"Pass {format_serial(data['serial'])} encaissé : {euros(redemption.amount_cents)} pour "
                f"{data['place'].name}.",
            )
            return redirect("vouchers:redeem")
    recent = (
        Redemption.objects.visible_to(request.user)
        .active()
        .filter(place__in=places)
        .select_related("place", "pass_obj")
        .order_by("-at", "-pk")[:RECENT]
    )
    return render(request, "vouchers/redeem.html", {"form": form, "recent": recent, "places": list(places)})


def statements(request):
    """The monthly statements: every place's for the coordination (which builds them), its own for a place."""
    if not can_see_statements(request.user):
        raise PermissionDenied
    items = Statement.objects.visible_to(request.user).select_related("place").order_by("-month", "place__name")
    page = paginate(request, items, per_page=50)
    return render(
        request,
        "vouchers/statements.html",
        {
            "page": page,
            "month_form": MonthForm(initial={"month": previous_month()})
            if can_manage_vouchers(request.user)
            else None,
        },
    )


@require_POST
def statements_build(request):
    """The coordination builds (or brings up to date) the statements of a month for every place."""
    if not can_manage_vouchers(request.user):
        raise PermissionDenied
    form = MonthForm(request.POST)
    if form.is_valid():
        built = services.build_statements_for_month(form.cleaned_data["month"], acting_user=request.user)
        messages.success(request, f"{len(built)} relevé(s) établi(s) ou mis à jour.")
    else:
        messages.error(request, " ".join(form.errors["month"]))
    return redirect(reverse("vouchers:statements"))


def _statement(request, pk):
    return get_object_or_404(Statement.objects.visible_to(request.user).select_related("place"), pk=pk)


def statement_csv(request, pk):
    statement = _statement(request, pk)
    response = HttpResponse(exporting.statement_csv(statement), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exporting.statement_filename(statement, "csv")}"'
    return response


def statement_pdf(request, pk):
    statement = _statement(request, pk)
    response = HttpResponse(exporting.statement_pdf(statement), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{exporting.statement_filename(statement, "pdf")}"'
    return response
