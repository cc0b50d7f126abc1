"""Exporting the published places in the standard: CSV and JSON as streams of text chunks (for
`StreamingHttpResponse` and for files), and the recommended file name. See docs/adr/007 for the divergences."""

import csv
import json
import re
import unicodedata

from django.conf import settings
from django.utils import timezone

from places.models import Place
from places.standard import COLUMNS, place_to_json, place_to_row

CHUNK_SIZE = 2000


def exported_places():
    """What the open data holds: the published places, in a stable order."""
    return Place.objects.published().order_by("pk")


class _Line:
    """A file-like object whose `write` returns what it was given (csv.writer → one string per row)."""

    def write(self, value):
        return value


def iter_csv(queryset=None):
    """The CSV export, row by row (header first): comma separator, UTF-8, the 32 columns in the schema's order."""
    queryset = exported_places() if queryset is None else queryset
    writer = csv.DictWriter(_Line(), fieldnames=COLUMNS, lineterminator="\r\n")
    yield writer.writeheader()
    for place in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield writer.writerow(place_to_row(place))


def iter_json(queryset=None):
    """The JSON export: a list of the standard's flat objects, one per line."""
    queryset = exported_places() if queryset is None else queryset
    first = True
    yield "["
    for place in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield ("\n" if first else ",\n") + json.dumps(place_to_json(place), ensure_ascii=False)
        first = False
    yield "\n]\n"


def buffered(chunks, size=64 * 1024):
    """Groups small text chunks into ~64 KB blocks of UTF-8 bytes (fewer writes on the socket)."""
    buffer, length = [], 0
    for chunk in chunks:
        buffer.append(chunk)
        length += len(chunk)
        if length >= size:
            yield "".join(buffer).encode("utf-8")
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer).encode("utf-8")


def ascii_slug(text, *, camel=False):
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", text)
    if camel:
        return "".join(word[:1].upper() + word[1:] for word in words)
    return "-".join(word.lower() for word in words)


def producer_id():
    """The producer in the recommended file name: the operator's SIRET (setting PLATFORM_OPERATOR_SIRET), else a
    slug of the operator's name."""
    siret = getattr(settings, "PLATFORM_OPERATOR_SIRET", "") or ""
    return siret.replace(" ", "") or ascii_slug(settings.PLATFORM_OPERATOR) or "producteur"


def territory_name():
    from geo.models import Departement

    departement = Departement.objects.filter(pk=settings.PLATFORM_DEPARTEMENT).first()
    if departement is None:
        return f"Departement{settings.PLATFORM_DEPARTEMENT}"
    return ascii_slug(departement.name, camel=True)


def file_name(extension, *, kind="lieux-de-mediation-numerique"):
    """`YYYY-MM-DD_<producteur>_lieux-de-mediation-numerique_<territoire>.<extension>` (standards.md §1.2)."""
    return f"{timezone.localdate():%Y-%m-%d}_{producer_id()}_{kind}_{territory_name()}.{extension}"
