"""Public pages of the directory: the search (/lieux/), a place's page (/lieux/<pk>/) and « Signaler une erreur »."""

from urllib.parse import quote_plus

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import json_script
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from accounts.typologies import typology_choices
from places import opening_hours, reporting
from places.models import ErrorReport, Place
from places.search import PAGE_SIZE, PRINT_LIMIT, SEARCH_PARAMETERS, SearchForm, count_sentence, search

OSM_DIRECTIONS_URL = "https://www.openstreetmap.org/directions?route=%3B{lat}%2C{lon}"
OSM_SEARCH_URL = "https://www.openstreetmap.org/search?query={query}"


def format_distance(km):
    """« 650 m », « 3,2 km », « 24 km »."""
    if km < 1:
        return f"{max(10, round(km * 100) * 10)} m"
    return f"{number_format(round(km, 1), 1 if km < 10 else 0)} km"


def format_phone(phone):
    """« +33553000000 » → « 05 53 00 00 00 » (other formats are shown as stored)."""
    if phone.startswith("+33") and len(phone) == 12:
        national = "0" + phone[3:]
        return " ".join(national[i : i + 2] for i in range(0, 10, 2))
    return phone


@login_not_required
@require_GET
def search_places(request):
    """The public search: a commune (or the visitor's position), a radius and filters, all in the URL."""
    bound = any(name in request.GET for name in SEARCH_PARAMETERS)
    form = SearchForm(request.GET if bound else None)
    if bound:
        form.is_valid()  # cleans: malformed criteria are dropped (form.ignored), a bad commune shows on its field
    criteria = form.criteria()
    printing = criteria is not None and request.GET.get("impression") == "1"
    for text in form.ignored_messages:
        messages.warning(request, text)
    context = {"form": form, "criteria": criteria, "printing": printing, "searched": bound}
    if criteria is not None:
        now = timezone.now()
        results = search(criteria, now=now)
        paginator = Paginator(results, PRINT_LIMIT if printing else PAGE_SIZE)
        page = paginator.get_page(1 if printing else request.GET.get("page"))
        rows = [
            {
                "place": result.place,
                "distance": format_distance(result.distance),
                "status": opening_hours.status_at(result.place.opening_hours, now),
                "url": reverse("places:detail", args=[result.place.pk]),
                "phone": format_phone(result.place.phone),
            }
            for result in page.object_list
        ]
        context.update(
            count=len(results),
            count_sentence=count_sentence(len(results), criteria),
            page=page,
            rows=rows,
            print_query=_query_with(request, impression="1"),
            search_query=_query_with(request, impression=None),
            truncated=printing and len(results) > PRINT_LIMIT,
        )
        if settings.MAP_TILE_URL and rows and not printing:
            context["map"] = _map_context(rows)
    return render(request, "places/public/search.html", context)


def _query_with(request, **params):
    query = request.GET.copy()
    query.pop("page", None)
    for key, value in params.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


def _map_context(rows):
    return {
        "places": [
            {
                "name": row["place"].name,
                "url": row["url"],
                "lat": row["place"].latitude,
                "lon": row["place"].longitude,
                "distance": row["distance"],
            }
            for row in rows
        ],
        "tile_url": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "leaflet_js": static("vendor/leaflet/leaflet.js"),
        "leaflet_css": static("vendor/leaflet/leaflet.css"),
        "cluster_js": static("vendor/leaflet/markercluster/leaflet.markercluster.js"),
        "cluster_css": static("vendor/leaflet/markercluster/MarkerCluster.css"),
        "icon": static("vendor/leaflet/images/marker-icon.png"),
        "icon_2x": static("vendor/leaflet/images/marker-icon-2x.png"),
        "shadow": static("vendor/leaflet/images/marker-shadow.png"),
    }


class ErrorReportForm(forms.ModelForm):
    class Meta:
        model = ErrorReport
        fields = ["what_is_wrong", "suggestion", "contact"]
        labels = {
            "what_is_wrong": "Qu'est-ce qui est faux ?",
            "suggestion": "Quelle est la bonne information ?",
            "contact": "Votre e-mail ou téléphone",
        }
        help_texts = {
            "what_is_wrong": "Par exemple : les horaires du samedi, le numéro de téléphone, le lieu a fermé.",
            "suggestion": "Si vous la connaissez.",
            "contact": (
                "Seulement si vous acceptez d'être recontacté. Il n'est transmis qu'au lieu et à la coordination."
            ),
        }
        widgets = {
            "what_is_wrong": forms.Textarea(attrs={"rows": 3}),
            "suggestion": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"what_is_wrong": {"required": "Dites-nous ce qui est faux sur cette fiche."}}


def _place_for(request, pk):
    return get_object_or_404(Place.objects.visible_to(request.user).select_related("organization"), pk=pk)


@login_not_required
@require_GET
def place_detail(request, pk):
    place = _place_for(request, pk)
    return _render_detail(request, place, ErrorReportForm())


def _render_detail(request, place, report_form, status=200):
    typologies = dict(typology_choices())
    context = {
        "place": place,
        "report_form": report_form,
        "breadcrumbs": [("Accueil", reverse("core:home")), ("Trouver un lieu", reverse("places:search"))],
        "phone": format_phone(place.phone),
        "directions_url": _directions_url(place),
        "who_and_how": [
            ("Publics spécifiquement adressés", place.publics),
            ("Prise en charge spécifique", place.specific_support),
            ("Frais à charge", place.fees),
            ("Modalités d'accès", place.access_modes),
            ("Modalités d'accompagnement", place.support_modes),
            ("Itinérance", place.itinerance),
        ],
        "programmes_and_labels": [
            ("Dispositifs et programmes nationaux", place.national_programmes),
            ("Formations et labels", [*place.training_labels, *place.other_labels]),
            ("Types de structure", [typologies.get(code, code) for code in place.typologies]),
        ],
        "source": place.data_source or place.import_source or settings.PLATFORM_NAME,
        "structured_data": _structured_data(place, request),
    }
    return render(request, "places/public/detail.html", context, status=status)


def _directions_url(place):
    if place.point is not None:
        return OSM_DIRECTIONS_URL.format(lat=round(place.latitude, 6), lon=round(place.longitude, 6))
    return OSM_SEARCH_URL.format(query=quote_plus(f"{place.address}, {place.postal_code} {place.commune_name}"))


def _structured_data(place, request):
    """schema.org description of the place, as a JSON-LD data block (escaped like json_script; a data block is not
    run, so the CSP does not apply)."""
    return mark_safe(json_script(_schema_org(place, request)).replace("application/json", "application/ld+json", 1))


def _schema_org(place, request):
    data = {
        "@context": "https://schema.org",
        "@type": "LocalBusiness",
        "name": place.name,
        "url": request.build_absolute_uri(reverse("places:detail", args=[place.pk])),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": place.address,
            "postalCode": place.postal_code,
            "addressLocality": place.commune_name,
            "addressCountry": "FR",
        },
    }
    if place.summary:
        data["description"] = place.summary
    if place.phone:
        data["telephone"] = place.phone
    if place.emails:
        data["email"] = place.emails[0]
    if place.point is not None:
        data["geo"] = {"@type": "GeoCoordinates", "latitude": place.latitude, "longitude": place.longitude}
    if place.opening_hours:
        data["openingHours"] = place.opening_hours
    return data


@login_not_required
@require_POST
def report_error(request, pk):
    """« Signaler une erreur »: a report to the place's organisation and the coordinators."""
    place = _place_for(request, pk)
    form = ErrorReportForm(request.POST)
    if form.is_valid():
        try:
            reporting.report_error(place=place, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                "Merci ! Votre signalement est transmis au lieu et à la coordination départementale, "
                "qui vont vérifier la fiche.",
            )
            return redirect("places:detail", pk=place.pk)
    return _render_detail(request, place, form)
