from django import forms
from django.contrib.contenttypes.models import ContentType

from core.models import HistoryEntry


class HistoryFilterForm(forms.Form):
    content_type = forms.ModelChoiceField(
        label="Type d'objet",
        queryset=ContentType.objects.none(),
        required=False,
        empty_label="Tous",
    )
    object_id = forms.CharField(label="Identifiant de l'objet", required=False, max_length=64)
    actor = forms.CharField(
        label="Auteur", required=False, max_length=255, help_text="Nom ou adresse e-mail, même partiel."
    )
    since = forms.DateField(label="Depuis le", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="Jusqu'au", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        used = HistoryEntry.objects.values_list("content_type", flat=True).distinct()
        self.fields["content_type"].queryset = ContentType.objects.filter(pk__in=used).order_by("model")
        self.fields["content_type"].label_from_instance = lambda ct: (
            str(ct.model_class()._meta.verbose_name).capitalize() if ct.model_class() else ct.model
        )

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "La date de fin doit suivre la date de début.")
        return data

    def filter(self, entries):
        data = self.cleaned_data
        if data.get("content_type"):
            entries = entries.filter(content_type=data["content_type"])
        if data.get("object_id"):
            entries = entries.filter(object_id=data["object_id"])
        if data.get("actor"):
            entries = entries.filter(actor_label__icontains=data["actor"]) | entries.filter(
                actor__email__icontains=data["actor"]
            )
        if data.get("since"):
            entries = entries.filter(created_at__date__gte=data["since"])
        if data.get("until"):
            entries = entries.filter(created_at__date__lte=data["until"])
        return entries


class StyleguideDemoForm(forms.Form):
    """A form that shows every kind of field and error, for the style guide."""

    name = forms.CharField(label="Nom de la structure", max_length=100, help_text="Tel qu'il apparaît sur la façade.")
    email = forms.EmailField(label="Adresse e-mail", required=False)
    postal_code = forms.RegexField(
        label="Code postal",
        regex=r"^\d{5}$",
        error_messages={"invalid": "Le code postal doit compter 5 chiffres."},
    )
    kind = forms.ChoiceField(
        label="Type de lieu",
        choices=[("", "Choisir…"), ("fs", "France Services"), ("bib", "Médiathèque"), ("asso", "Association")],
    )
    days = forms.MultipleChoiceField(
        label="Jours d'ouverture",
        choices=[("lu", "Lundi"), ("ma", "Mardi"), ("me", "Mercredi")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    contact = forms.ChoiceField(
        label="Préférence de contact",
        choices=[("phone", "Téléphone"), ("email", "E-mail"), ("prescriber", "Par le prescripteur")],
        widget=forms.RadioSelect,
        initial="phone",
    )
    note = forms.CharField(label="Commentaire", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    consent = forms.BooleanField(label="La personne a donné son accord", required=True)
