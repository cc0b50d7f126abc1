"""Simplified commune boundaries shipped in geo/data/contours/<département>.geojson.gz (built by
scripts/build_territory.py, see geo/data/README.md). Reference data read from disk, never stored in the database."""

import gzip
import json
from functools import cache

from geo.loading import DATA_DIR

CONTOURS_DIR = DATA_DIR / "contours"


@cache
def load_contours(departement_code):
    """{insee code: list of polygons}, each polygon a list of rings, each ring a list of [longitude, latitude]
    (the first ring is the outer boundary). An empty dict when the file for this département does not exist."""
    path = CONTOURS_DIR / f"{departement_code}.geojson.gz"
    if not path.exists():
        return {}
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        collection = json.load(stream)
    return {feature["properties"]["insee"]: feature["geometry"]["coordinates"] for feature in collection["features"]}
