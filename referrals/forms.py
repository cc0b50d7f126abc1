"""Forms of the prescriber's side: the referral request, the choice of the place, the comment, the cancellation, the
attachment and the status filter. Validation is server-side and in French; the services check the rules again."""

from django import forms

from places import vocabulary
from referrals.models import AVAILABILITY_CHOICES, COOP_THEMES, Referral

NETWORK = "reseau"


class ReferralForm(forms.Form):
    """The request. `places` are the ranked places (place, score, reasons) the person may be sent to; the target is
    one of them or « au réseau » (None: not ranked yet, the target is not checked). `require_target` is set when the
    prescriber sends, not when they ask for places."""

    services = forms.MultipleChoiceField(
        label="Services",
        choices=[(service, service) for service in vocabulary.SERVICES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.MultipleChoiceField(
        label="Thèmes", choices=COOP_THEMES, required=False, widget=forms.CheckboxSelectMultiple
    )
    urgency = forms.ChoiceField(
        label="Urgence",
        choices=Referral.Urgency.choices,
        initial=Referral.Urgency.NORMAL,
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez si la demande est urgente."},
    )
    free_text = forms.CharField(
        label="Précisions pour le lieu",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "Ce que la personne veut faire, ce qu'elle sait déjà faire. N'écrivez ni diagnostic médical ni "
            "information sans utilité pour l'accompagnement."
        ),
    )
    contact_preference = forms.ChoiceField(
        label="Comment le lieu doit-il contacter la personne ?",
        choices=Referral.ContactPreference.choices,
        initial=Referral.ContactPreference.PHONE,
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez comment le lieu doit contacter la personne."},
    )
    availability = forms.MultipleChoiceField(
        label="Disponibilités de la personne",
        choices=AVAILABILITY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les demi-journées où elle peut se déplacer. Les lieux ouverts à ces moments passent devant.",
    )
    target = forms.CharField(label="Lieu", required=False)

    def __init__(self, *args, person, organizations, places=None, require_target=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.organizations = list(organizations)
        if person.no_direct_contact:
            self.fields["contact_preference"].initial = Referral.ContactPreference.PRESCRIBER
        self.places = places  # None: not ranked yet, the target is not checked
        self.require_target = require_target
        if len(self.organizations) > 1:
            self.fields["organization"] = forms.TypedChoiceField(
                label="Au nom de quelle organisation orientez-vous ?",
                choices=[("", "Choisissez")] + [(str(o.pk), o.name) for o in self.organizations],
                coerce=int,
                error_messages={"required": "Choisissez l'organisation au nom de laquelle vous orientez."},
            )

    def clean_contact_preference(self):
        """The way to reach the person must exist on their record."""
        value = self.cleaned_data["contact_preference"]
        preference = Referral.ContactPreference
        if self.person.no_direct_contact and value != preference.PRESCRIBER and value != preference.POST:
            raise forms.ValidationError(
                "La personne ne veut pas être contactée directement : choisissez « par l'intermédiaire du "
                "prescripteur »."
            )
        if value in (preference.PHONE, preference.SMS) and not self.person.phone:
            raise forms.ValidationError("La fiche de la personne n'a pas de téléphone : choisissez un autre moyen.")
        if value == preference.EMAIL and not self.person.email:
            raise forms.ValidationError(
                "La fiche de la personne n'a pas d'adresse e-mail : choisissez un autre moyen."
            )
        return value

    def clean(self):
        data = super().clean()
        if not data.get("services") and not data.get("themes") and "services" not in self.errors:
            self.add_error("services", "Cochez au moins un service ou un thème.")
        target = data.get("target", "")
        if self.places is None:
            return data
        if target and target != NETWORK and target not in {str(place.pk) for place, _s, _r in self.places}:
            self.add_error("target", "Choisissez un lieu dans la liste, ou « au réseau ».")
        elif self.require_target and not target:
            self.add_error("target", "Choisissez un lieu dans la liste, ou « au réseau ».")
        return data

    def needs(self):
        """Services then themes, as `Referral.needs` stores them."""
        return [*self.cleaned_data.get("services", []), *self.cleaned_data.get("themes", [])]

    def organization(self):
        if len(self.organizations) == 1:
            return self.organizations[0]
        pk = self.cleaned_data["organization"]
        return next(o for o in self.organizations if o.pk == pk)

    def target_place(self):
        """The chosen place, or None for « au réseau »."""
        target = self.cleaned_data["target"]
        return next((place for place, _s, _r in self.places if str(place.pk) == target), None)

    def request_fields(self):
        """The keyword arguments of `services.send_referral` this form collects (the person and actor aside)."""
        data = self.cleaned_data
        return {
            "needs": self.needs(),
            "urgency": data["urgency"],
            "free_text": data["free_text"],
            "contact_preference": data["contact_preference"],
            "availability": data["availability"],
            "prescriber_organization": self.organization(),
            "target_place": self.target_place(),
        }


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Votre message",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Visible par le prescripteur, le lieu et la coordination.",
        error_messages={"required": "Écrivez votre message avant de l'envoyer."},
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Pourquoi annulez-vous cette orientation ?",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Facultatif. Le lieu lira ce message.",
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Fichier",
        help_text="PDF, JPEG ou PNG.",
        error_messages={"required": "Choisissez un fichier.", "empty": "Le fichier est vide."},
    )

    def __init__(self, *args, max_mb, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = f"PDF, JPEG ou PNG, {max_mb} Mo au plus."
        self.fields["file"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Statut", choices=[("", "Tous les statuts"), *Referral.Status.choices], required=False
    )
