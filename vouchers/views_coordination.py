"""The coordination's control pages: the redemptions (list, detail, cancellation with a reason), validating and
marking paid the monthly statements, and the figures dashboard with its CSV and XLSX downloads.

The figures show aggregates only — counts, shares, delays, by organisation, place, commune and month — never a
person: partner viewers see those of the orders they sponsor or fund, or whose books their organisation holds."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.pagination import paginate
from vouchers import figures, services
from vouchers.forms import CancelRedemptionForm, FiguresFilterForm, PaymentForm, RedemptionFilterForm
from vouchers.models import Book, Order, Redemption, Statement
from vouchers.permissions import can_manage_vouchers, can_see_figures
from vouchers.serials import normalize_serial


def _require_coordination(request):
    if not can_manage_vouchers(request.user):
        raise PermissionDenied


# Redemptions ----------------------------------------------------------------------------------------------


def redemptions(request):
    """Every redemption, the newest first, filtered by serial and state."""
    _require_coordination(request)
    form = RedemptionFilterForm(request.GET or None)
    items = Redemption.objects.visible_to(request.user).select_related("place", "pass_obj", "statement")
    if form.is_valid():
        serial = normalize_serial(form.cleaned_data["serial"])
        if serial:
            items = items.filter(pass_obj__serial=serial)
        if form.cleaned_data["status"] == "active":
            items = items.active()
        elif form.cleaned_data["status"] == "cancelled":
            items = items.filter(cancelled_at__isnull=False)
    page = paginate(request, items.order_by("-at", "-pk"), per_page=50)
    return render(request, "vouchers/coordination/redemptions.html", {"form": form, "page": page})


def _redemption(request, pk):
    _require_coordination(request)
    return get_object_or_404(
        Redemption.objects.visible_to(request.user).select_related(
            "place", "pass_obj__book__order", "by", "cancelled_by", "statement"
        ),
        pk=pk,
    )


def redemption_detail(request, pk):
    """One redemption, and the cancellation form while it is active."""
    redemption = _redemption(request, pk)
    form = CancelRedemptionForm(request.POST or None)
    if request.method == "POST":
        if redemption.cancelled_at is not None:
            return redirect("vouchers:redemption_detail", pk=redemption.pk)
        if form.is_valid():
            try:
                services.cancel_redemption(redemption, acting_user=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error("reason", error)
            else:
                messages.success(request, f"Encaissement du {redemption.pass_obj} annulé : le pass peut resservir.")
                return redirect("vouchers:redemption_detail", pk=redemption.pk)
    return render(
        request,
        "vouchers/coordination/redemption_detail.html",
        {
            "redemption": redemption,
            "form": form,
            "breadcrumbs": [("Encaissements", reverse("vouchers:redemptions"))],
        },
    )


# Statements ------------------------------------------------------------------------------------------------


def _statement(request, pk):
    _require_coordination(request)
    return get_object_or_404(Statement.objects.visible_to(request.user).select_related("place"), pk=pk)


@require_POST
def statement_validate(request, pk):
    statement = _statement(request, pk)
    try:
        services.validate_statement(statement, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, f"{statement} : {' '.join(error.messages)}")
    else:
        messages.success(request, f"{statement} validé.")
    return redirect(reverse("vouchers:statements"))


@require_POST
def statement_pay(request, pk):
    statement = _statement(request, pk)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
        return redirect(reverse("vouchers:statements"))
    try:
        services.mark_statement_paid(statement, acting_user=request.user, reference=form.cleaned_data["reference"])
    except ValidationError as error:
        messages.error(request, f"{statement} : {' '.join(error.messages)}")
    else:
        messages.success(request, f"{statement} marqué payé.")
    return redirect(reverse("vouchers:statements"))


# Figures ---------------------------------------------------------------------------------------------------


def _figure_books(request):
    """(form, books): the books the user's figures count, narrowed to one order when asked."""
    if not can_see_figures(request.user):
        raise PermissionDenied
    orders = Order.objects.visible_to(request.user).order_by("-created_at", "-pk")
    form = FiguresFilterForm(request.GET or None, orders=orders)
    books = Book.objects.visible_to(request.user).filter(order__in=orders.values("pk"))
    if form.is_valid() and form.cleaned_data["order"] is not None:
        books = books.filter(order=form.cleaned_data["order"])
    return form, books


def figures_dashboard(request):
    """Books handed out, started, fully used, expired; by organisation, place, commune and month; median delay to
    the first use. Aggregates only."""
    form, books = _figure_books(request)
    total = figures.book_figures(books)
    query = request.GET.urlencode()
    return render(
        request,
        "vouchers/coordination/figures.html",
        {
            "form": form,
            "total": total,
            "median": figures.median_days_to_first_use(books),
            "by_organization": figures.by_organization(books),
            "by_place": figures.by_place(books),
            "by_commune": figures.by_commune(books),
            "by_month": figures.by_month(books),
            "query": f"?{query}" if query else "",
        },
    )


def figures_csv(request):
    _form, books = _figure_books(request)
    response = HttpResponse(figures.figures_csv(books), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="chiffres-pass-numerique.csv"'
    return response


def figures_xlsx(request):
    _form, books = _figure_books(request)
    response = HttpResponse(
        figures.figures_xlsx(books),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="chiffres-pass-numerique.xlsx"'
    return response
