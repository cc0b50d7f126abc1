"""Forms of the Pass Numérique pages: orders, the import of the operator's file, the stock, the hand-out, the
redemption at a place, the statements and the figures."""

import datetime
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from vouchers.models import DEFAULT_TOLERANCE_DAYS, PUBLIC_CHOICES, SERVICE_CHOICES, month_start
from vouchers.serials import parse_serial


class RedeemForm(forms.Form):
    """The place's form: which place (when the user works for several), the serial typed or scanned, the service
    delivered. The check character is verified here already (no lookup); the service does the rest."""

    place = forms.ModelChoiceField(label="Lieu", queryset=None, empty_label=None)
    serial = forms.CharField(
        label="Numéro du pass",
        max_length=64,
        help_text="Les 12 caractères imprimés sous le code QR, par exemple PN7K-4M2Q-X9TC. Les tirets et les "
        "espaces sont facultatifs.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    service = forms.ChoiceField(label="Service rendu", choices=[("", "Choisissez…"), *SERVICE_CHOICES])

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places
        only = list(places[:2])
        if len(only) == 1:
            self.fields["place"].widget = forms.HiddenInput()
            self.fields["place"].initial = only[0].pk

    def clean_serial(self):
        return parse_serial(self.cleaned_data["serial"])


class MonthForm(forms.Form):
    month = forms.DateField(
        label="Mois",
        help_text="Au format AAAA-MM.",
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def clean_month(self):
        month = month_start(self.cleaned_data["month"])
        if month > month_start(timezone.localdate()):
            raise forms.ValidationError("Ce mois n'a pas encore commencé.")
        return month


def previous_month(today=None):
    today = today or timezone.localdate()
    return month_start(month_start(today) - datetime.timedelta(days=1))


# ---------------------------------------------------------------------------------------------------------
# Orders (coordination).

FUNDER_ROWS = 4


def _organizations():
    from accounts.models import Organization

    return Organization.objects.order_by("name", "pk")


class OrderForm(forms.Form):
    """An order: the sponsor, up to four funders and their shares (100 % in all), the books, the dates, the
    territory (communes typed one per line, EPCI ticked), the target publics and the eligibility text."""

    name = forms.CharField(label="Intitulé", max_length=200, help_text="Par exemple « Pass Numérique 2026 — CAF ».")
    sponsor = forms.ModelChoiceField(label="Commanditaire", queryset=None, empty_label="Choisissez…")
    book_count = forms.IntegerField(label="Nombre de carnets", min_value=1, max_value=200_000)
    passes_per_book = forms.TypedChoiceField(
        label="Pass par carnet", choices=[(10, "10 pass"), (5, "5 pass")], coerce=int, initial=10
    )
    face_value = forms.DecimalField(
        label="Valeur faciale d'un pass (€)", min_value=Decimal("0.01"), max_digits=7, decimal_places=2, initial=10
    )
    valid_until = forms.DateField(
        label="Fin de validité", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    tolerance_days = forms.IntegerField(
        label="Tolérance après la fin de validité (jours)",
        min_value=0,
        max_value=366,
        initial=DEFAULT_TOLERANCE_DAYS,
        help_text="Les lieux encaissent encore les pass pendant ces jours-là.",
    )
    communes = forms.CharField(
        label="Communes du territoire",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Une commune par ligne (nom, code postal ou code INSEE). Sans commune ni EPCI : tout le "
        "département.",
    )
    epcis = forms.ModelMultipleChoiceField(
        label="EPCI du territoire", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    target_publics = forms.MultipleChoiceField(
        label="Publics cibles",
        choices=PUBLIC_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Sans public coché, la commande est ouverte à tous.",
    )
    eligibility = forms.CharField(
        label="Critères d'éligibilité", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, order=None, **kwargs):
        from geo.models import Epci

        if order is not None and "initial" not in kwargs:
            kwargs["initial"] = order_initial(order)
        super().__init__(*args, **kwargs)
        self.order = order
        self.fields["sponsor"].queryset = _organizations()
        served = Epci.objects.filter(communes__departement_id=settings.PLATFORM_DEPARTEMENT).distinct()
        self.fields["epcis"].queryset = served.order_by("name")
        self.funder_row_count = max(FUNDER_ROWS, order.funder_shares.count() if order is not None else 0)
        for index in range(1, self.funder_row_count + 1):
            self.fields[f"funder_{index}"] = forms.ModelChoiceField(
                label=f"Financeur {index}",
                queryset=_organizations(),
                required=False,
                empty_label="—",
                help_text="Le commanditaire par défaut." if index == 1 else "",
            )
            self.fields[f"share_{index}"] = forms.DecimalField(
                label=f"Part du financeur {index} (%)",
                required=False,
                min_value=Decimal("0.01"),
                max_value=Decimal("100"),
                decimal_places=2,
                localize=True,
            )
        if order is not None and order.books.exists():
            for name in ("book_count", "passes_per_book", "face_value"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "Ne peut plus changer : les carnets existent."

    def funder_rows(self):
        return [(self[f"funder_{i}"], self[f"share_{i}"]) for i in range(1, self.funder_row_count + 1)]

    def clean_communes(self):
        from geo.forms import CommuneField

        field = CommuneField(prefer_served_departement=True)
        communes, errors = [], []
        for line in self.cleaned_data["communes"].replace(";", "\n").splitlines():
            if not line.strip():
                continue
            try:
                communes.append(field.resolve(line.strip()))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return list({commune.pk: commune for commune in communes}.values())

    def clean(self):
        data = super().clean()
        funders = []
        for index in range(1, self.funder_row_count + 1):
            funder, share = data.get(f"funder_{index}"), data.get(f"share_{index}")
            if funder is None and share is None:
                continue
            if funder is None:
                self.add_error(f"funder_{index}", "Choisissez le financeur de cette part.")
            elif share is None:
                self.add_error(f"share_{index}", f"Indiquez la part de {funder}.")
            else:
                funders.append((funder, share))
        if not funders and data.get("sponsor") is not None and not self.errors:
            funders = [(data["sponsor"], Decimal("100"))]
        if funders and not self.errors:
            from vouchers.services import check_funder_shares

            try:
                check_funder_shares(funders)
            except ValidationError as error:
                self.add_error("share_1", error)
        data["funders"] = funders
        return data

    def service_arguments(self):
        """The keyword arguments of `create_order` / `update_order`."""
        data = self.cleaned_data
        arguments = {
            "name": data["name"],
            "sponsor": data["sponsor"],
            "funders": data["funders"],
            "valid_until": data["valid_until"],
            "tolerance_days": data["tolerance_days"],
            "communes": data["communes"],
            "epcis": list(data["epcis"]),
            "target_publics": data["target_publics"],
            "eligibility": data["eligibility"],
        }
        if self.order is None or not self.order.books.exists():
            arguments["book_count"] = data["book_count"]
            arguments["passes_per_book"] = data["passes_per_book"]
            arguments["face_value_cents"] = int(data["face_value"] * 100)
        return arguments


def order_initial(order):
    initial = {
        "name": order.name,
        "sponsor": order.sponsor_id,
        "book_count": order.book_count,
        "passes_per_book": order.passes_per_book,
        "face_value": Decimal(order.face_value_cents) / 100,
        "valid_until": order.valid_until,
        "tolerance_days": order.tolerance_days,
        "communes": "\n".join(commune.label for commune in order.territory_communes.order_by("name")),
        "epcis": list(order.territory_epcis.values_list("pk", flat=True)),
        "target_publics": order.target_publics,
        "eligibility": order.eligibility,
    }
    for index, share in enumerate(order.funder_shares.all(), start=1):
        initial[f"funder_{index}"] = share.funder_id
        initial[f"share_{index}"] = share.share_percent
    return initial


class SerialSourceForm(forms.Form):
    generate = forms.TypedChoiceField(
        label="Numéros des carnets et des pass",
        choices=[
            ("1", "Les générer tout de suite sur la plateforme (avec clé de contrôle et code QR)"),
            ("0", "Les importer plus tard depuis le fichier de l'opérateur"),
        ],
        coerce=lambda value: value == "1",
        initial="1",
        widget=forms.RadioSelect,
    )


# ---------------------------------------------------------------------------------------------------------
# Import of the operator's file.

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class SerialUploadForm(forms.Form):
    file = forms.FileField(
        label="Fichier de numéros (CSV)",
        help_text="Une ligne par pass : numéro du carnet, numéro du pass, rang (facultatif). Séparateur « ; ». "
        "20 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("Le fichier dépasse 20 Mo : découpez-le en plusieurs envois.")
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise ValidationError("Envoyez un fichier CSV (extension .csv).")
        return upload


class SerialMappingForm(forms.Form):
    """Which column of the file holds what; the guessed mapping is pre-selected."""

    def __init__(self, *args, headers, **kwargs):
        from vouchers.importing import FIELDS, REQUIRED_FIELDS

        super().__init__(*args, **kwargs)
        choices = [("", "— aucune —"), *((header, header) for header in headers)]
        for field, label in FIELDS.items():
            self.fields[field] = forms.ChoiceField(label=label, choices=choices, required=field in REQUIRED_FIELDS)

    def clean(self):
        data = super().clean()
        chosen = [column for column in data.values() if column]
        if len(chosen) != len(set(chosen)):
            raise ValidationError("Une même colonne ne peut pas servir à deux champs.")
        return data

    def mapping(self):
        return {field: column for field, column in self.cleaned_data.items() if column}


# ---------------------------------------------------------------------------------------------------------
# Stock.


class AllocateForm(forms.Form):
    organization = forms.ModelChoiceField(label="Organisation prescriptrice", queryset=None, empty_label="Choisissez…")
    count = forms.IntegerField(label="Nombre de carnets", min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _organizations()


class ShipForm(forms.Form):
    organization = forms.ModelChoiceField(label="Destinataire", queryset=None, empty_label="Choisissez…")
    count = forms.IntegerField(label="Nombre de carnets envoyés", min_value=1)
    shipped_on = forms.DateField(
        label="Date d'envoi", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    tracking = forms.CharField(label="Numéro de suivi", max_length=100, required=False)

    def __init__(self, *args, organizations, **kwargs):
        kwargs.setdefault("initial", {"shipped_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def clean_shipped_on(self):
        day = self.cleaned_data["shipped_on"]
        if day > timezone.localdate():
            raise ValidationError("La date d'envoi ne peut pas être dans le futur.")
        return day


class HandOutForm(forms.Form):
    """The hand-out: which book held by the organisation, the person's target public when the order has some, and
    the referral the book goes with (optional)."""

    book = forms.ModelChoiceField(label="Carnet", queryset=None, empty_label="Choisissez…")
    public = forms.ChoiceField(
        label="Public de la personne",
        choices=[("", "—"), *PUBLIC_CHOICES],
        required=False,
        help_text="Obligatoire quand la commande du carnet est réservée à certains publics.",
    )
    referral = forms.ModelChoiceField(
        label="Orientation liée (facultatif)", queryset=None, required=False, empty_label="Aucune"
    )

    def __init__(self, *args, books, referrals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["book"].queryset = books
        self.fields["book"].label_from_instance = lambda book: (
            f"{book} — {book.order.name} (valable jusqu'au {book.order.valid_until:%d/%m/%Y})"
        )
        self.fields["referral"].queryset = referrals
        self.fields["referral"].label_from_instance = lambda referral: (
            f"Orientation {referral.reference} — {referral.get_status_display()}"
        )


class PersonSearchForm(forms.Form):
    q = forms.CharField(label="Nom ou prénom de la personne", max_length=100)


# ---------------------------------------------------------------------------------------------------------
# Coordination: cancellation, payment, figures.


class CancelRedemptionForm(forms.Form):
    reason = forms.CharField(
        label="Motif de l'annulation",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : pass saisi par erreur, service non rendu. Le motif est gardé dans l'historique.",
    )


class PaymentForm(forms.Form):
    reference = forms.CharField(
        label="Référence du paiement", max_length=100, required=False, help_text="Numéro de mandat, de virement…"
    )


class RedemptionFilterForm(forms.Form):
    serial = forms.CharField(label="Numéro du pass", max_length=64, required=False)
    status = forms.ChoiceField(
        label="État",
        required=False,
        choices=[("", "Tous"), ("active", "Valables"), ("cancelled", "Annulés")],
    )


class FiguresFilterForm(forms.Form):
    order = forms.ModelChoiceField(label="Commande", queryset=None, required=False, empty_label="Toutes")

    def __init__(self, *args, orders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = orders
