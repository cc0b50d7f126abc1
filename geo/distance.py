"""Straight-line distances between points given as (latitude, longitude) in degrees."""

import math

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)


def distance_km(a, b):
    """Great-circle (haversine) distance in km between two (lat, lon) points; None if either is missing.

    Agen and Villeneuve-sur-Lot town halls:
    >>> round(distance_km((44.203233, 0.615525), (44.407126, 0.703561)), 1)
    23.7
    >>> distance_km((44.2, 0.6), (44.2, 0.6))
    0.0
    >>> distance_km(None, (44.2, 0.6)) is None
    True
    """
    if a is None or b is None or None in (*a, *b):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
