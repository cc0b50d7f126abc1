"""The filters of the dashboards (a GET form: the address of a dashboard is shareable and bookmarkable), the share
link form and the IFN import command's parsing lives in dashboards/ifn.py."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.expiry import ExpiryFormMixin
from dashboards import registry
from dashboards.models import SHARE_LINK_VALIDITY
from dashboards.registry import Scope
from geo.forms import CommuneField
from geo.models import Commune, Epci

MAX_DAYS = 366 * 5
EARLIEST_START = date(2000, 1, 1)  # nothing in the network is older


def latest_end(today=None):
    """The last day a period may reach: one year after today (29 February becomes the 28th)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def default_period(today=None):
    """From the first of January to today."""
    today = today or timezone.localdate()
    return date(today.year, 1, 1), today


class FilterForm(forms.Form):
    start = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    commune = CommuneField(required=False, queryset=Commune.objects.in_served_departement())
    epci = forms.ModelChoiceField(
        label="Intercommunalité (EPCI)",
        required=False,
        queryset=Epci.objects.none(),
        empty_label="Tout le département",
    )
    module = forms.ChoiceField(label="Module", required=False)

    def __init__(self, *args, organizations=None, whole_departement=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["epci"].queryset = Epci.objects.filter(
            pk__in=Commune.objects.in_served_departement().values("epci_id")
        ).order_by("name")
        self.fields["module"].choices = [("", "Tous les modules"), *registry.module_choices()]
        if organizations is not None and (len(organizations) > 1 or whole_departement):
            choices = [(str(o.pk), o.name) for o in organizations]
            if whole_departement:
                choices.insert(0, ("", "Tout le département"))
            self.fields["organisation"] = forms.ChoiceField(label="Organisation", required=False, choices=choices)

    def clean(self):
        data = super().clean()
        default_start, default_end = default_period()
        start = data.get("start") or default_start
        end = data.get("end") or default_end
        if start < EARLIEST_START:
            self.add_error("start", f"La date de début (« Du ») ne peut pas précéder le {EARLIEST_START:%d/%m/%Y}.")
        if end > latest_end():
            self.add_error("end", "La date de fin (« Au ») ne peut pas dépasser d'un an la date du jour.")
        if "start" in self.errors or "end" in self.errors:
            return data
        if start > end:
            raise ValidationError("La date de début doit précéder la date de fin.")
        if (end - start).days > MAX_DAYS:
            raise ValidationError("Choisissez une période de cinq ans au plus.")
        data["start"], data["end"] = start, end
        return data

    def communes(self):
        """INSEE codes of the chosen territory, or None for the whole département."""
        commune = self.cleaned_data.get("commune")
        if commune:
            return (commune.pk,)
        epci = self.cleaned_data.get("epci")
        if epci:
            return tuple(
                Commune.objects.in_served_departement().filter(epci=epci).order_by("pk").values_list("pk", flat=True)
            )
        return None

    def territory_label(self):
        commune = self.cleaned_data.get("commune")
        if commune:
            return commune.name
        epci = self.cleaned_data.get("epci")
        return epci.name if epci else "Tout le département"

    def scope(self, organization=None):
        return Scope(
            start=self.cleaned_data["start"],
            end=self.cleaned_data["end"],
            communes=self.communes(),
            organization=organization,
        )

    def modules(self):
        module = self.cleaned_data.get("module")
        return [module] if module else None

    def frozen(self):
        """The filters as stored by a share link (JSON)."""
        data = self.cleaned_data
        return {
            "start": data["start"].isoformat(),
            "end": data["end"].isoformat(),
            "communes": list(self.communes()) if self.communes() is not None else None,
            "territory": self.territory_label(),
            "module": data.get("module") or "",
        }


def scope_from_frozen(filters, organization):
    communes = filters.get("communes")
    return Scope(
        start=date.fromisoformat(filters["start"]),
        end=date.fromisoformat(filters["end"]),
        communes=tuple(communes) if communes is not None else None,
        organization=organization,
    )


class ShareLinkForm(ExpiryFormMixin, forms.Form):
    label = forms.CharField(
        label="Nom du lien",
        max_length=120,
        help_text="Pour vous souvenir à qui vous l'avez donné, par exemple « Comité de pilotage de juin ».",
        error_messages={
            "required": "Donnez un nom au lien (« Nom du lien »).",
            "max_length": "Le « Nom du lien » tient en %(limit_value)d caractères au plus.",
        },
    )
    expires_on = SHARE_LINK_VALIDITY.form_field(
        f"Ce jour compris ; {SHARE_LINK_VALIDITY.max_days} jours au plus. "
        f"Vide : dans {SHARE_LINK_VALIDITY.default_days} jours."
    )
    validity = SHARE_LINK_VALIDITY
