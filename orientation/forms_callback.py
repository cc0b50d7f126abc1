"""The « être rappelé » form.

Rules:
- First name, phone, commune, need and consent are required; the e-mail and the moments are not.
- The phone must be a French number (mobile or landline, metropolitan or overseas): it is stored as « +33… ».
- An unknown commune gets close matches, as in « Trouver de l'aide ».
- Two traps for robots, without third-party captcha: a field a human never sees (« site_web ») must stay empty,
  and the form must have been open at least CALLBACK_MIN_FILL_SECONDS (a signed timestamp in a hidden field).
"""

import re
import time

from django import forms
from django.conf import settings
from django.core import signing

from orientation.forms_guide import GuideCommuneField
from orientation.guide import MOMENTS, NEEDS

STARTED_SALT = "orientation.callback.started"
FRENCH_PHONE = re.compile(r"0[1-9]\d{8}")
# A form left open longer than this is refused (a person simply sends it again).
MAX_FILL_SECONDS = 6 * 3600


def normalize_french_phone(value):
    """« 05 53 12 34 56 », « 05.53.12.34.56 », « +33 5 53 12 34 56 » → « +33553123456 »; None if not French."""
    digits = re.sub(r"[\s.\-()/]", "", value or "")
    if digits.startswith("+33"):
        digits = "0" + digits[3:]
    elif digits.startswith("0033"):
        digits = "0" + digits[4:]
    if not FRENCH_PHONE.fullmatch(digits):
        return None
    return "+33" + digits[1:]


def started_token(now=None):
    return signing.dumps(int(now if now is not None else time.time()), salt=STARTED_SALT)


class CallbackForm(forms.Form):
    first_name = forms.CharField(
        label="Votre prénom",
        max_length=150,
        error_messages={"required": "Écrivez votre prénom, pour que la personne qui vous appelle sache qui demander."},
    )
    phone = forms.CharField(
        label="Votre numéro de téléphone",
        max_length=30,
        help_text="Par exemple : 06 12 34 56 78. Nous vous appelons à ce numéro.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"required": "Écrivez votre numéro de téléphone : c'est lui que nous appellerons."},
    )
    email = forms.EmailField(
        label="Votre adresse e-mail (facultatif)",
        required=False,
        help_text="Pour recevoir la confirmation par e-mail.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": "Cette adresse e-mail n'est pas complète. Exemple : nom@exemple.fr"},
    )
    commune = GuideCommuneField(
        prefer_served_departement=True,
        label="Votre commune ou votre code postal",
        help_text="Par exemple : Nérac ou 47600.",
    )
    need = forms.ChoiceField(
        label="Pour quoi avez-vous besoin d'aide ?",
        choices=[(need.code, need.label) for need in NEEDS],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez une réponse. Si vous ne savez pas, choisissez « Autre chose ».",
            "invalid_choice": "Choisissez une réponse de la liste.",
        },
    )
    moments = forms.MultipleChoiceField(
        label="Quand pouvons-nous vous appeler ? (facultatif)",
        choices=MOMENTS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Sans réponse, nous appelons en journée, du lundi au vendredi.",
        error_messages={"invalid_choice": "Choisissez des moments de la liste."},
    )
    consent = forms.BooleanField(
        label=(
            "J'accepte que le réseau garde ces informations pour me rappeler et m'orienter vers un lieu qui peut "
            "m'aider."
        ),
        error_messages={
            "required": "Cochez cette case : sans votre accord, nous ne pouvons pas garder votre demande."
        },
    )
    site_web = forms.CharField(label="Ne remplissez pas ce champ", required=False)
    started = forms.CharField(widget=forms.HiddenInput)

    def clean_phone(self):
        phone = normalize_french_phone(self.cleaned_data["phone"])
        if phone is None:
            raise forms.ValidationError(
                "Ce numéro n'est pas un numéro français à 10 chiffres. Exemple : 06 12 34 56 78."
            )
        return phone

    def clean_commune(self):
        commune = self.cleaned_data["commune"]
        if commune is None:
            raise forms.ValidationError("Écrivez le nom de votre commune ou votre code postal.")
        return commune

    def looks_automated(self, now=None):
        """True when a trap caught the sender: the hidden field is filled, or the form came back too fast (or too
        late, or with a forged timestamp)."""
        if self.data.get("site_web"):
            return True
        try:
            started = signing.loads(self.data.get("started", ""), salt=STARTED_SALT)
        except signing.BadSignature:
            return True
        elapsed = (now if now is not None else time.time()) - started
        return not (settings.CALLBACK_MIN_FILL_SECONDS <= elapsed <= MAX_FILL_SECONDS)
