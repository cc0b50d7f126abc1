"""Every write on places that has rules or side effects. Keyword-only arguments, `acting_user` (None means the
system: imports, the reminder link), one history row per change, `completeness` recomputed on every save."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.history import diff, record, snapshot
from core.workflow import Workflow
from places import completeness
from places.models import ErrorReport, Place
from places.permissions import (
    can_archive_place,
    can_create_place,
    can_edit_place,
    can_handle_error_report,
    can_publish_place,
    can_set_network_flags,
    organizations_for_new_place,
)

# What a service may set (the form offers a subset). Status, dates and score are the services' business.
PLACE_FIELDS = [
    "name",
    "siret",
    "rna",
    "address",
    "address_complement",
    "postal_code",
    "commune_name",
    "insee_code",
    "commune",
    "latitude",
    "longitude",
    "typologies",
    "phone",
    "emails",
    "websites",
    "opening_hours",
    "summary",
    "description",
    "data_source",
    "parent_structure",
    "itinerance",
    "services",
    "publics",
    "specific_support",
    "fees",
    "national_programmes",
    "training_labels",
    "other_labels",
    "access_modes",
    "support_modes",
    "accessibility_url",
    "booking_url",
    "organization",
    "accepts_pass_numerique",
    "is_pass_qualified",
    "is_network_member",
    "can_relay_webinars",
    "import_source",
    "external_id",
]
NETWORK_FLAGS = ["is_pass_qualified", "is_network_member"]


class PlaceWorkflow(Workflow):
    """The allowed status changes of a place: (from, to) → history action. Anything else is refused."""

    STATUS = Place.Status
    SUBJECT = "Un lieu"
    TRANSITIONS = {
        (Place.Status.DRAFT, Place.Status.PUBLISHED): "place_published",
        (Place.Status.PUBLISHED, Place.Status.ARCHIVED): "place_archived",
        (Place.Status.ARCHIVED, Place.Status.PUBLISHED): "place_republished",
        (Place.Status.DRAFT, Place.Status.ARCHIVED): "place_archived",
    }


def _check_fields(fields):
    unknown = set(fields) - set(PLACE_FIELDS)
    if unknown:
        raise TypeError(f"Champs inconnus : {', '.join(sorted(unknown))}")


def _save(place):
    place.completeness = completeness.score(place)
    place.full_clean()
    place.save()


@transaction.atomic
def create_place(*, acting_user, status=Place.Status.DRAFT, confirmed=None, **fields):
    """Create a place. A person's new place is a draft until a coordinator publishes it; coordinators (and the
    system, `acting_user=None`) may create it published. Someone who is not a coordinator may only attach it to an
    organisation where they are mediator or organisation admin. The person who writes it vouches for it, so it
    counts as confirmed now; the system's places (imports, `acting_user=None`) are not, unless `confirmed=True`."""
    _check_fields(fields)
    if acting_user is not None:
        if not can_create_place(acting_user):
            raise PermissionDenied
        if status != Place.Status.DRAFT and not can_publish_place(acting_user, None):
            raise PermissionDenied
        organization = fields.get("organization")
        if not can_set_network_flags(acting_user):
            if (
                organization is None
                or not organizations_for_new_place(acting_user).filter(pk=organization.pk).exists()
            ):
                raise PermissionDenied
            if any(fields.get(flag) for flag in NETWORK_FLAGS):
                raise PermissionDenied
    place = Place(status=status, **fields)
    place.updated_on = timezone.localdate()
    if acting_user is not None if confirmed is None else confirmed:
        place.confirmed_at = timezone.now()
    _save(place)
    record(place, "place_created", acting_user=acting_user, changes=snapshot(place, ["status", *fields]))
    return place


@transaction.atomic
def update_place(place, *, acting_user, confirmed=True, **fields):
    """Change some fields of a place; the history row holds the difference. The network flags need a coordinator.
    A person's edit counts as a confirmation (`confirmed_at`, unless `confirmed=False`); the system's never does.
    Moving the place to another organisation needs the right to edit in both."""
    _check_fields(fields)
    if acting_user is not None:
        if not can_edit_place(acting_user, place):
            raise PermissionDenied
        changing_flags = any(flag in fields and fields[flag] != getattr(place, flag) for flag in NETWORK_FLAGS)
        if changing_flags and not can_set_network_flags(acting_user):
            raise PermissionDenied
        new_org = fields.get("organization", place.organization)
        if (
            new_org != place.organization
            and not can_set_network_flags(acting_user)
            and (new_org is None or not organizations_for_new_place(acting_user).filter(pk=new_org.pk).exists())
        ):
            raise PermissionDenied
    before = snapshot(place, PLACE_FIELDS)
    for name, value in fields.items():
        setattr(place, name, value)
    changes = diff(before, snapshot(place, PLACE_FIELDS))
    if changes:
        place.updated_on = timezone.localdate()
    if confirmed and acting_user is not None:
        place.confirmed_at = timezone.now()
    _save(place)
    if changes:
        record(place, "place_updated", acting_user=acting_user, changes=changes)
    return place


def _change_status(place, target, *, acting_user, message=""):
    action = PlaceWorkflow.action(place.status, target)
    before = place.status
    place.status = target
    place.updated_on = timezone.localdate()
    _save(place)
    record(place, action, acting_user=acting_user, changes={"status": [before, target]}, message=message)
    return place


@transaction.atomic
def publish_place(place, *, acting_user):
    """Publish a draft, or an archived place again. Coordinators only."""
    if acting_user is not None and not can_publish_place(acting_user, place):
        raise PermissionDenied
    return _change_status(place, Place.Status.PUBLISHED, acting_user=acting_user)


@transaction.atomic
def archive_place(place, *, acting_user, reason=""):
    """Take a place out of the directory (closed, moved…). Whoever may edit it."""
    if acting_user is not None and not can_archive_place(acting_user, place):
        raise PermissionDenied
    return _change_status(place, Place.Status.ARCHIVED, acting_user=acting_user, message=reason)


@transaction.atomic
def confirm_place(place, *, acting_user, message=""):
    """« Toujours exact »: the record was checked, nothing to change. Sets `confirmed_at` and the standard's
    `date_maj` (`updated_on`). `acting_user=None` is the e-mail link, whose recipient goes in `message`."""
    if acting_user is not None and not can_edit_place(acting_user, place):
        raise PermissionDenied
    place.confirmed_at = timezone.now()
    place.updated_on = timezone.localdate()
    _save(place)
    record(place, "place_confirmed", acting_user=acting_user, message=message)
    return place


@transaction.atomic
def note_reminder_sent(place, *, recipients):
    """The reminder command e-mailed the place's organisation."""
    place.last_reminder_at = timezone.now()
    place.save(update_fields=["last_reminder_at", "modified_at"])
    record(place, "place_reminder_sent", acting_user=None, message=", ".join(recipients))
    return place


@transaction.atomic
def resolve_error_report(report, *, status, acting_user):
    """Close an error report as fixed or dismissed. Whoever may edit the place; a report is handled once."""
    if status not in (ErrorReport.Status.FIXED, ErrorReport.Status.DISMISSED):
        raise ValueError(f"Statut de clôture inconnu : {status}")
    if not can_handle_error_report(acting_user, report):
        raise PermissionDenied
    report = ErrorReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ErrorReport.Status.OPEN:
        raise ValidationError("Ce signalement a déjà été traité.", code="already_handled")
    report.status = status
    report.handled_at = timezone.now()
    report.handled_by = acting_user
    report.save(update_fields=["status", "handled_at", "handled_by"])
    record(
        report.place,
        "place_error_report_fixed" if status == ErrorReport.Status.FIXED else "place_error_report_dismissed",
        acting_user=acting_user,
        changes={"signalement": [ErrorReport.Status.OPEN.value, status]},
        message=report.what_is_wrong[:500],
    )
    return report


# Fields a merge copies from the duplicate when the kept place has nothing there.
MERGE_FILLABLE_FIELDS = [
    name
    for name in PLACE_FIELDS
    if name not in {"name", "import_source", "external_id", "organization", *NETWORK_FLAGS}
]


@transaction.atomic
def merge_places(duplicate, *, into, acting_user):
    """Merge `duplicate` into `into` (the place kept): what `into` lacks is taken from `duplicate`, the open error
    reports move to `into`, and `duplicate` is archived with a link to `into`. Both histories stay and say it.
    Coordinators only."""
    from places.permissions import can_moderate_places

    if not can_moderate_places(acting_user):
        raise PermissionDenied
    duplicate, into = (
        Place.objects.select_for_update().get(pk=duplicate.pk),
        Place.objects.select_for_update().get(pk=into.pk),
    )
    if duplicate.pk == into.pk:
        raise ValidationError("Un lieu ne peut pas être fusionné avec lui-même.", code="same_place")
    if duplicate.merged_into_id or into.merged_into_id or into.status == Place.Status.ARCHIVED:
        raise ValidationError("Un de ces lieux est archivé ou déjà fusionné dans un autre.", code="already_merged")
    PlaceWorkflow.action(duplicate.status, Place.Status.ARCHIVED)  # refuses a duplicate that is already archived
    before = snapshot(into, MERGE_FILLABLE_FIELDS)
    for name in MERGE_FILLABLE_FIELDS:
        if getattr(into, name) in ("", None, []) and getattr(duplicate, name) not in ("", None, []):
            setattr(into, name, getattr(duplicate, name))
    if into.latitude is None or into.longitude is None:
        into.latitude, into.longitude = duplicate.latitude, duplicate.longitude
    into.updated_on = timezone.localdate()
    _save(into)
    moved = ErrorReport.objects.filter(place=duplicate, status=ErrorReport.Status.OPEN).update(place=into)
    record(
        into,
        "place_merged",
        acting_user=acting_user,
        changes=diff(before, snapshot(into, MERGE_FILLABLE_FIELDS)),
        message=f"Doublon « {duplicate.name} » (n° {duplicate.pk}) fusionné ; {moved} signalement(s) repris.",
    )
    status_before = duplicate.status
    duplicate.status = Place.Status.ARCHIVED
    duplicate.merged_into = into
    _save(duplicate)
    record(
        duplicate,
        "place_merged_into",
        acting_user=acting_user,
        changes={"status": [status_before, Place.Status.ARCHIVED.value], "merged_into": [None, str(into.pk)]},
        message=f"Fusionné dans « {into.name} » (n° {into.pk}).",
    )
    return into
