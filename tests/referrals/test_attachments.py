"""Attachments: the upload checks (who, when, how many, how big, what type by the first bytes), the download through
the referral's visibility, and the purge."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import HistoryEntry
from referrals.attachments import MAX_ATTACHMENTS, add_attachment, purge_attachment
from referrals.models import ReferralAttachment
from tests.referrals.factories import ReferralFactory, place_user, prescriber_user

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def upload_url(referral):
    return reverse("referrals:attachment_upload", args=[referral.pk])


def download_url(attachment):
    return reverse("referrals:attachment", args=[attachment.referral_id, attachment.pk])


def test_a_pdf_is_stored_under_a_random_name_and_downloaded(client, log_in, media_root):
    referral = ReferralFactory()
    log_in(client, prescriber_user(referral))

    response = client.post(upload_url(referral), {"file": upload("Avis d'imposition 2025.pdf", PDF)})

    assert response.status_code == 302
    attachment = ReferralAttachment.objects.get()
    assert attachment.original_name == "Avis d'imposition 2025.pdf"
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF)
    stored = Path(attachment.file.path)
    assert stored.read_bytes() == PDF
    assert stored.is_relative_to(media_root) and "imposition" not in stored.name and stored.suffix == ".pdf"
    assert HistoryEntry.objects.filter(action="referral_attachment_added", object_id=str(referral.pk)).exists()

    download = client.get(download_url(attachment))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "Avis d" in client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()


def test_the_place_side_may_attach_too_and_the_type_comes_from_the_bytes(client, log_in):
    referral = ReferralFactory(accepted=True)
    log_in(client, place_user(referral))
    client.post(upload_url(referral), {"file": upload("photo.pdf", PNG, "application/pdf")})
    attachment = ReferralAttachment.objects.get()
    assert attachment.content_type == "image/png" and attachment.file.name.endswith(".png")


def test_a_fake_pdf_is_refused(client, log_in, media_root):
    referral = ReferralFactory()
    log_in(client, prescriber_user(referral))

    response = client.post(upload_url(referral), {"file": upload("releve.pdf", b"<html><script>alert(1)</script>")})

    assert response.status_code == 200
    assert "Fichier : Seuls les PDF, JPEG et PNG sont acceptés." in response.content.decode()
    assert not ReferralAttachment.objects.exists()
    assert not any(Path(media_root).rglob("*.*"))


def test_a_file_too_big_is_refused(client, log_in, settings):
    settings.REFERRAL_ATTACHMENT_MAX_MB = 1
    referral = ReferralFactory()
    log_in(client, prescriber_user(referral))

    response = client.post(upload_url(referral), {"file": upload("scan.pdf", PDF + b"0" * (1024 * 1024))})

    assert "Le fichier « scan.pdf » dépasse 1 Mo." in response.content.decode().replace("&#x27;", "'")
    assert not ReferralAttachment.objects.exists()


def test_no_file_is_named_in_the_error_summary(client, log_in):
    referral = ReferralFactory()
    log_in(client, prescriber_user(referral))
    response = client.post(upload_url(referral), {})
    assert "Fichier : Choisissez un fichier." in response.content.decode()


def test_at_most_five_attachments_and_only_while_open():
    referral = ReferralFactory()
    user = prescriber_user(referral)
    for number in range(MAX_ATTACHMENTS):
        add_attachment(referral, acting_user=user, uploaded_file=upload(f"piece-{number}.pdf", PDF))
    with pytest.raises(ValidationError, match="au plus 5 pièces jointes"):
        add_attachment(referral, acting_user=user, uploaded_file=upload("une-de-trop.pdf", PDF))
    closed = ReferralFactory(closed=True)
    with pytest.raises(ValidationError, match="« terminée » : on ne peut plus y joindre de fichier"):
        add_attachment(closed, acting_user=prescriber_user(closed), uploaded_file=upload("tard.pdf", PDF))
    assert ReferralAttachment.objects.count() == MAX_ATTACHMENTS


def test_someone_outside_the_referral_cannot_attach(client_for):
    referral = ReferralFactory()
    outsider = ReferralFactory()
    with pytest.raises(PermissionDenied):
        add_attachment(referral, acting_user=prescriber_user(outsider), uploaded_file=upload("a.pdf", PDF))
    viewer = client_for("partner_viewer", organization=referral.prescriber_organization)
    assert viewer.post(upload_url(referral), {"file": upload("a.pdf", PDF)}).status_code == 404
    assert not ReferralAttachment.objects.exists()


def test_download_by_another_organisation_is_404(client, log_in):
    referral = ReferralFactory()
    attachment = add_attachment(referral, acting_user=prescriber_user(referral), uploaded_file=upload("a.pdf", PDF))
    other = ReferralFactory()
    log_in(client, place_user(other))
    assert client.get(download_url(attachment)).status_code == 404
    # Nor through another referral's address.
    log_in(client, prescriber_user(other))
    assert client.get(reverse("referrals:attachment", args=[other.pk, attachment.pk])).status_code == 404


def test_purge_deletes_the_file_once_and_the_download_is_404(client, log_in):
    referral = ReferralFactory()
    user = prescriber_user(referral)
    attachment = add_attachment(referral, acting_user=user, uploaded_file=upload("a.pdf", PDF))
    stored = Path(attachment.file.path)

    purged = purge_attachment(attachment)
    again = purge_attachment(attachment)

    assert not stored.exists()
    assert purged.purged_at is not None and again.purged_at == purged.purged_at
    assert HistoryEntry.objects.filter(action="referral_attachment_purged").count() == 1
    log_in(client, user)
    assert client.get(download_url(attachment)).status_code == 404
    assert "fichier supprimé le" in client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
