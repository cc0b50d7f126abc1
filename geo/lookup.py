"""Finding communes from what a person types: a name (any case, accents, hyphens, "st"/"ste"), a postal code, an
INSEE code, or the label shown by the autocomplete ("Agen (47000)").

Name search stays fast over all communes on SQLite and PostgreSQL: a first query uses the index on `search_name`
(names starting with the first word typed), and only when it finds fewer than `limit` communes does a second query
look up the index of later words (`CommuneWord`) for names where every word typed starts a word, in any order.
"""

import math
import re

from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When

from geo.distance import distance_km
from geo.models import Commune, CommuneWord, PostalCode
from geo.text import normalize_name

INSEE_CODE_RE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$", re.IGNORECASE)
POSTAL_CODE_RE = re.compile(r"^\d{5}$")
POSTAL_CODE_PREFIX_RE = re.compile(r"^\d{2,4}$")
LABEL_RE = re.compile(r"^(?P<name>.*?\S)\s*\(\s*(?P<code>\d{5}|2[AB]\d{3})\s*\)$", re.IGNORECASE)


def prefix_q(field_name, prefix):
    """`field_name` starts with `prefix`, written so that a B-tree index on the field is used.

    SQLite's LIKE is case-insensitive and skips the index: a range on the (ASCII, lower-case) value does not.
    PostgreSQL uses the `varchar_pattern_ops` index Django creates for indexed CharFields.
    """
    if connection.vendor == "sqlite":
        return Q(**{f"{field_name}__gte": prefix, f"{field_name}__lt": prefix + "\uffff"})
    return Q(**{f"{field_name}__startswith": prefix})


def word_starts_q(word):
    """`search_name` has a word starting with `word`."""
    return Q(search_name__startswith=word) | Q(search_name__contains=" " + word)


def search_communes(queryset, text, limit=10, *, prefer_departement=None):
    """Up to `limit` communes of `queryset` matching `text`, best first (a list).

    - "47300": the communes with that postal code, most populated first, then the commune with that INSEE code;
    - "47001", "2A004": the commune with that INSEE code (after the communes with that postal code, if any);
    - "473": communes whose postal code starts with these digits;
    - "Agen (47000)": the commune of that name with that code;
    - anything else, a name: every word typed must start a word of the name (any order); exact name first, then
      names starting with the text, then by population.
    With `prefer_departement` (a code), that département's communes come first.
    """
    text = (text or "").strip()
    if not text or limit <= 0:
        return []
    if INSEE_CODE_RE.match(text):
        # Postal codes first (what people usually type), then the commune with this INSEE code.
        with_postal_code = _with_postal_code(Q(code=text))
        communes = by_code(queryset, text, with_postal_code=with_postal_code)
        return list(_ordered(communes, prefer_departement, first=Q(pk__in=with_postal_code))[:limit])
    if POSTAL_CODE_PREFIX_RE.match(text):
        communes = queryset.filter(pk__in=_with_postal_code(prefix_q("code", text)))
        return list(_ordered(communes, prefer_departement)[:limit])
    label = LABEL_RE.match(text)
    if label:
        return search_label(queryset, label["name"], label["code"], limit=limit)
    return search_names(queryset, text, limit=limit, prefer_departement=prefer_departement)


def _with_postal_code(condition):
    """INSEE codes of the communes whose postal code meets `condition`, fetched first: an `OR pk IN (subquery)`
    would make PostgreSQL scan the communes."""
    return list(PostalCode.objects.filter(condition).values_list("commune_id", flat=True).distinct())


def by_code(queryset, code, *, with_postal_code=None):
    """Communes with this INSEE code or this postal code (unordered queryset)."""
    code = code.upper()
    if with_postal_code is None:
        with_postal_code = _with_postal_code(Q(code=code))
    return queryset.filter(pk__in=[code, *with_postal_code])


def exact_name(queryset, text):
    """Communes whose normalized name is exactly the normalized `text` (unordered queryset)."""
    return queryset.filter(search_name=normalize_name(text))


def search_label(queryset, name, code, *, limit=10):
    """ "Agen (47000)": communes with this code whose name matches `name` (exactly if possible)."""
    candidates = by_code(queryset, code)
    exact = list(_ordered(exact_name(candidates, name), None)[:limit])
    return exact or search_names(candidates, name, limit=limit)


def search_names(queryset, text, *, limit=10, prefer_departement=None):
    words = normalize_name(text).split()
    if not words:
        return []
    normalized = " ".join(words)
    rank = Case(
        When(search_name=normalized, then=Value(0)),
        When(search_name__startswith=normalized, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    every_word = Q()
    for word in words[1:]:
        every_word &= word_starts_q(word)
    # 1. Indexed: names starting with the first word typed.
    first = queryset.filter(prefix_q("search_name", words[0])).filter(every_word)
    results = list(_ordered(first, prefer_departement, rank=rank)[:limit])
    if len(results) < limit:
        # 2. Indexed too: the first word typed starts a later word of the name ("sylvestre saint", "lot").
        later = CommuneWord.objects.filter(prefix_q("word", words[0])).values("commune_id")
        others = queryset.filter(every_word, pk__in=later).exclude(prefix_q("search_name", words[0]))
        results += list(_ordered(others, prefer_departement)[: limit - len(results)])
    return results


def _ordered(queryset, prefer_departement, *, rank=None, first=None):
    order = []
    if first is not None:
        order.append(Case(When(first, then=Value(0)), default=Value(1)).asc())
    if prefer_departement:
        order.append(Case(When(departement_id=prefer_departement, then=Value(0)), default=Value(1)).asc())
    if rank is not None:
        order.append(rank.asc())
    return queryset.order_by(*order, "-population", "name", "pk")


NEAREST_SEARCH_KM = (10, 40)  # square half-sides tried in turn: a commune centre is almost always within 10 km


def nearest_commune(latitude, longitude):
    """The commune whose centre (a commune with a point) is nearest to the position, or None when there is none
    within the largest square of NEAREST_SEARCH_KM (a position abroad, at sea, or a territory not loaded).

    Looks in a small square around the point first (a few hundred rows at most), then a larger
    one, and keeps the nearest by great-circle distance."""
    if latitude is None or longitude is None:
        return None
    origin = (latitude, longitude)
    for km in NEAREST_SEARCH_KM:
        lat_delta = km / 111.0
        lon_delta = km / (111.0 * max(math.cos(math.radians(latitude)), 0.01))
        candidates = Commune.objects.filter(
            latitude__range=(latitude - lat_delta, latitude + lat_delta),
            longitude__range=(longitude - lon_delta, longitude + lon_delta),
        )
        nearest = min(candidates, key=lambda commune: (distance_km(origin, commune.point), commune.pk), default=None)
        if nearest is not None:
            return nearest
    return None
