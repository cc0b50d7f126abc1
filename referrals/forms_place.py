"""Forms of the place's side: inbox filters and the answers (accept, decline, appointment, close, transfer).
Validation is server-side, in French, naming the field; the services check the rules again."""

import datetime
from datetime import timedelta

from django import forms
from django.utils import timezone

from places.models import Place
from referrals.models import COOP_THEMES, Referral

S = Referral.Status
OPEN = "open"
ALL = "all"

APPOINTMENT_MAX_DAYS = 365


class InboxFilterForm(forms.Form):
    """GET filters of a place's inbox. An unknown value falls back to the default (the open referrals)."""

    status = forms.ChoiceField(
        label="Statut",
        required=False,
        choices=[
            (OPEN, "À traiter (envoyées, en examen, acceptées, en cours)"),
            *S.choices,
            (ALL, "Tous les statuts"),
        ],
    )
    urgency = forms.ChoiceField(label="Urgence", required=False, choices=[("", "Toutes"), *Referral.Urgency.choices])

    def filters(self):
        """(status, urgency) to apply: (OPEN, "") when the form is empty or wrong."""
        if not self.is_valid():
            return OPEN, ""
        return self.cleaned_data["status"] or OPEN, self.cleaned_data["urgency"]


class AcceptForm(forms.Form):
    note = forms.CharField(
        label="Message pour le prescripteur",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : « Nous appelons la personne cette semaine pour fixer un rendez-vous. »",
    )


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label="Motif du refus",
        choices=Referral.DeclineReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez un motif de refus."},
    )
    details = forms.CharField(
        label="Précisions",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire pour « Autre raison ». Le prescripteur lira ce message.",
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == Referral.DeclineReason.OTHER and not data.get("details", "").strip():
            self.add_error("details", "Précisez la raison du refus (obligatoire pour « Autre raison »).")
        return data


class AppointmentForm(forms.Form):
    """Date and time as two native inputs; the appointment is in the future and at most a year ahead."""

    date = forms.DateField(
        label="Date du rendez-vous",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la date du rendez-vous.", "invalid": "Saisissez une date valide."},
    )
    time = forms.TimeField(
        label="Heure du rendez-vous",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": "Indiquez l'heure du rendez-vous.", "invalid": "Saisissez une heure valide."},
    )

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("time"):
            moment = timezone.make_aware(datetime.datetime.combine(data["date"], data["time"]))
            now = timezone.now()
            if moment <= now:
                self.add_error("date", "Le rendez-vous doit être fixé dans le futur.")
            elif moment > now + timedelta(days=APPOINTMENT_MAX_DAYS):
                self.add_error("date", "Le rendez-vous ne peut pas être fixé plus d'un an à l'avance.")
            data["appointment_at"] = moment
        return data


class CloseForm(forms.Form):
    """The outcome, with La Coop's themes and autonomy levels."""

    sessions_count = forms.IntegerField(
        label="Nombre de séances",
        min_value=1,
        max_value=500,
        error_messages={
            "required": "Indiquez le nombre de séances.",
            "invalid": "Saisissez un nombre de séances en chiffres.",
            "min_value": "Indiquez au moins une séance.",
            "max_value": "Indiquez au plus 500 séances.",
        },
    )
    themes_covered = forms.MultipleChoiceField(
        label="Thèmes abordés",
        choices=COOP_THEMES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins un thème abordé."},
    )
    autonomy = forms.ChoiceField(
        label="Autonomie atteinte",
        choices=Referral.Autonomy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez l'autonomie atteinte par la personne."},
    )
    further_orientation = forms.CharField(
        label="Orientation vers une autre structure",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Si la personne a été orientée ailleurs ensuite : vers qui, pour quoi.",
    )


class TransferForm(forms.Form):
    """`ranked` is rank_places()'s list (place, score, reasons), the current place already left out."""

    place = forms.TypedChoiceField(
        label="Nouveau lieu",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez le lieu vers lequel transférer.",
            "invalid_choice": "Choisissez un lieu de la liste.",
        },
    )
    note = forms.CharField(
        label="Message pour le nouveau lieu et le prescripteur",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Pourquoi ce lieu convient mieux.",
    )

    def __init__(self, *args, ranked, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [
            (place.pk, f"{place} — {', '.join(reasons)}" if reasons else str(place))
            for place, _score, reasons in ranked
        ]

    def clean_place(self):
        pk = self.cleaned_data["place"]
        place = Place.objects.published().filter(pk=pk).first()
        if place is None:
            raise forms.ValidationError("Ce lieu n'est plus publié dans l'annuaire : choisissez-en un autre.")
        return place
