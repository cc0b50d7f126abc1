"""The public search of places (/lieux/): the form read from the URL, and the query.

Every criterion lives in the query string (French parameter names: shareable links, the back button works). A
malformed parameter never fails the page: it is dropped and `SearchForm.ignored` says so in French. Only the commune
typed by the visitor gets a field error (unknown or ambiguous name), since the visitor can fix it.

The query: published places in the square around the point (the (status, latitude, longitude) index), narrowed by
the filters in SQL, then the exact distance, the radius and the opening-hours filters in Python, sorted by distance.
One query for the places, whatever the number of results.
"""

import operator
from dataclasses import dataclass, field
from functools import reduce

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Q

from geo import lookup
from geo.distance import distance_km
from geo.forms import LISTED, CommuneField
from places import opening_hours, vocabulary
from places.fields import MultiChoiceField
from places.models import Place

RADIUS_CHOICES = [5, 10, 20, 30, 50]
DEFAULT_RADIUS = 20
PAGE_SIZE = 20
PRINT_LIMIT = 200

# Multi-valued filters: form field → (model field, URL parameter, label, vocabulary). Within a group the values are
# alternatives (« au moins un »); groups add up.
MULTI_FILTERS = {
    "services": ("services", "services", "Services", vocabulary.SERVICES),
    "publics": ("publics", "publics", "Publics spécifiquement adressés", vocabulary.PUBLICS),
    "specific_support": (
        "specific_support",
        "prise_en_charge",
        "Prise en charge spécifique",
        vocabulary.SPECIFIC_SUPPORT,
    ),
    "fees": ("fees", "frais", "Frais", vocabulary.FEES),
    "support_modes": ("support_modes", "accompagnement", "Modalités d'accompagnement", vocabulary.SUPPORT_MODES),
    "national_programmes": (
        "national_programmes",
        "dispositifs",
        "Dispositifs nationaux",
        vocabulary.NATIONAL_PROGRAMMES,
    ),
}

# Form field → URL parameter.
PARAMETERS = {
    "where": "commune",
    "latitude": "lat",
    "longitude": "lon",
    "radius": "rayon",
    "open_now": "ouvert_maintenant",
    "open_day": "jour",
    "open_half_day": "moment",
    "pass_numerique": "pass_numerique",
    "itinerant": "itinerant",
    "network_member": "reseau",
    **{name: spec[1] for name, spec in MULTI_FILTERS.items()},
}
SEARCH_PARAMETERS = frozenset(PARAMETERS.values())

DAY_CHOICES = [("", "Indifférent")] + [(str(index), name) for index, name in enumerate(opening_hours.DAY_NAMES)]
HALF_DAY_CHOICES = [("", "Toute la journée"), ("morning", "Le matin"), ("afternoon", "L'après-midi")]

# The columns a result needs (the list and the map): keeps the query light on 30,000 places.
RESULT_FIELDS = [
    "pk",
    "name",
    "address",
    "address_complement",
    "postal_code",
    "commune_name",
    "latitude",
    "longitude",
    "phone",
    "opening_hours",
    "services",
    "itinerance",
    "accepts_pass_numerique",
]


class SearchCommuneField(CommuneField):
    """A commune, or a postal code: several communes sharing a postal code is fine for a search around a point,
    which starts from the most populated of them."""

    def resolve(self, text):
        if lookup.POSTAL_CODE_RE.match(text):
            communes = lookup.search_communes(
                self.queryset, text, limit=LISTED + 1, prefer_departement=settings.PLATFORM_DEPARTEMENT
            )
            with_code = [commune for commune in communes if text in commune.postal_codes]
            if with_code:
                return with_code[0]
        return super().resolve(text)


class SearchForm(forms.Form):
    where = SearchCommuneField(
        required=False,
        prefer_served_departement=True,
        label="Commune ou code postal",
        help_text="Par exemple : Nérac ou 47600.",
    )
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    radius = forms.TypedChoiceField(
        label="Distance",
        choices=[(str(km), f"{km} km") for km in RADIUS_CHOICES],
        coerce=int,
        required=False,
        empty_value=None,
    )
    services = forms.MultipleChoiceField(required=False)
    publics = forms.MultipleChoiceField(required=False)
    specific_support = forms.MultipleChoiceField(required=False)
    fees = forms.MultipleChoiceField(required=False)
    support_modes = forms.MultipleChoiceField(required=False)
    national_programmes = forms.MultipleChoiceField(required=False)
    open_now = forms.BooleanField(label="Ouvert maintenant", required=False)
    open_day = forms.ChoiceField(label="Ouvert le", choices=DAY_CHOICES, required=False)
    open_half_day = forms.ChoiceField(label="Moment de la journée", choices=HALF_DAY_CHOICES, required=False)
    pass_numerique = forms.BooleanField(label="Accepte le Pass Numérique", required=False)
    itinerant = forms.BooleanField(label="Lieu itinérant (se déplace dans les communes)", required=False)
    network_member = forms.BooleanField(label="Membre du réseau départemental", required=False)

    def __init__(self, data=None, **kwargs):
        self.ignored = []
        if data is not None:
            data = data.copy()
            data.pop("page", None)
            data.pop("impression", None)
            self._drop_unknown_values(data)
            if not data.get(PARAMETERS["radius"]):
                data[PARAMETERS["radius"]] = str(DEFAULT_RADIUS)
        super().__init__(data, **kwargs)
        for name, (_model_field, _param, label, values) in MULTI_FILTERS.items():
            self.fields[name].label = label
            self.fields[name].choices = vocabulary.choices(values)
            self.fields[name].widget = forms.CheckboxSelectMultiple(choices=self.fields[name].choices)
        if not self.is_bound:
            self.initial.setdefault("radius", str(DEFAULT_RADIUS))

    def add_prefix(self, field_name):
        """The URL parameter of a field: French, short and stable (links are shared)."""
        return PARAMETERS.get(field_name, field_name)

    def _drop_unknown_values(self, data):
        for _model_field, param, label, values in MULTI_FILTERS.values():
            given = data.getlist(param)
            known = [value for value in given if value in values]
            for value in given:
                if value not in values:
                    self.ignored.append(f"« {label} » : la valeur « {value[:60]} » est inconnue, elle est ignorée.")
            data.setlist(param, known)

    def full_clean(self):
        """Validates, then drops every malformed criterion (with a message) except the commune, whose error is shown
        on the field."""
        super().full_clean()
        if not self.is_bound:
            return
        for name in list(self._errors):
            if name in ("where", NON_FIELD_ERRORS):
                continue
            messages = " ".join(self._errors.pop(name))
            given = str(self.data.pop(PARAMETERS[name], [""])[-1])[:20]
            if name == "radius":
                self.data[PARAMETERS["radius"]] = str(DEFAULT_RADIUS)
                self.cleaned_data["radius"] = DEFAULT_RADIUS
                proposed = ", ".join(str(km) for km in RADIUS_CHOICES[:-1]) + f" ou {RADIUS_CHOICES[-1]}"
                self.ignored.append(
                    f"La distance « {given} » n'est pas proposée ({proposed} km) : la recherche utilise "
                    f"{DEFAULT_RADIUS} km."
                )
            elif name in ("latitude", "longitude"):
                self.ignored.append("La position reçue est illisible : elle est ignorée.")
            else:
                self.ignored.append(f"« {self.fields[name].label} » : {messages} Ce critère est ignoré.")
        data = self.cleaned_data
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            data["latitude"] = data["longitude"] = None
            self.data.pop("lat", None)
            self.data.pop("lon", None)
            if "La position reçue est illisible : elle est ignorée." not in self.ignored:
                self.ignored.append("La position reçue est incomplète : elle est ignorée.")
        if data.get("open_half_day") and not data.get("open_day"):
            self.ignored.append("Choisissez aussi un jour pour le moment de la journée : ce critère est ignoré.")
            data["open_half_day"] = ""

    @property
    def ignored_messages(self):
        # Two malformed coordinates give the same message twice.
        return list(dict.fromkeys(self.ignored))

    def multi_filter_fields(self):
        return [self[name] for name in MULTI_FILTERS]

    def criteria(self):
        """The criteria to search with, or None when the form gives no place to search around."""
        if not self.is_bound:
            return None
        data = self.cleaned_data
        commune = data.get("where")
        if commune is not None and commune.point is None:
            self.ignored.append(f"La position {of_place(commune.name)} est inconnue : essayez une commune voisine.")
            return None
        if commune is not None:
            origin, origin_label = commune.point, commune.name
        elif commune is None and data.get("latitude") is not None and "where" not in self.errors:
            origin, origin_label = (data["latitude"], data["longitude"]), "votre position"
        else:
            return None
        return Criteria(
            origin=origin,
            origin_label=origin_label,
            radius=data.get("radius") or DEFAULT_RADIUS,
            multi={name: data.get(name) or [] for name in MULTI_FILTERS},
            open_now=bool(data.get("open_now")),
            open_day=int(data["open_day"]) if data.get("open_day") else None,
            open_half_day=data.get("open_half_day") or None,
            pass_numerique=bool(data.get("pass_numerique")),
            itinerant=bool(data.get("itinerant")),
            network_member=bool(data.get("network_member")),
        )


@dataclass(frozen=True)
class Criteria:
    origin: tuple
    origin_label: str
    radius: int = DEFAULT_RADIUS
    multi: dict = field(default_factory=dict)
    open_now: bool = False
    open_day: int | None = None
    open_half_day: str | None = None
    pass_numerique: bool = False
    itinerant: bool = False
    network_member: bool = False


@dataclass(frozen=True)
class Result:
    place: Place
    distance: float  # km


def matching_places(criteria):
    """The published places in the square around the origin that meet the SQL-side filters (a QuerySet)."""
    latitude, longitude = criteria.origin
    places = Place.objects.published().within_box(latitude, longitude, criteria.radius)
    for name, values in criteria.multi.items():
        if values:
            model_field = MULTI_FILTERS[name][0]
            places = places.filter(reduce(operator.or_, (Q(**MultiChoiceField.has(model_field, v)) for v in values)))
    if criteria.pass_numerique:
        places = places.filter(accepts_pass_numerique=True)
    if criteria.itinerant:
        places = places.with_value("itinerance", "Itinérant")
    if criteria.network_member:
        places = places.filter(is_network_member=True)
    return places.only(*RESULT_FIELDS).order_by()


def search(criteria, *, now=None):
    """Results (place and distance) within the radius, nearest first, as a list."""
    results = []
    open_cache = {}
    for place in matching_places(criteria):
        distance = distance_km(criteria.origin, place.point)
        if distance is None or distance > criteria.radius:
            continue
        if not _meets_hours(place.opening_hours, criteria, now, open_cache):
            continue
        results.append(Result(place, distance))
    results.sort(key=lambda result: (result.distance, result.place.name, result.place.pk))
    return results


def _meets_hours(hours, criteria, now, cache):
    """Opening-hours filters, computed once per distinct hours string (many places share theirs)."""
    if not criteria.open_now and criteria.open_day is None:
        return True
    if hours not in cache:
        ok = True
        if criteria.open_now:
            ok = opening_hours.status_at(hours, now).is_open
        if ok and criteria.open_day is not None:
            half_days = [criteria.open_half_day] if criteria.open_half_day else list(opening_hours.HALF_DAYS)
            ok = any(opening_hours.is_open_on(hours, criteria.open_day, half, when=now) for half in half_days)
        cache[hours] = ok
    return cache[hours]


def count_sentence(count, criteria):
    """« 12 lieux à moins de 20 km de Nérac », « 1 lieu … », « Aucun lieu … »."""
    if count == 0:
        head = "Aucun lieu"
    elif count == 1:
        head = "1 lieu"
    else:
        head = f"{count} lieux"
    return f"{head} à moins de {criteria.radius} km {of_place(criteria.origin_label)}"


def of_place(name):
    """« de Nérac », « d'Agen », « du Passage », « des Ormes »."""
    if name.startswith("Le "):
        return f"du {name[3:]}"
    if name.startswith("Les "):
        return f"des {name[4:]}"
    if name[:1].upper() in "AEIOUYÂÉÈÊÎÔ":
        return f"d'{name}"
    return f"de {name}"
