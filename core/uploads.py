"""Uploaded documents: the checks every module applies, and storing the file with its row.

Rules: an empty file is refused; a file over `max_mb` is refused; the type is read from the file's first bytes —
never from its name or from what the browser says — and must be one of `accepted` (PDF, JPEG and PNG by default).
Every refusal is a French ValidationError naming the file."""

from django.core.exceptions import ValidationError

# First bytes → (content type, extension, what a person calls it).
PDF = (b"%PDF-", ("application/pdf", ".pdf"), "PDF")
JPEG = (b"\xff\xd8\xff", ("image/jpeg", ".jpg"), "JPEG")
PNG = (b"\x89PNG\r\n\x1a\n", ("image/png", ".png"), "PNG")
DOCUMENTS = (PDF, JPEG, PNG)
IMAGES = (JPEG, PNG)


def sniff_type(uploaded_file, accepted=DOCUMENTS):
    """(content type, extension) read from the file's first bytes, or None when it is none of `accepted`."""
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    return next((found for magic, found, _name in accepted if head.startswith(magic)), None)


def check_upload(uploaded_file, *, max_mb, accepted=DOCUMENTS):
    """Check `uploaded_file`; returns (name, content type, extension)."""
    name = (uploaded_file.name or "fichier")[:255]
    if not uploaded_file.size:
        raise ValidationError(f"Le fichier « {name} » est vide.", code="empty")
    if uploaded_file.size > max_mb * 1024 * 1024:
        raise ValidationError(f"Le fichier « {name} » dépasse {max_mb} Mo.", code="too_big")
    found = sniff_type(uploaded_file, accepted)
    if found is None:
        names = [kind for _magic, _found, kind in accepted]
        listed = ", ".join(names[:-1]) + f" et {names[-1]}" if len(names) > 1 else names[0]
        raise ValidationError(f"Seuls les {listed} sont acceptés.", code="type")
    return (name, *found)


def save_with_file(instance, uploaded_file, filename, *, after_save=None):
    """Store `uploaded_file` in `instance.file` under `filename`, save the row (and call `after_save`); when the
    row cannot be saved, the file just written is deleted."""
    instance.file.save(filename, uploaded_file, save=False)
    try:
        instance.save()
        if after_save:
            after_save()
    except Exception:
        instance.file.delete(save=False)
        raise
    return instance
