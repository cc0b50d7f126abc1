"""Forms of the fund. Amounts are typed in euros with a decimal comma (« 1234,50 ») and read as Decimal."""

from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organization
from funding.models import (
    ApplicationDocument,
    Call,
    CoFunding,
    Funder,
    Indicator,
    Payment,
    Review,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 4})


class EurosField(forms.DecimalField):
    """Euros as typed in France: « 1 500,50 », « 1500.50 » or « 1500 € »."""

    def to_python(self, value):
        if isinstance(value, str):
            for char in (" ", "\u00a0", "\u202f", "€"):
                value = value.replace(char, "")
            value = value.replace(",", ".")
        return super().to_python(value)


def amount_field(label, *, required=True, minimum="0.00", help_text="En euros, par exemple 1500 ou 1500,50."):
    return EurosField(
        label=label,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal(minimum),
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class FunderForm(forms.Form):
    name = forms.CharField(label="Nom du financeur", max_length=200)
    organization = forms.ModelChoiceField(
        label="Organisation sur la plateforme",
        queryset=Organization.objects.partners().filter(funder__isnull=True),
        required=False,
        help_text="Facultatif, parmi les partenaires : ses membres pourront lire le rapport qui la concerne.",
    )
    siret = forms.CharField(label="SIRET", max_length=17, required=False, help_text="14 chiffres.")

    def __init__(self, *args, funder=None, **kwargs):
        super().__init__(*args, **kwargs)
        if funder is not None and funder.organization_id:
            self.fields["organization"].queryset = Organization.objects.partners().filter(
                Q(funder__isnull=True) | Q(funder=funder)
            )


class ContributionForm(forms.Form):
    funder = forms.ModelChoiceField(label="Financeur", queryset=Funder.objects.all())
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)
    pledged = amount_field("Montant promis")
    conditions = forms.CharField(label="Conditions", required=False, widget=TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class ReceiptForm(forms.Form):
    received_on = forms.DateField(label="Reçu le", widget=DATE)
    amount = amount_field("Montant reçu", minimum="0.01")
    note = forms.CharField(label="Note", max_length=200, required=False)


class EarmarkForm(forms.Form):
    label = forms.CharField(label="Intitulé du fléchage", max_length=200)
    amount = amount_field("Montant fléché")
    publics = forms.CharField(
        label="Publics visés", max_length=300, required=False, help_text="Par exemple : seniors."
    )
    territories = forms.CharField(label="Territoires", max_length=300, required=False)
    action_kinds = forms.CharField(label="Types d'actions", max_length=300, required=False)


class ReportYearForm(forms.Form):
    """The year filter of a funder's report (GET): every year by default."""

    year = forms.TypedChoiceField(label="Année", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Toutes les années"), *[(year, str(year)) for year in years]]

    def chosen_year(self):
        return self.cleaned_data["year"] if self.is_valid() else None


class CallForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=200)
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)
    objectives = forms.CharField(label="Objectifs", widget=TEXT)
    eligibility = forms.CharField(label="Qui peut candidater", widget=TEXT)
    budget = amount_field("Enveloppe")
    opens_on = forms.DateField(label="Ouvert le", widget=DATE)
    closes_on = forms.DateField(label="Clos le", widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", "La date de clôture doit suivre la date d'ouverture.")
        return data


class CriterionForm(forms.Form):
    label = forms.CharField(label="Critère", max_length=200)
    weight = forms.IntegerField(label="Poids (1 à 10)", min_value=1, max_value=10, initial=1)


class CallStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Call.Status.choices, widget=forms.HiddenInput)


class NewApplicationForm(forms.Form):
    organization = forms.ModelChoiceField(label="Structure qui candidate", queryset=Organization.objects.none())
    project_title = forms.CharField(label="Titre du projet", max_length=200)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        if len(organizations) == 1:
            self.fields["organization"].initial = organizations[0].pk


class ApplicationForm(forms.Form):
    project_title = forms.CharField(label="Titre du projet", max_length=200)
    project_description = forms.CharField(
        label="Description du projet", widget=TEXT, required=False, help_text="Ce que vous ferez, pour qui, où."
    )
    amount_requested = amount_field("Montant demandé au fonds")


class BudgetLineForm(forms.Form):
    label = forms.CharField(label="Poste de dépense", max_length=200)
    amount = amount_field("Montant de la dépense")


class CoFundingForm(forms.Form):
    source = forms.ChoiceField(label="Origine", choices=CoFunding.Source.choices)
    label = forms.CharField(label="Financeur ou dispositif", max_length=200)
    amount = amount_field("Montant du cofinancement")
    status = forms.ChoiceField(label="État", choices=CoFunding.Status.choices, widget=forms.RadioSelect)


class IndicatorForm(forms.Form):
    kind = forms.ChoiceField(label="Indicateur", choices=Indicator.Kind.choices)
    label = forms.CharField(label="Précision", max_length=200, required=False)
    expected = forms.IntegerField(label="Valeur visée", min_value=0)


LINE_FORMS = {"budget": BudgetLineForm, "cofinancement": CoFundingForm, "indicateur": IndicatorForm}
LINE_TITLES = {
    "budget": "Ajouter une ligne de budget",
    "cofinancement": "Ajouter un cofinancement",
    "indicateur": "Ajouter un indicateur attendu",
}


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="Type de document", choices=ApplicationDocument.Kind.choices)
    file = forms.FileField(label="Fichier", help_text="PDF, JPEG ou PNG, 5 Mo au plus.")


class NoteForm(forms.Form):
    note = forms.CharField(label="Ce qu'il faut compléter", widget=TEXT)


class WithdrawForm(forms.Form):
    note = forms.CharField(label="Motif (facultatif)", widget=TEXT, required=False)


class ReviewForm(forms.Form):
    opinion = forms.ChoiceField(label="Avis", choices=Review.Opinion.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label="Commentaire", widget=TEXT, required=False)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.IntegerField(
                label=f"{criterion.label} (poids {criterion.weight}) : note de 0 à 5",
                min_value=0,
                max_value=5,
            )

    def scores(self):
        return {criterion: self.cleaned_data[f"criterion_{criterion.pk}"] for criterion in self.criteria}


class DecisionForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label="Décision du comité",
        choices=[("1", "Accorder une subvention"), ("0", "Refuser")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    amount = amount_field("Montant accordé", required=False, help_text="En euros ; laissez vide pour un refus.")
    reason = forms.CharField(label="Motif", widget=TEXT, required=False, help_text="Obligatoire pour un refus.")
    reference = forms.CharField(label="Référence de la délibération", max_length=50, required=False)
    ends_on = forms.DateField(label="Fin de l'action", widget=DATE, required=False)
    advance_percent = forms.IntegerField(label="Avance (en % du montant)", min_value=0, max_value=100, initial=50)
    revision_reason = forms.CharField(label="Motif de la révision", widget=TEXT, required=False)

    def __init__(self, *args, earmarks, revising=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.earmarks = list(earmarks)
        self.revising = revising
        if not revising:
            del self.fields["revision_reason"]
        else:
            del self.fields["advance_percent"], self.fields["ends_on"], self.fields["reference"]
        for earmark in self.earmarks:
            self.fields[f"earmark_{earmark.pk}"] = amount_field(
                f"Pris sur « {earmark} »",
                required=False,
                help_text=f"Disponible : {earmark.available} €".replace(".", ","),
            )

    def earmark_fields(self):
        return [self[f"earmark_{earmark.pk}"] for earmark in self.earmarks]

    def clean(self):
        data = super().clean()
        if data.get("accepted") and not data.get("amount"):
            self.add_error("amount", "Indiquez le montant accordé.")
        if data.get("accepted") is False and not (data.get("reason") or "").strip():
            self.add_error("reason", "Motivez le refus.")
        if self.revising and not (data.get("revision_reason") or "").strip():
            self.add_error("revision_reason", "Donnez le motif de la révision.")
        return data

    def earmark_amounts(self):
        return {
            earmark: self.cleaned_data.get(f"earmark_{earmark.pk}") or Decimal("0")
            for earmark in self.earmarks
            if self.cleaned_data.get(f"earmark_{earmark.pk}")
        }


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label="Versé le", widget=DATE)

    def __init__(self, *args, payment: Payment, **kwargs):
        kwargs.setdefault("prefix", f"payment-{payment.pk}")
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()
        self.fields["paid_on"].label = f"{payment.get_kind_display()} versé(e) le"


class FinalReportForm(forms.Form):
    narrative = forms.CharField(label="Bilan de l'action", widget=TEXT, help_text="Ce qui a été fait, avec qui.")

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            self.fields[f"indicator_{indicator.pk}"] = forms.IntegerField(
                label=f"{indicator} : valeur atteinte (visée : {indicator.expected})", min_value=0
            )

    def achieved(self):
        return {indicator: self.cleaned_data[f"indicator_{indicator.pk}"] for indicator in self.indicators}
