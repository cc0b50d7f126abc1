"""Possible duplicates of a person: a similar name (normalised, difflib ratio) and one more shared fact — the same
phone, the same birth year or the same commune.

Checking one person (`possible_duplicates`, the creation form and the merge page) compares names in Python among the
people sharing a fact. The coordinator's page cannot compare every pair: it blocks on keys stored on the person and
kept by the services (`duplicate_keys`), a phonetic `name_key` and the normalised `phone_key`, so the database only
returns people sharing the name key and a fact, one page at a time; the difflib rule is then checked on that page."""

import re
from difflib import SequenceMatcher

from django.db.models import Q

from geo.text import normalize_name
from people.models import Person

NAME_SIMILARITY = 0.85
# Bounds the people read for one page of the coordinator's list, however large a block of look-alikes grows.
MAX_CANDIDATES_PER_PAGE = 2000

_SOUNDS = [
    (re.compile(r"ph"), "f"),
    (re.compile(r"(qu|ck|q)"), "k"),
    (re.compile(r"c(?=[eiy])"), "s"),
    (re.compile(r"c"), "k"),
    (re.compile(r"gu(?=[eiy])"), "g"),
    (re.compile(r"(eau|au)"), "o"),
    (re.compile(r"bv"), "v"),
    (re.compile(r"h"), ""),
    (re.compile(r"y"), "i"),
    (re.compile(r"z"), "s"),
    (re.compile(r"w"), "v"),
    (re.compile(r"([a-z])\1+"), r"\1"),
    (re.compile(r"(?<=.)e?[stdx]?s?$"), ""),
]


def _name(first_name, last_name):
    return normalize_name(f"{first_name} {last_name}")


def name_key(first_name, last_name):
    """A rough French phonetic key of the whole name, spaces and hyphens ignored: « Jean-Pierre Lefèvre »,
    « Jean Pierre Lefebvre », « Jeanne Dupuy » and « Jeane Dupuis » give the same key as their look-alikes."""
    key = _name(first_name, last_name).replace(" ", "")
    for pattern, replacement in _SOUNDS:
        key = pattern.sub(replacement, key)
    return key


def normalize_phone(value):
    """« 06 12 34 56 78 », « 06.12.34.56.78 » or « +33 6 12 34 56 78 » → « +33612345678 » (as stored)."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if re.fullmatch(r"0\d{9}", digits):
        return "+33" + digits[1:]
    if digits.startswith("0033"):
        return "+" + digits[2:]
    return digits


def duplicate_keys(person):
    """Set the blocking keys of `person` from its name and phone (the services call it on every write); returns
    the names of the fields set."""
    person.name_key = name_key(person.first_name, person.last_name)
    person.phone_key = normalize_phone(person.phone)
    return ["name_key", "phone_key"]


def _fields(person_or_fields):
    if isinstance(person_or_fields, Person):
        p = person_or_fields
        return {
            "pk": p.pk,
            "first_name": p.first_name,
            "last_name": p.last_name,
            "phone": p.phone,
            "birth_year": p.birth_year,
            "commune_id": p.commune_id,
        }
    fields = dict(person_or_fields)
    commune = fields.get("commune")
    fields.setdefault("commune_id", commune.pk if commune is not None else None)
    return fields


def is_similar(fields, other):
    """Whether `other` (a Person) looks like the person described by `fields`."""
    name = _name(fields.get("first_name", ""), fields.get("last_name", ""))
    other_name = _name(other.first_name, other.last_name)
    if not name or not other_name or SequenceMatcher(None, name, other_name).ratio() < NAME_SIMILARITY:
        return False
    phone = normalize_phone(fields.get("phone"))
    return bool(
        (phone and phone == normalize_phone(other.phone))
        or (fields.get("birth_year") and fields.get("birth_year") == other.birth_year)
        or (fields.get("commune_id") and fields.get("commune_id") == other.commune_id)
    )


def possible_duplicates(person_or_fields, *, queryset=None):
    """The active people who may be the same as `person_or_fields` (a Person, or a dict of its form fields).
    The database narrows to people sharing the phone, the birth year or the commune; names are compared in Python."""
    fields = _fields(person_or_fields)
    queryset = Person.objects.active() if queryset is None else queryset
    shared = Q()
    if fields.get("phone"):
        shared |= Q(phone=normalize_phone(fields["phone"]))
    if fields.get("birth_year"):
        shared |= Q(birth_year=fields["birth_year"])
    if fields.get("commune_id"):
        shared |= Q(commune_id=fields["commune_id"])
    if not shared:
        return []
    candidates = queryset.filter(shared)
    if fields.get("pk"):
        candidates = candidates.exclude(pk=fields["pk"])
    return [other for other in candidates.select_related("commune") if is_similar(fields, other)]


def duplicate_pairs(people=None, *, among=None, limit=100):
    """(person, [possible duplicates]) for the coordinator's review, each pair once (the older record first).
    `people` is one page of `among.having_possible_duplicate()` (by default the first `limit` active people
    concerned); one query reads their look-alikes, whatever the number of people recorded."""
    among = Person.objects.active() if among is None else among
    if people is None:
        people = among.having_possible_duplicate().select_related("commune").order_by("pk")[:limit]
    people = list(people)
    if not people:
        return []
    candidates = (
        among.filter(name_key__in={person.name_key for person in people}, pk__gt=min(p.pk for p in people))
        .select_related("commune")
        .order_by("name_key", "pk")[:MAX_CANDIDATES_PER_PAGE]
    )
    by_key = {}
    for candidate in candidates:
        by_key.setdefault(candidate.name_key, []).append(candidate)
    pairs = []
    for person in people:
        fields = _fields(person)
        others = [o for o in by_key.get(person.name_key, []) if o.pk > person.pk and is_similar(fields, o)]
        if others:
            pairs.append((person, others))
    return pairs
