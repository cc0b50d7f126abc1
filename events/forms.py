"""Forms of events: the calendar filters (GET), self-registration (public, with two robot traps like « être
rappelé »: a hidden field that must stay empty and a minimum fill time), registration on someone's behalf, and the
organisers' forms (series, event, session, relay site, places)."""

import datetime
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core.sms import normalize_phone
from events.models import Audience, Event, RelaySite, Series, Session
from geo.forms import CommuneField
from places.models import Place

STARTED_SALT = "events.registration.started"
MAX_FILL_SECONDS = 6 * 3600

ONLINE_CHOICES = [("", "Peu importe"), ("oui", "En ligne"), ("non", "Sur place")]
ONLINE_SEAT = "en-ligne"


def started_token(now=None):
    return signing.dumps(int(now if now is not None else time.time()), salt=STARTED_SALT)


class CalendarFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Type", choices=[("", "Tous les types"), *Event.Kind.choices], required=False)
    audience = forms.ChoiceField(
        label="Pour qui",
        choices=[("", "Tout le monde"), (Audience.PUBLIC, "Grand public"), (Audience.PROFESSIONALS, "Professionnels")],
        required=False,
    )
    commune = CommuneField(
        label="Commune", required=False, prefer_served_departement=True, help_text="Nom ou code postal."
    )
    online = forms.ChoiceField(label="En ligne ou sur place", choices=ONLINE_CHOICES, required=False)
    date_from = forms.DateField(
        label="À partir du", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label="Jusqu'au", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "La date de fin est avant la date de début.")
        return data

    def filter(self, sessions):
        """Apply the valid filters to a Session QuerySet (an invalid one is ignored and shown in error)."""
        if not self.is_bound:
            return sessions
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("kind"):
            sessions = sessions.filter(event__kind=data["kind"])
        if data.get("audience"):
            sessions = sessions.filter(event__audience__in=[data["audience"], Audience.BOTH])
        if data.get("commune"):
            code = data["commune"].pk  # the INSEE code
            relayed = RelaySite.objects.active().filter(session=OuterRef("pk"), place__insee_code=code)
            sessions = sessions.filter(Q(place__insee_code=code) | Exists(relayed))
        if data.get("online") == "oui":
            sessions = sessions.exclude(online_url="")
        elif data.get("online") == "non":
            sessions = sessions.filter(online_url="")
        if data.get("date_from"):
            start = datetime.datetime.combine(data["date_from"], datetime.time.min)
            sessions = sessions.filter(starts_at__gte=timezone.make_aware(start))
        if data.get("date_to"):
            end = datetime.datetime.combine(data["date_to"], datetime.time.max)
            sessions = sessions.filter(starts_at__lte=timezone.make_aware(end))
        return sessions


class RelayRankForm(forms.Form):
    """« Classer les lieux relais près de chez moi » (GET)."""

    pres_de = CommuneField(
        label="Votre commune", required=False, prefer_served_departement=True, help_text="Nom ou code postal."
    )


def relay_choices(session, relay_sites):
    """[(value, label)]: the relay sites (already ranked) then « en ligne » when the session has its own seats."""
    choices = []
    for site in relay_sites:
        distance = f" — à {site.distance:.0f} km" if getattr(site, "distance", None) is not None else ""
        full = " (complet : liste d'attente)" if site.free_seats <= 0 else f" ({site.free_seats} place(s) libre(s))"
        choices.append((str(site.pk), f"{site.place.name}, {site.place.commune_name}{distance}{full}"))
    if session.capacity > 0 or not relay_sites:
        label = (
            "En ligne, depuis chez moi"
            if session.online_url
            else (session.place.name if session.place else "Sur place")
        )
        choices.append((ONLINE_SEAT, label))
    return choices


class SeatChoiceMixin:
    def setup_seat(self, session, relay_sites):
        self.session = session
        self.relay_sites = {str(site.pk): site for site in relay_sites}
        if relay_sites:
            self.fields["seat"] = forms.ChoiceField(
                label="Où suivre la séance ?",
                choices=relay_choices(session, relay_sites),
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Choisissez où suivre la séance.",
                    "invalid_choice": "Choisissez un lieu de la liste.",
                },
            )

    def relay_site(self):
        value = self.cleaned_data.get("seat")
        return self.relay_sites.get(value) if value and value != ONLINE_SEAT else None


class PublicRegistrationForm(SeatChoiceMixin, forms.Form):
    first_name = forms.CharField(
        label="Votre prénom",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": "Écrivez votre prénom."},
    )
    last_name = forms.CharField(
        label="Votre nom (facultatif)",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label="Votre adresse e-mail",
        required=False,
        help_text="Pour recevoir la confirmation, le lien pour annuler et les rappels.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": "Cette adresse e-mail n'est pas complète. Exemple : nom@exemple.fr"},
    )
    phone = forms.CharField(
        label="Votre numéro de téléphone portable",
        required=False,
        max_length=30,
        help_text="Pour recevoir un rappel par SMS. Par exemple : 06 12 34 56 78.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    site_web = forms.CharField(label="Ne remplissez pas ce champ", required=False)
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, session, relay_sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_seat(session, list(relay_sites))
        if "seat" in self.fields:
            self.order_fields(["seat"])

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if not phone:
            return ""
        mobile = normalize_phone(phone)
        if mobile is None:
            raise forms.ValidationError(
                "Ce numéro n'est pas un numéro de portable français. Exemple : 06 12 34 56 78."
            )
        return mobile

    def clean(self):
        data = super().clean()
        if (
            not data.get("email")
            and not data.get("phone")
            and "email" not in self.errors
            and "phone" not in self.errors
        ):
            self.add_error(
                "email", "Donnez une adresse e-mail ou un numéro de portable, pour que nous puissions vous prévenir."
            )
        return data

    def looks_automated(self, now=None):
        if self.data.get("site_web"):
            return True
        try:
            started = signing.loads(self.data.get("started", ""), salt=STARTED_SALT)
        except signing.BadSignature:
            return True
        elapsed = (now if now is not None else time.time()) - started
        return not (settings.EVENTS_REGISTRATION_MIN_FILL_SECONDS <= elapsed <= MAX_FILL_SECONDS)


class PersonRegistrationForm(SeatChoiceMixin, forms.Form):
    """A professional registers a person for the chosen session (the relay site when the session has some)."""

    def __init__(self, *args, session, relay_sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_seat(session, list(relay_sites))


class SeriesForm(forms.ModelForm):
    class Meta:
        model = Series
        fields = ["name", "description"]


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["kind", "title", "description", "audience", "organizer", "series", "materials_url", "replay_url"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, organizers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizer"].queryset = organizers
        self.fields["organizer"].empty_label = None
        self.fields["series"].empty_label = "Aucune série"


class SessionForm(forms.ModelForm):
    starts_at = forms.DateTimeField(
        label="Début",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        error_messages={
            "required": "Indiquez la date et l'heure de début.",
            "invalid": "Date et heure au format 31/12/2026 14:00.",
        },
    )

    class Meta:
        model = Session
        fields = ["title", "starts_at", "duration_minutes", "place", "online_url", "capacity", "speakers"]
        widgets = {"speakers": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = Place.objects.published().order_by("commune_name", "name")
        self.fields["place"].empty_label = "Aucun (en ligne)"

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        unchanged = self.instance.pk and starts_at == self.instance.starts_at
        if not unchanged and starts_at <= timezone.now():
            raise forms.ValidationError("La séance doit commencer dans le futur.")
        return starts_at

    def clean(self):
        data = super().clean()
        if not data.get("place") and not data.get("online_url") and "place" not in self.errors:
            self.add_error("place", "Choisissez un lieu ou donnez un lien de connexion.")
        return data


class RelaySiteForm(forms.Form):
    place = forms.ModelChoiceField(
        label="Lieu relais",
        queryset=Place.objects.none(),
        empty_label=None,
        error_messages={"required": "Choisissez un lieu.", "invalid_choice": "Choisissez un lieu de la liste."},
    )
    capacity = forms.IntegerField(label="Places dans ce lieu", min_value=0, max_value=10000)
    host = forms.ModelChoiceField(
        label="Personne qui accueille (facultatif)",
        queryset=None,
        required=False,
        empty_label="À préciser plus tard",
        help_text="Un médiateur ou un administrateur de la structure du lieu.",
    )

    def __init__(self, *args, **kwargs):
        from accounts.models import Role, User

        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = Place.objects.published().order_by(
            "-can_relay_webinars", "commune_name", "name"
        )
        self.fields["host"].queryset = (
            User.objects.filter(is_active=True, memberships__role__in=[Role.MEDIATOR, Role.ORG_ADMIN])
            .distinct()
            .order_by("last_name", "first_name", "pk")
        )

    def clean(self):
        data = super().clean()
        place, host = data.get("place"), data.get("host")
        if place and host and not host.memberships.filter(organization_id=place.organization_id).exists():
            self.add_error("host", "Cette personne ne travaille pas dans la structure qui tient ce lieu.")
        return data


class RelayHostForm(forms.Form):
    host = forms.ModelChoiceField(
        label="Personne qui accueille",
        queryset=None,
        required=False,
        empty_label="À préciser plus tard",
        help_text="Un médiateur ou un administrateur de la structure qui tient le lieu.",
        error_messages={"invalid_choice": "Cette personne ne travaille pas dans la structure qui tient ce lieu."},
    )

    def __init__(self, *args, place, **kwargs):
        from accounts.models import Role, User

        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = (
            User.objects.filter(
                is_active=True,
                memberships__organization_id=place.organization_id,
                memberships__role__in=[Role.MEDIATOR, Role.ORG_ADMIN],
            )
            .distinct()
            .order_by("last_name", "first_name", "pk")
        )


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(
        label="Nouveau nombre de places",
        min_value=0,
        max_value=10000,
        error_messages={"min_value": "Le nombre de places ne peut pas être négatif."},
    )
    move_excess = forms.BooleanField(
        label="S'il y a trop d'inscrits, mettre les derniers inscrits en tête de la liste d'attente", required=False
    )
