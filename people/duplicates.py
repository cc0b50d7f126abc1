"""Possible duplicates of a person: a similar name (normalised, difflib ratio) and one more shared fact — the same
phone, the same birth year or the same commune."""

import re
from difflib import SequenceMatcher

from django.db.models import Q

from geo.text import normalize_name
from people.models import Person

NAME_SIMILARITY = 0.85


def _name(first_name, last_name):
    return normalize_name(f"{first_name} {last_name}")


def normalize_phone(value):
    """« 06 12 34 56 78 », « 06.12.34.56.78 » or « +33 6 12 34 56 78 » → « +33612345678 » (as stored)."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if re.fullmatch(r"0\d{9}", digits):
        return "+33" + digits[1:]
    if digits.startswith("0033"):
        return "+" + digits[2:]
    return digits


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


def duplicate_pairs(*, limit=100):
    """(person, [possible duplicates]) for the coordinator's review, each pair once (the older record first).
    One query: people are grouped by phone, birth year and commune, and names compared inside each group."""
    people = list(Person.objects.active().select_related("commune").order_by("pk"))
    groups = {}
    for person in people:
        keys = [("phone", normalize_phone(person.phone)), ("year", person.birth_year), ("commune", person.commune_id)]
        for key in keys:
            if key[1]:
                groups.setdefault(key, []).append(person)
    matches = {}
    for members in groups.values():
        for index, person in enumerate(members):
            fields = _fields(person)
            for other in members[index + 1 :]:
                if is_similar(fields, other):
                    matches.setdefault(person, {})[other.pk] = other
    pairs = [(person, sorted(others.values(), key=lambda o: o.pk)) for person, others in matches.items()]
    return sorted(pairs, key=lambda pair: pair[0].pk)[:limit]
