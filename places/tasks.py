"""Background work of places. Tasks take plain JSON values only (the database queue stores them)."""

import logging

from django.tasks import task
from django.utils import timezone

from places.importing import import_places
from places.models import PlaceImport

logger = logging.getLogger(__name__)


@task
def run_place_import(*, place_import_id):
    """Run the import recorded in PlaceImport `place_import_id` (its stored file and options). Queued by the upload
    page in `transaction.on_commit`; the page follows `processed_rows` while it runs."""
    place_import = PlaceImport.objects.select_related("created_by").get(pk=place_import_id)
    if place_import.status not in (PlaceImport.Status.PENDING, PlaceImport.Status.RUNNING):
        return  # already run (a task may be delivered twice)
    try:
        with place_import.file.open("rb") as handle:
            data = handle.read()
        import_places(
            data,
            filename=place_import.filename,
            source=place_import.source,
            acting_user=place_import.created_by,
            dry_run=place_import.dry_run,
            keep_valid=place_import.keep_valid_rows,
            place_import=place_import,
        )
    except Exception:
        logger.exception("Échec de l'import de lieux %s", place_import_id)
        PlaceImport.objects.filter(pk=place_import_id).update(
            status=PlaceImport.Status.FAILED,
            finished_at=timezone.now(),
            errors=[{"line": None, "column": "", "message": "L'import a échoué sur une erreur technique."}],
        )
        raise
