"""Coverage of the territory: for each commune of the served département, the straight-line distance from its
point (town hall) to the nearest published place of the network, its population and, when imported, its indice
de fragilité numérique. Communes far from any place and fragile come first: where to send an itinerant mediator.

The nearest place: published places with a point inside the département's bounding box widened by
`SEARCH_MARGIN` degrees (one query on the (status, latitude, longitude) index), put in a grid of `CELL` degree
cells; each commune looks in the rings of cells around its own until no closer place can exist. A few hundred
communes × tens of thousands of places take a few tens of milliseconds.
"""

import hashlib
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max

from dashboards.models import IFNScore
from geo.distance import distance_km
from geo.models import Commune

CELL = 0.1  # degrees
SEARCH_MARGIN = 0.6  # degrees (about 50 to 65 km)
CACHE_SECONDS = 600

# (upper bound in km, label, colour); the last class has no upper bound. Colours: ColorBrewer YlOrRd (readable by
# colour-blind people, printed in grey levels), always with the legend and the table.
DISTANCE_CLASSES = [
    (5, "moins de 5 km", "#ffffb2"),
    (10, "de 5 à 10 km", "#fecc5c"),
    (15, "de 10 à 15 km", "#fd8d3c"),
    (20, "de 15 à 20 km", "#f03b20"),
    (None, "20 km ou plus", "#bd0026"),
]
NO_PLACE = (len(DISTANCE_CLASSES), "aucun lieu à moins de 45 km", "#6b6b6b")  # the search reaches 45 km at least


def distance_class(km):
    """(index, label, colour) of a distance; the « no place » class for None.

    >>> [distance_class(km)[0] for km in (0, 4.9, 5, 14, 25, None)]
    [0, 0, 1, 2, 4, 5]
    """
    if km is None:
        return NO_PLACE
    for index, (upper, label, colour) in enumerate(DISTANCE_CLASSES):
        if upper is None or km < upper:
            return index, label, colour
    raise AssertionError("unreachable")


@dataclass
class CommuneCoverage:
    insee_code: str
    name: str
    epci: str
    population: int
    latitude: float | None
    longitude: float | None
    distance_km: float | None
    ifn: float | None
    epci_code: str = ""

    @property
    def distance_class(self):
        return distance_class(self.distance_km)

    @property
    def priority(self):
        """Sort key of « far and fragile first »: distance class, then fragility, then distance, then population."""
        return (
            -self.distance_class[0],
            -(self.ifn if self.ifn is not None else -1e9),
            -(self.distance_km if self.distance_km is not None else 1e9),
            -self.population,
            self.name,
        )


class PlaceGrid:
    def __init__(self, points):
        self.cells = {}
        for latitude, longitude in points:
            key = (math.floor(latitude / CELL), math.floor(longitude / CELL))
            self.cells.setdefault(key, []).append((latitude, longitude))

    def nearest_km(self, point, max_rings=int(SEARCH_MARGIN / CELL) + 1):
        """Distance in km to the nearest point, or None when none lies within `max_rings` cells."""
        if not self.cells or point is None:
            return None
        row, column = math.floor(point[0] / CELL), math.floor(point[1] / CELL)
        best = None
        # One ring of cells is at least CELL degrees of latitude away (~11 km) but less in longitude: the cos of
        # the latitude gives the shortest km for one cell.
        ring_km = CELL * 111.0 * math.cos(math.radians(min(abs(point[0]) + CELL, 89)))
        for ring in range(max_rings + 1):
            if best is not None and best <= (ring - 1) * ring_km:
                break
            for r in range(row - ring, row + ring + 1):
                for c in range(column - ring, column + ring + 1):
                    if max(abs(r - row), abs(c - column)) != ring:
                        continue
                    for other in self.cells.get((r, c), ()):
                        km = distance_km(point, other)
                        if best is None or km < best:
                            best = km
        return best


def place_points(bounds):
    from places.models import Place

    south, north, west, east = bounds
    return list(
        Place.objects.published()
        .filter(
            latitude__gte=south - SEARCH_MARGIN,
            latitude__lte=north + SEARCH_MARGIN,
            longitude__gte=west - SEARCH_MARGIN,
            longitude__lte=east + SEARCH_MARGIN,
        )
        .order_by()
        .values_list("latitude", "longitude")
        .distinct()
    )


def ifn_versions():
    """The imported vintages of commune-level scores (newest first), with their variant and scale."""
    return list(
        IFNScore.objects.filter(level=IFNScore.Level.COMMUNE)
        .order_by("-version", "variant")
        .values_list("version", "variant", "scale")
        .distinct()
    )


def data_stamp():
    """Changes whenever the published places or the IFN scores change: part of the cache key."""
    from places.models import Place

    places = Place.objects.published().aggregate(n=Count("pk"), last=Max("modified_at"))
    scores = IFNScore.objects.aggregate(n=Count("pk"), last=Max("imported_at"))
    return f"{places['n']}-{places['last']}-{scores['n']}-{scores['last']}"


def coverage(*, version=None, variant=IFNScore.Variant.ALL_AGES, use_cache=True):
    """Every commune of the served département as a CommuneCoverage, far and fragile first. `version`: the IFN
    vintage to show (default: the newest imported for this variant)."""
    if version is None:
        versions = [v for v, var, _scale in ifn_versions() if var == variant]
        version = versions[0] if versions else None
    stamp = f"{settings.PLATFORM_DEPARTEMENT}:{version}:{variant}:{data_stamp()}"
    key = "dashboards:coverage:" + hashlib.sha256(stamp.encode()).hexdigest()
    if use_cache:
        cached = cache.get(key)
        if cached is not None:
            return cached
    communes = list(
        Commune.objects.in_served_departement()
        .order_by("insee_code")
        .values_list("insee_code", "name", "epci__name", "population", "latitude", "longitude", "epci_id")
    )
    scores = {}
    if version is not None:
        scores = dict(
            IFNScore.objects.filter(
                level=IFNScore.Level.COMMUNE,
                version=version,
                variant=variant,
                commune__departement_id=settings.PLATFORM_DEPARTEMENT,
            ).values_list("commune_id", "score")
        )
    located = [c for c in communes if c[4] is not None and c[5] is not None]
    grid = PlaceGrid([])
    if located:
        bounds = (
            min(c[4] for c in located),
            max(c[4] for c in located),
            min(c[5] for c in located),
            max(c[5] for c in located),
        )
        grid = PlaceGrid(place_points(bounds))
    rows = []
    for insee, name, epci, population, latitude, longitude, epci_code in communes:
        point = (latitude, longitude) if latitude is not None and longitude is not None else None
        km = grid.nearest_km(point)
        score = scores.get(insee)
        rows.append(
            CommuneCoverage(
                insee_code=insee,
                name=name,
                epci=epci or "",
                population=population,
                latitude=latitude,
                longitude=longitude,
                distance_km=round(km, 1) if km is not None else None,
                ifn=float(score) if score is not None else None,
                epci_code=epci_code or "",
            )
        )
    rows.sort(key=lambda row: row.priority)
    result = {"rows": rows, "version": version, "variant": variant}
    if use_cache:
        cache.set(key, result, CACHE_SECONDS)
    return result


SORTS = {
    "priorite": ("Priorité (loin et fragile d'abord)", lambda row: row.priority),
    "nom": ("Nom", lambda row: (row.name, row.insee_code)),
    "distance": ("Distance", lambda row: (-(row.distance_km if row.distance_km is not None else 1e9), row.name)),
    "population": ("Population", lambda row: (-row.population, row.name)),
    "fragilite": ("Fragilité", lambda row: (-(row.ifn if row.ifn is not None else -1e9), row.name)),
}


def sorted_rows(rows, sort):
    return sorted(rows, key=SORTS.get(sort, SORTS["priorite"])[1])


def epci_choices(rows):
    """[(code, name)] of the EPCI of these communes, by name."""
    return sorted({(row.epci_code, row.epci) for row in rows if row.epci_code}, key=lambda choice: choice[1])


def class_counts(rows):
    """[(label, colour, communes, population)] per distance class: the map's legend."""
    counts = {}
    for row in rows:
        index, _label, _colour = row.distance_class
        communes, population = counts.get(index, (0, 0))
        counts[index] = (communes + 1, population + row.population)
    classes = [*[(label, colour) for _upper, label, colour in DISTANCE_CLASSES], (NO_PLACE[1], NO_PLACE[2])]
    return [
        {
            "label": label,
            "colour": colour,
            "communes": counts.get(i, (0, 0))[0],
            "population": counts.get(i, (0, 0))[1],
        }
        for i, (label, colour) in enumerate(classes)
    ]
