"""Owners' and coordinator's pages: « Mes lieux », the edit form, the moderation queue, and the one-click
« toujours exact » link of the reminder e-mails."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.pagination import paginate
from places import completeness, services
from places.duplicates import duplicates_by_place, possible_duplicates
from places.emails import read_confirm_token
from places.forms import ArchiveForm, PlaceForm, ResolveReportForm
from places.models import ErrorReport, Place
from places.permissions import (
    can_archive_place,
    can_create_place,
    can_edit_place,
    can_edit_some_place,
    can_moderate_places,
    can_publish_place,
)


def _editable_place(request, pk):
    place = get_object_or_404(Place.objects.visible_to(request.user).select_related("organization"), pk=pk)
    if not can_edit_place(request.user, place):
        raise PermissionDenied
    return place


def _breadcrumbs():
    return [("Mes lieux", reverse("places:manage_list"))]


def manage_list(request):
    if not can_edit_some_place(request.user):
        raise PermissionDenied
    places = Place.objects.editable_by(request.user).select_related("organization").stale_first()
    page = paginate(request, places, per_page=25)
    return render(
        request,
        "places/manage/list.html",
        {
            "page": page,
            "can_create": can_create_place(request.user),
            "can_moderate": can_moderate_places(request.user),
            "stale_months": settings.PLACE_STALE_MONTHS,
        },
    )


def place_create(request):
    if not can_create_place(request.user):
        raise PermissionDenied
    form = PlaceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        place = services.create_place(acting_user=request.user, **form.service_fields())
        if can_publish_place(request.user, place):
            messages.success(request, f"Le lieu « {place.name} » est créé en brouillon. Publiez-le quand il est prêt.")
        else:
            messages.success(
                request,
                f"Le lieu « {place.name} » est créé. La coordination départementale le publiera après relecture.",
            )
        return redirect("places:manage_edit", pk=place.pk)
    return render(
        request,
        "places/manage/form.html",
        {"form": form, "place": None, "breadcrumbs": _breadcrumbs(), "current": "Ajouter un lieu"},
    )


def place_edit(request, pk):
    place = _editable_place(request, pk)
    form = PlaceForm(request.POST or None, instance=place, user=request.user)
    if request.method == "POST" and form.is_valid():
        place = Place.objects.get(pk=place.pk)
        services.update_place(place, acting_user=request.user, **form.service_fields())
        messages.success(request, "Les modifications sont enregistrées.")
        return redirect("places:manage_edit", pk=place.pk)
    if request.method == "POST":
        place = Place.objects.select_related("organization").get(pk=place.pk)  # the form changed the instance
    return render(
        request,
        "places/manage/form.html",
        {
            "form": form,
            "place": place,
            "assessment": completeness.assess(place),
            "open_reports": place.error_reports.open(),
            "can_publish": place.status != Place.Status.PUBLISHED and can_publish_place(request.user, place),
            "can_archive": place.status != Place.Status.ARCHIVED and can_archive_place(request.user, place),
            "stale_months": settings.PLACE_STALE_MONTHS,
            "breadcrumbs": _breadcrumbs(),
            "current": place.name,
        },
    )


@require_POST
def place_confirm(request, pk):
    place = _editable_place(request, pk)
    services.confirm_place(place, acting_user=request.user)
    messages.success(request, f"Merci ! « {place.name} » est confirmé comme toujours exact.")
    if request.POST.get("next") == "list":
        return redirect("places:manage_list")
    return redirect("places:manage_edit", pk=place.pk)


@require_POST
def place_publish(request, pk):
    place = _editable_place(request, pk)
    if not can_publish_place(request.user, place):
        raise PermissionDenied
    try:
        services.publish_place(place, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"« {place.name} » est publié dans l'annuaire.")
    if request.POST.get("next") == "moderation":
        return redirect("places:moderation")
    return redirect("places:manage_edit", pk=place.pk)


def place_archive(request, pk):
    place = _editable_place(request, pk)
    if not can_archive_place(request.user, place):
        raise PermissionDenied
    form = ArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.archive_place(place, acting_user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, f"« {place.name} » est archivé : il n'apparaît plus dans l'annuaire.")
        return redirect("places:manage_edit", pk=place.pk)
    return render(request, "places/manage/archive.html", {"form": form, "place": place})


RECENT_DUPLICATE_DAYS = 90
RECENT_DUPLICATE_LIMIT = 300


def moderation(request):
    if not can_moderate_places(request.user):
        raise PermissionDenied
    drafts = Place.objects.filter(status=Place.Status.DRAFT).select_related("organization").order_by("created_at")
    shown_drafts = list(drafts[:100])
    duplicates = duplicates_by_place(shown_drafts)
    for draft in shown_drafts:
        draft.possible_duplicates = duplicates[draft.pk]
    # Published places created lately (by hand or by an import) that look like another place.
    recent = list(
        Place.objects.published()
        .filter(created_at__gte=timezone.now() - timedelta(days=RECENT_DUPLICATE_DAYS))
        .order_by("-created_at")[:RECENT_DUPLICATE_LIMIT]
    )
    recent_duplicates = duplicates_by_place(recent)
    suspected = [place for place in recent if recent_duplicates[place.pk]]
    for place in suspected:
        place.possible_duplicates = recent_duplicates[place.pk]
    reports = ErrorReport.objects.open().select_related("place").order_by("created_at")
    stale = Place.objects.published().stale().select_related("organization").stale_first()
    return render(
        request,
        "places/manage/moderation.html",
        {
            "drafts": shown_drafts,
            "suspected_duplicates": suspected,
            "recent_duplicate_days": RECENT_DUPLICATE_DAYS,
            "draft_count": drafts.count(),
            "reports": reports[:100],
            "report_count": reports.count(),
            "page": paginate(request, stale, per_page=25),
            "stale_months": settings.PLACE_STALE_MONTHS,
        },
    )


@require_POST
def report_resolve(request, pk):
    report = get_object_or_404(ErrorReport.objects.visible_to(request.user).select_related("place"), pk=pk)
    form = ResolveReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez « Corrigé » ou « Sans suite ».")
    else:
        try:
            services.resolve_error_report(report, status=form.cleaned_data["status"], acting_user=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, f"Le signalement sur « {report.place.name} » est traité.")
    if request.POST.get("next") == "edit":
        return redirect("places:manage_edit", pk=report.place_id)
    return redirect("places:moderation")


# The one-click link of the reminder e-mails --------------------------------------------------------------------


@login_not_required
def confirm_by_link(request, token):
    """GET shows the place and a button (mail scanners follow links: GET changes nothing); POST confirms."""
    found = read_confirm_token(token)
    if found is None:
        return render(request, "places/manage/confirm_link_invalid.html", status=400)
    place, email = found
    if request.method == "POST":
        services.confirm_place(place, acting_user=None, message=f"Lien de rappel envoyé à {email}")
        return render(request, "places/manage/confirm_link_done.html", {"place": place})
    return render(request, "places/manage/confirm_link.html", {"place": place, "email": email})


# Duplicates: compare, then merge -------------------------------------------------------------------------------

COMPARED_FIELDS = [
    "name",
    "status",
    "organization",
    "address",
    "postal_code",
    "commune_name",
    "phone",
    "emails",
    "opening_hours",
    "services",
    "data_source",
    "import_source",
    "completeness",
]


def duplicates_compare(request, pk):
    """A place and the places it may duplicate, side by side, each with « keep this one » buttons."""
    if not can_moderate_places(request.user):
        raise PermissionDenied
    place = get_object_or_404(Place.objects.exclude(status=Place.Status.ARCHIVED), pk=pk)
    others = possible_duplicates(place)
    candidates = [place, *others]
    rows = [
        (
            str(Place._meta.get_field(name).verbose_name).capitalize(),
            [_shown(candidate, name) for candidate in candidates],
        )
        for name in COMPARED_FIELDS
    ]
    return render(
        request,
        "places/manage/duplicates.html",
        {"place": place, "others": others, "candidates": candidates, "rows": rows},
    )


def _shown(place, name):
    if name == "status":
        return place.get_status_display()
    if name == "completeness":
        return f"{place.completeness} %"
    value = getattr(place, name)
    if isinstance(value, list):
        return ", ".join(value) or "—"
    return str(value) if value not in ("", None) else "—"


@require_POST
def duplicates_merge(request, pk):
    """Merge place `pk` into the place given by `into` (POST)."""
    if not can_moderate_places(request.user):
        raise PermissionDenied
    duplicate = get_object_or_404(Place, pk=pk)
    try:
        into = Place.objects.get(pk=int(request.POST.get("into", "")))
    except (ValueError, Place.DoesNotExist):
        messages.error(request, "Choisissez le lieu à garder.")
        return redirect("places:duplicates_compare", pk=pk)
    try:
        services.merge_places(duplicate, into=into, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("places:moderation")
    messages.success(
        request, f"« {duplicate.name} » est fusionné dans « {into.name} » : il est archivé, son historique est gardé."
    )
    return redirect("places:manage_edit", pk=into.pk)
