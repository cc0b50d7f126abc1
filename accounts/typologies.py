"""The national list of structure types (data·inclusion "typologies de structures"), shipped in data/."""

import csv
from functools import cache
from pathlib import Path

TYPOLOGIES_FILE = Path(__file__).parent / "data" / "typologies-structures.tsv"


@cache
def typology_choices():
    with TYPOLOGIES_FILE.open(encoding="utf-8") as handle:
        rows = [row for row in csv.reader(handle, delimiter="\t") if len(row) >= 2]
    return [(code.strip(), label.strip()) for code, label, *_ in rows]
