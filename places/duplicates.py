"""Possible duplicates of a place: in the same commune, with a similar name or address, or less than 100 m away.
A warning for the person creating a place and a flag in the moderation queue; never a refusal (two real places
may share a building)."""

from collections import defaultdict
from difflib import SequenceMatcher

from geo.distance import distance_km
from geo.text import normalize_name
from places.models import Place

NAME_SIMILARITY = 0.85
ADDRESS_SIMILARITY = 0.9
NEAR_KM = 0.1
# Words that say nothing about which place it is.
NOISE_WORDS = {"de", "du", "des", "la", "le", "les", "l", "d", "a", "au", "aux", "et"}


def match_key(text):
    """A name or address reduced to what tells places apart (for comparisons here and in the importer)."""
    return " ".join(word for word in normalize_name(text).split() if word not in NOISE_WORDS)


def _similar(a, b, threshold):
    a, b = match_key(a), match_key(b)
    return bool(a and b) and (a == b or SequenceMatcher(None, a, b).ratio() >= threshold)


def is_possible_duplicate(place, other):
    if place.insee_code != other.insee_code or (place.pk and place.pk == other.pk):
        return False
    if _similar(place.name, other.name, NAME_SIMILARITY) or _similar(place.address, other.address, ADDRESS_SIMILARITY):
        return True
    return place.point is not None and other.point is not None and distance_km(place.point, other.point) <= NEAR_KM


def possible_duplicates(place):
    """Places (not archived) that `place` (saved or not) may duplicate."""
    if not place.insee_code:
        return []
    candidates = Place.objects.exclude(status=Place.Status.ARCHIVED).filter(insee_code=place.insee_code)
    if place.pk:
        candidates = candidates.exclude(pk=place.pk)
    return [other for other in candidates if is_possible_duplicate(place, other)]


def duplicates_by_place(places):
    """{place.pk: [possible duplicates]} for several places at once (one query), e.g. the drafts to moderate."""
    places = list(places)
    codes = {place.insee_code for place in places if place.insee_code}
    by_commune = defaultdict(list)
    for other in Place.objects.exclude(status=Place.Status.ARCHIVED).filter(insee_code__in=codes):
        by_commune[other.insee_code].append(other)
    return {
        place.pk: [other for other in by_commune[place.insee_code] if is_possible_duplicate(place, other)]
        for place in places
    }
