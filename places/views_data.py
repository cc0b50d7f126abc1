"""Open data (the published places in the standard, public) and the coordinators' import page."""

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from accounts.permissions import sees_whole_departement
from places import data_inclusion, exporting
from places.importing import format_error
from places.models import PlaceImport
from places.tasks import run_place_import

MAX_UPLOAD_BYTES = 50 * 1024 * 1024

# Open data -----------------------------------------------------------------------------------------------------


def _download(chunks, *, content_type, filename):
    response = StreamingHttpResponse(exporting.buffered(chunks), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_not_required
@require_GET
def open_data_csv(request):
    """The published places in the standard (CSV), streamed."""
    return _download(exporting.iter_csv(), content_type="text/csv; charset=utf-8", filename=exporting.file_name("csv"))


@login_not_required
@require_GET
def open_data_json(request):
    """The published places in the standard (JSON), streamed."""
    return _download(
        exporting.iter_json(), content_type="application/json; charset=utf-8", filename=exporting.file_name("json")
    )


@login_not_required
@require_GET
def open_data_data_inclusion(request):
    """The published places as data·inclusion v1 structures and services (JSON), streamed."""
    return _download(
        data_inclusion.iter_json(),
        content_type="application/json; charset=utf-8",
        filename=exporting.file_name("json", kind="data-inclusion"),
    )


# Import (coordinators) -------------------------------------------------------------------------------------------


class PlaceImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier",
        help_text="CSV ou JSON au standard des lieux de médiation numérique (v1, ou l'ancien format v0.1).",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.json,text/csv,application/json"}),
    )
    source = forms.CharField(
        label="Nom de la source",
        max_length=100,
        help_text="Par exemple « cartographie-nationale ». Les lieux sont reconnus d'un import à l'autre par leur "
        "source et leur identifiant (colonne id).",
    )
    dry_run = forms.BooleanField(
        label="Simulation : ne rien enregistrer, montrer ce qui changerait", required=False, initial=True
    )
    keep_valid_rows = forms.BooleanField(
        label="Importer les lignes valides même si d'autres sont refusées",
        required=False,
        help_text="Sinon, une seule ligne refusée et rien n'est enregistré.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".json", ".txt")):
            raise forms.ValidationError("Choisissez un fichier CSV ou JSON.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Le fichier dépasse 50 Mo.")
        return upload


def _require_coordinator(user):
    """The import is for coordinators and administrators (`sees_whole_departement`)."""
    if not sees_whole_departement(user):
        raise PermissionDenied


def import_upload(request):
    _require_coordinator(request.user)
    if request.method == "POST":
        form = PlaceImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            place_import = PlaceImport(
                source=form.cleaned_data["source"],
                filename=upload.name[:255],
                dry_run=form.cleaned_data["dry_run"],
                keep_valid_rows=form.cleaned_data["keep_valid_rows"],
                created_by=request.user,
            )
            place_import.file.save(upload.name, upload, save=False)
            place_import.save()
            transaction.on_commit(lambda: run_place_import.enqueue(place_import_id=place_import.pk))
            return redirect("places:import_detail", pk=place_import.pk)
    else:
        form = PlaceImportForm()
    recent = PlaceImport.objects.select_related("created_by")[:10]
    return render(request, "places/data/import_form.html", {"form": form, "recent": recent})


def import_detail(request, pk):
    _require_coordinator(request.user)
    place_import = get_object_or_404(PlaceImport.objects.select_related("created_by"), pk=pk)
    running = place_import.status in (PlaceImport.Status.PENDING, PlaceImport.Status.RUNNING)
    entries = place_import.errors or []
    errors = [format_error(entry) for entry in entries if not entry.get("warning")]
    warnings = [format_error(entry) for entry in entries if entry.get("warning")]
    return render(
        request,
        "places/data/import_detail.html",
        {"place_import": place_import, "running": running, "errors": errors, "warnings": warnings},
    )
