from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from accounts.permissions import can_read_history
from core.forms import HistoryFilterForm, StyleguideDemoForm
from core.models import HistoryEntry
from core.pagination import paginate


@login_not_required
def home(request):
    return render(request, "core/home.html")


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
    return render(request, "core/legal_notice.html")


@login_not_required
def accessibility_statement(request):
    return render(request, "core/accessibility.html")


@login_not_required
def privacy(request):
    return render(request, "core/privacy.html")


@login_not_required
def styleguide(request):
    form = StyleguideDemoForm(request.POST or None)
    if request.method == "POST":
        form.is_valid()
    page = paginate(request, list(range(1, 96)), per_page=10)
    return render(request, "core/styleguide.html", {"form": form, "page": page})


def history(request):
    if not can_read_history(request.user):
        raise PermissionDenied
    form = HistoryFilterForm(request.GET or None)
    entries = HistoryEntry.objects.visible_to(request.user).select_related("content_type")
    if form.is_valid():
        entries = form.filter(entries)
    page = paginate(request, entries, per_page=50)
    return render(request, "core/history.html", {"form": form, "page": page})
