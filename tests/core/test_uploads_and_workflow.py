"""The shared upload checks and workflow table that the modules build on."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from core import uploads
from core.workflow import Workflow


def upload(content, name="piece.pdf"):
    return SimpleUploadedFile(name, content)


def test_the_type_is_read_from_the_first_bytes_not_from_the_name():
    assert uploads.check_upload(upload(b"%PDF-1.7\n..."), max_mb=1) == ("piece.pdf", "application/pdf", ".pdf")
    assert uploads.check_upload(upload(b"\x89PNG\r\n\x1a\n..", "photo.pdf"), max_mb=1)[1:] == ("image/png", ".png")
    with pytest.raises(ValidationError, match="Seuls les PDF, JPEG et PNG sont acceptés."):
        uploads.check_upload(upload(b"MZ\x90\x00 not a pdf"), max_mb=1)
    with pytest.raises(ValidationError, match="Seuls les JPEG et PNG sont acceptés."):
        uploads.check_upload(upload(b"%PDF-1.7"), max_mb=1, accepted=uploads.IMAGES)


def test_empty_and_too_big_files_are_named_in_the_refusal():
    with pytest.raises(ValidationError, match="« vide.pdf » est vide"):
        uploads.check_upload(upload(b"", "vide.pdf"), max_mb=1)
    with pytest.raises(ValidationError, match="« gros.pdf » dépasse 1 Mo"):
        uploads.check_upload(upload(b"%PDF-" + b"0" * (1024 * 1024), "gros.pdf"), max_mb=1)


class Light(models.TextChoices):
    OFF = "off", "Éteint"
    ON = "on", "Allumé"
    BROKEN = "broken", "En panne"


class LightWorkflow(Workflow):
    STATUS = Light
    SUBJECT = "Un voyant"
    TRANSITIONS = {
        (Light.OFF, Light.ON): "light_on",
        (Light.ON, Light.OFF): "light_off",
        (Light.ON, Light.BROKEN): "x",
    }


def test_the_table_says_what_is_allowed_and_refuses_the_rest_in_french():
    assert LightWorkflow.can_go(Light.OFF, Light.ON) and not LightWorkflow.can_go(Light.OFF, Light.BROKEN)
    assert LightWorkflow.targets(Light.ON) == [Light.OFF, Light.BROKEN]
    assert LightWorkflow.action(Light.OFF, Light.ON) == "light_on"
    with pytest.raises(ValidationError) as refused:
        LightWorkflow.action(Light.BROKEN, Light.ON)
    assert refused.value.messages == ["Un voyant « En panne » ne peut pas passer à « Allumé »."]
    assert refused.value.code == "transition"
