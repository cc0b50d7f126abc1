"""The coverage map, drawn on the server as an inline SVG: commune boundaries (geo.contours) projected from
longitude/latitude (equirectangular, longitudes shrunk by the cosine of the mean latitude, fine at the scale of a
département), each commune filled with the colour of its distance class. Communes without a boundary get a circle
at their point. The table of communes next to it is the accessible alternative."""

import math

from geo.contours import load_contours

WIDTH = 600
PADDING = 6


def _projection(bounds):
    west, south, east, north = bounds
    shrink = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * shrink, 1e-6)
    span_y = max(north - south, 1e-6)
    scale = (WIDTH - 2 * PADDING) / span_x
    height = round(span_y * scale + 2 * PADDING)

    def project(lon, lat):
        return round(PADDING + (lon - west) * shrink * scale, 1), round(PADDING + (north - lat) * scale, 1)

    return project, height


def _path(polygons, project):
    parts = []
    for polygon in polygons:
        for ring in polygon:
            points = [project(lon, lat) for lon, lat in ring]
            parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in points) + "Z")
    return "".join(parts)


def coverage_map(rows, departement_code):
    """{width, height, shapes: [{insee, name, colour, label, path | (cx, cy)}]} or None when nothing to draw."""
    contours = load_contours(departement_code)
    lons, lats = [], []
    for row in rows:
        for polygon in contours.get(row.insee_code, ()):
            for lon, lat in polygon[0]:
                lons.append(lon)
                lats.append(lat)
        if row.insee_code not in contours and row.latitude is not None:
            lons.append(row.longitude)
            lats.append(row.latitude)
    if not lons:
        return None
    project, height = _projection((min(lons), min(lats), max(lons), max(lats)))
    shapes = []
    for row in rows:
        _index, label, colour = row.distance_class
        distance = f"{row.distance_km:.1f} km".replace(".", ",") if row.distance_km is not None else label
        shape = {"insee": row.insee_code, "name": row.name, "colour": colour, "title": f"{row.name} : {distance}"}
        if row.insee_code in contours:
            shape["path"] = _path(contours[row.insee_code], project)
        elif row.latitude is not None:
            shape["cx"], shape["cy"] = project(row.longitude, row.latitude)
        else:
            continue
        shapes.append(shape)
    return {"width": WIDTH, "height": height, "shapes": shapes, "has_contours": bool(contours)}
