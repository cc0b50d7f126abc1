"""Forms of the coordination's pages: the filters of the list of every referral, the period of the response times,
and the choice of a place for a referral sent « au réseau »."""

from django import forms

from accounts.models import Organization
from places.models import Place
from referrals.models import Referral
from referrals.reporting import DEFAULT_PERIOD, PERIOD_CHOICES


class CoordinationFilterForm(forms.Form):
    """GET filters; an invalid value is reported on its field and the list stays unfiltered on it."""

    status = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous")] + Referral.Status.choices)
    place = forms.CharField(label="Lieu", required=False, max_length=100, help_text="Nom du lieu, même partiel.")
    organization = forms.ModelChoiceField(
        label="Organisation du prescripteur",
        queryset=Organization.objects.none(),
        required=False,
        empty_label="Toutes",
    )
    urgency = forms.ChoiceField(label="Urgence", required=False, choices=[("", "Toutes")] + Referral.Urgency.choices)
    to_network = forms.BooleanField(label="« Au réseau » seulement", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        senders = Referral.objects.order_by().values("prescriber_organization_id")
        self.fields["organization"].queryset = (
            Organization.objects.filter(pk__in=senders).only("pk", "name").order_by("name", "pk")
        )

    def filter(self, referrals):
        data = self.cleaned_data
        if data.get("status"):
            referrals = referrals.filter(status=data["status"])
        if data.get("place"):
            referrals = referrals.filter(target_place__name__icontains=data["place"].strip())
        if data.get("organization"):
            referrals = referrals.filter(prescriber_organization=data["organization"])
        if data.get("urgency"):
            referrals = referrals.filter(urgency=data["urgency"])
        if data.get("to_network"):
            referrals = referrals.filter(target_place__isnull=True)
        return referrals


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label="Orientations envoyées sur", choices=PERIOD_CHOICES, initial=DEFAULT_PERIOD, required=False
    )

    def months(self):
        """The chosen number of months; the default (12) when the form is empty or wrong."""
        if self.is_bound and self.is_valid() and self.cleaned_data["period"]:
            return int(self.cleaned_data["period"])
        return int(DEFAULT_PERIOD)


class DispatchForm(forms.Form):
    """Any published place may be chosen; the page offers the ranked places and the results of a name search.
    The radio buttons are drawn by the template, each with the reasons the place fits."""

    place = forms.ModelChoiceField(
        label="Lieu",
        queryset=Place.objects.published(),
        error_messages={
            "required": "Choisissez le lieu qui recevra l'orientation.",
            "invalid_choice": "Ce lieu n'est pas publié dans l'annuaire : choisissez-en un autre.",
        },
    )


class PlaceSearchForm(forms.Form):
    q = forms.CharField(label="Chercher un lieu par son nom", required=False, max_length=100)

    def results(self, limit=20):
        query = self.cleaned_data.get("q", "").strip() if self.is_valid() else ""
        if len(query) < 2:
            return []
        return list(
            Place.objects.published()
            .filter(name__icontains=query)
            .only("pk", "name", "commune_name", "address")
            .order_by("name", "pk")[:limit]
        )
