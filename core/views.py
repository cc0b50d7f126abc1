import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from core.design import PALETTE, contrast_table
from core.forms import HistoryFilterForm, StyleguideDemoForm
from core.home import doors as home_doors
from core.models import HistoryEntry
from core.pagination import paginate
from core.permissions import can_read_history

# The day the accessibility statement was last written or reviewed; change it with the statement.
ACCESSIBILITY_STATEMENT_DATE = datetime.date(2026, 11, 30)


def legal_context():
    """The operator's identity for the legal pages, all from settings so that another département can reuse them."""
    return {
        "operator_address": settings.PLATFORM_OPERATOR_ADDRESS,
        "host_name": settings.PLATFORM_HOST_NAME,
        "host_address": settings.PLATFORM_HOST_ADDRESS,
        "dpo_email": settings.PLATFORM_DPO_EMAIL,
        "platform_url": settings.PLATFORM_URL,
    }


@login_not_required
def home(request):
    return render(request, "core/home.html", {"doors": home_doors()})


@login_not_required
@never_cache
def health(request):
    """For load balancers: 200 when the database answers, 503 otherwise. Reveals nothing else."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "indisponible"}, status=503)
    return JsonResponse({"status": "ok"})


@login_not_required
def legal_notice(request):
    return render(request, "core/legal_notice.html", legal_context())


@login_not_required
def accessibility_statement(request):
    return render(
        request, "core/accessibility.html", {**legal_context(), "statement_date": ACCESSIBILITY_STATEMENT_DATE}
    )


@login_not_required
def privacy(request):
    context = {**legal_context(), "account_retention_months": settings.ACCOUNT_RETENTION_MONTHS}
    return render(request, "core/privacy.html", context)


@login_not_required
def styleguide(request):
    form = StyleguideDemoForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        form.is_valid()
    page = paginate(request, list(range(1, 96)), per_page=10)
    return render(
        request,
        "core/styleguide.html",
        {
            "form": form,
            "page": page,
            "palette": PALETTE,
            "contrasts": contrast_table(),
            "breadcrumb_links": [("Accueil", reverse("core:home"))],
        },
    )


def history(request):
    if not can_read_history(request.user):
        raise PermissionDenied
    form = HistoryFilterForm(request.GET or None)
    entries = HistoryEntry.objects.visible_to(request.user).select_related("content_type")
    if form.is_valid():
        entries = form.filter(entries)
    page = paginate(request, entries, per_page=50)
    return render(request, "core/history.html", {"form": form, "page": page})
