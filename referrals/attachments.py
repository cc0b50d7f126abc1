"""Documents joined to a referral. Rules: only those who may write in the referral's thread add one, only while the
referral is open, at most `MAX_ATTACHMENTS` per referral, `settings.REFERRAL_ATTACHMENT_MAX_MB` at most, and only
PDF, JPEG or PNG — recognised by the file's first bytes, never by its name or the browser's word. The file is stored
under a random name with the extension of its real type. `purge_attachment` deletes the file and keeps the row."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.history import record
from core.uploads import check_upload, save_with_file
from referrals.models import Referral, ReferralAttachment
from referrals.permissions import can_comment

MAX_ATTACHMENTS = 5


@transaction.atomic
def add_attachment(referral, *, acting_user, uploaded_file):
    """Check then store `uploaded_file` on `referral`; a history row names the file. Returns the attachment."""
    referral = Referral.objects.select_for_update(of=("self",)).select_related("target_place").get(pk=referral.pk)
    if not can_comment(acting_user, referral):
        raise PermissionDenied
    if not referral.is_open:
        raise ValidationError(
            "Cette orientation est « %(status)s » : on ne peut plus y joindre de fichier.",
            code="closed",
            params={"status": referral.get_status_display().lower()},
        )
    if referral.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(f"Une orientation compte au plus {MAX_ATTACHMENTS} pièces jointes.", code="too_many")
    name, content_type, extension = check_upload(uploaded_file, max_mb=settings.REFERRAL_ATTACHMENT_MAX_MB)
    attachment = ReferralAttachment(
        referral=referral,
        original_name=name,
        content_type=content_type,
        size=uploaded_file.size,
        uploaded_by=acting_user,
    )
    return save_with_file(
        attachment,
        uploaded_file,
        f"piece-jointe{extension}",
        after_save=lambda: record(
            referral, "referral_attachment_added", acting_user=acting_user, changes={"pièce jointe": name}
        ),
    )


@transaction.atomic
def purge_attachment(attachment, *, acting_user=None):
    """Delete the attachment's file (the row stays, with `purged_at`, for the history). Doing it twice does
    nothing. `acting_user=None` is the timer. Returns the attachment."""
    attachment = ReferralAttachment.objects.select_for_update().select_related("referral").get(pk=attachment.pk)
    if attachment.purged_at is not None:
        return attachment
    name = attachment.file.name
    attachment.purged_at = timezone.now()
    attachment.file = ""
    attachment.save(update_fields=["purged_at", "file"])
    record(
        attachment.referral,
        "referral_attachment_purged",
        acting_user=acting_user,
        changes={"pièce jointe": attachment.original_name},
    )
    if name:
        attachment.file.storage.delete(name)
    return attachment
