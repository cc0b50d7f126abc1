"""Forms of the reconditionnement pages. They parse and validate input; the rules live in `devices.services`."""

from decimal import Decimal

from django import forms
from django.utils import timezone

from accounts.models import Organization
from devices.models import (
    GRADED_STATUSES,
    CO2Factor,
    Delivery,
    Device,
    DeviceRequest,
    EligibilityRule,
    Erasure,
    Grade,
    Kind,
    Status,
    Urgency,
)

ALL = ""


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _euros_to_cents(value):
    return None if value is None else int((value * 100).quantize(Decimal("1")))


class DonationForm(forms.Form):
    donor = forms.ModelChoiceField(
        label="Organisation donatrice", queryset=Organization.objects.order_by("name"), empty_label="Choisissez…"
    )
    announced_count = forms.IntegerField(label="Nombre d'appareils annoncés", min_value=1, max_value=10_000)
    pickup_date = forms.DateField(label="Date d'enlèvement", required=False, widget=_date_input())
    contact = forms.CharField(
        label="Contact chez le donateur",
        max_length=200,
        required=False,
        help_text="Nom, téléphone ou e-mail de la personne qui remet les appareils.",
    )
    notes = forms.CharField(label="Remarques", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class WorkshopChoiceForm(forms.Form):
    """Shown only to someone working for more than one workshop."""

    workshop = forms.ModelChoiceField(label="Atelier", queryset=Organization.objects.none(), empty_label=None)

    def __init__(self, *args, workshops, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workshop"].queryset = workshops


class DeviceForm(forms.ModelForm):
    class Meta:
        model = Device
        fields = ["kind", "brand", "model", "serial", "processor", "memory_gb", "storage_gb", "operating_system"]
        labels = {"operating_system": "Système installé à la réception"}


class ErasureForm(forms.ModelForm):
    class Meta:
        model = Erasure
        fields = ["method", "tool", "performed_on", "operator", "evidence"]
        widgets = {"performed_on": _date_input(), "evidence": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["performed_on"].initial = timezone.localdate()


class RefurbishForm(forms.Form):
    grade = forms.ChoiceField(label="État esthétique", choices=Grade.choices, widget=forms.RadioSelect)
    operating_system = forms.CharField(
        label="Système installé", max_length=120, help_text="Par exemple : Linux Mint 22, Windows 11, Android 14."
    )
    processor = forms.CharField(label="Processeur", max_length=120, required=False)
    memory_gb = forms.IntegerField(label="Mémoire vive (Go)", min_value=0, max_value=1024, required=False)
    storage_gb = forms.IntegerField(label="Stockage (Go)", min_value=0, max_value=100_000, required=False)
    price = forms.DecimalField(
        label="Prix solidaire (€)", min_value=0, max_value=2000, decimal_places=2, help_text="0 pour un don gratuit."
    )

    def cleaned_price_cents(self):
        return _euros_to_cents(self.cleaned_data["price"])


def _text(label, max_length, *, what=None, **kwargs):
    messages = {"max_length": f"{label} : %(limit_value)d caractères au plus."}
    if what:
        messages["required"] = f"Indiquez {what}."
    return forms.CharField(label=label, max_length=max_length, required=bool(what), error_messages=messages, **kwargs)


def _size(label, max_value):
    return forms.IntegerField(
        label=f"{label} (Go)",
        min_value=0,
        max_value=max_value,
        required=False,
        error_messages={
            "invalid": f"{label} : indiquez un nombre entier de Go, par exemple 8.",
            "min_value": f"{label} : la valeur ne peut pas être négative.",
            "max_value": f"{label} : %(limit_value)s Go au plus, vérifiez la saisie.",
        },
    )


class DeviceEditForm(forms.Form):
    """The characteristics of a device, corrected outside the workflow. A refurbished device keeps a grade."""

    kind = forms.ChoiceField(
        label="Type d'appareil", choices=Kind.choices, error_messages={"required": "Choisissez le type d'appareil."}
    )
    brand = _text("Marque", 80, what="la marque de l'appareil")
    model = _text("Modèle", 120)
    serial = _text("Numéro de série", 80, help_text="Tel qu'inscrit sous l'appareil ; peut rester vide.")
    processor = _text("Processeur", 120)
    memory_gb = _size("Mémoire vive", 1024)
    storage_gb = _size("Stockage", 100_000)
    operating_system = _text("Système installé", 120, help_text="Par exemple : Linux Mint 22, Windows 11.")
    grade = forms.ChoiceField(
        label="État esthétique",
        choices=[("", "Pas encore classé"), *Grade.choices],
        required=False,
        error_messages={"required": "Choisissez l'état esthétique : un appareil reconditionné garde son état."},
    )
    price = forms.DecimalField(
        label="Prix solidaire (€)",
        min_value=0,
        max_value=2000,
        decimal_places=2,
        required=False,
        localize=True,
        help_text="0 pour un don gratuit ; vide tant que le prix n'est pas fixé.",
        error_messages={
            "invalid": "Prix solidaire : indiquez un montant en euros, par exemple 45 ou 45,50.",
            "min_value": "Prix solidaire : le montant ne peut pas être négatif.",
            "max_value": "Prix solidaire : 2 000 € au plus, vérifiez la saisie.",
            "max_decimal_places": "Prix solidaire : deux chiffres au plus après la virgule.",
            "max_digits": "Prix solidaire : 2 000 € au plus, vérifiez la saisie.",
        },
    )

    def __init__(self, *args, device, **kwargs):
        initial = {name: getattr(device, name) for name in self.base_fields if name != "price"}
        initial["price"] = None if device.price_cents is None else Decimal(device.price_cents) / 100
        super().__init__(*args, initial=initial, **kwargs)
        if device.status in GRADED_STATUSES:
            self.fields["grade"].required = True
            self.fields["grade"].choices = Grade.choices

    def device_fields(self):
        """The cleaned data as `devices.services.update_device` takes it (the price in cents)."""
        data = dict(self.cleaned_data)
        data["price_cents"] = _euros_to_cents(data.pop("price"))
        return data

    def add_service_error(self, error):
        """A refusal of the service, shown on its field (the price in cents on the price in euros)."""
        if not hasattr(error, "error_dict"):
            return self.add_error(None, error)
        for name, errors in error.error_dict.items():
            name = "price" if name == "price_cents" else name
            self.add_error(name if name in self.fields else None, errors)


class RecycleForm(forms.Form):
    reason = forms.CharField(
        label="Motif du recyclage", max_length=300, help_text="Par exemple : carte mère hors service, écran cassé."
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label="Motif de l'annulation", max_length=300)


class StockFilterForm(forms.Form):
    status = forms.ChoiceField(label="Étape", required=False, choices=[(ALL, "Toutes")] + list(Status.choices))
    kind = forms.ChoiceField(label="Type", required=False, choices=[(ALL, "Tous")] + list(Kind.choices))
    grade = forms.ChoiceField(label="État", required=False, choices=[(ALL, "Tous")] + list(Grade.choices))
    q = forms.CharField(label="Marque, modèle ou numéro de série", required=False, max_length=80)

    def filters(self):
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}


class RequestForm(forms.Form):
    organization = forms.ModelChoiceField(label="Au nom de", queryset=Organization.objects.none(), empty_label=None)
    kind = forms.ChoiceField(label="Appareil demandé", choices=Kind.choices, widget=forms.RadioSelect)
    usage = forms.CharField(
        label="À quoi servira-t-il ?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Démarches en ligne, recherche d'emploi, scolarité des enfants…",
    )
    urgency = forms.ChoiceField(
        label="Urgence", choices=Urgency.choices, initial=Urgency.NORMAL, widget=forms.RadioSelect
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        if len(organizations) == 1:
            self.fields["organization"].widget = forms.HiddenInput()
            self.fields["organization"].initial = organizations[0].pk


def _device_choice_label(device):
    system = device.operating_system or "système à installer"
    return f"{device} — état {device.grade}, {system}, {device.price_display}"


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(label="Priorité", choices=DeviceRequest.Priority.choices, coerce=int)


class ReserveForm(forms.Form):
    device = forms.ModelChoiceField(
        label="Appareil prêt à remettre", queryset=Device.objects.none(), empty_label=None, widget=forms.RadioSelect
    )

    def __init__(self, *args, devices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device"].queryset = devices
        self.fields["device"].label_from_instance = _device_choice_label


class DeliveryForm(forms.Form):
    acknowledgement = forms.ChoiceField(
        label="Accusé de réception", choices=Delivery.Acknowledgement.choices, widget=forms.RadioSelect
    )
    signature_name = forms.CharField(
        label="Nom saisi par la personne",
        max_length=150,
        required=False,
        help_text="Obligatoire pour une signature à l'écran : la personne écrit elle-même son nom.",
    )
    price = forms.DecimalField(label="Prix payé (€)", min_value=0, max_value=2000, decimal_places=2)
    training_offer = forms.CharField(
        label="Formation proposée",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Le lieu ou l'atelier proposé pour apprendre à se servir de l'appareil ; imprimé sur le bon de remise."
        ),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("acknowledgement") == Delivery.Acknowledgement.SCREEN
            and not data.get("signature_name", "").strip()
        ):
            self.add_error("signature_name", "Pour une signature à l'écran, la personne écrit son nom.")
        return data

    def cleaned_price_cents(self):
        return _euros_to_cents(self.cleaned_data["price"])


class EligibilityForm(forms.Form):
    rules = forms.MultipleChoiceField(
        label="Règles appliquées à chaque demande",
        choices=EligibilityRule.Code.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class CO2FactorForm(forms.ModelForm):
    class Meta:
        model = CO2Factor
        fields = ["kg_co2e", "source"]
        widgets = {"source": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "kg_co2e": (
                "Émissions de fabrication et de distribution d'un appareil neuf de ce type, que la remise d'un "
                "appareil reconditionné évite (hypothèse : un appareil remis remplace un achat neuf ; l'empreinte "
                "du reconditionnement n'est pas déduite)."
            ),
            "source": "L'étude (titre, auteur, année, lien), le chiffre qu'elle donne et l'hypothèse retenue.",
        }


class WorkLogForm(forms.Form):
    worker = forms.CharField(
        label="Salarié ou salariée en insertion", max_length=120, help_text="Prénom ou initiales."
    )
    day = forms.DateField(label="Jour", widget=_date_input())
    hours = forms.DecimalField(label="Heures", min_value=Decimal("0.5"), max_value=24, decimal_places=1)
    activity = forms.CharField(label="Travail réalisé", max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].initial = timezone.localdate()


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label="Ajouter une photo",
        help_text="JPEG ou PNG, 5 Mo au plus, 3 photos par appareil.",
        error_messages={"required": "Choisissez une photo.", "empty": "Le fichier est vide."},
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,image/jpeg,image/png"}),
    )
