from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.loader import render_to_string

from accounts import emails, services
from accounts.models import Organization, Role, User
from accounts.permissions import can_set_network_flags, grantable_roles, sees_whole_departement
from accounts.validators import validate_siret
from core.sms import normalize_phone
from geo.forms import CommuneField

INVALID_LOGIN_MESSAGE = "Adresse e-mail ou mot de passe incorrect. Vérifiez votre saisie et réessayez."


def client_ip(request):
    """The client's address as seen by this server. X-Forwarded-For is not trusted (anyone can send it)."""
    return request.META.get("REMOTE_ADDR") if request is not None else None


def lockout_message(minutes):
    return (
        f"Trop de tentatives de connexion ont échoué pour cette adresse. Par sécurité, attendez {minutes} minute"
        f"{'s' if minutes > 1 else ''} avant de réessayer, ou choisissez un nouveau mot de passe avec le lien "
        "« Mot de passe oublié »."
    )


class LockoutMixin:
    """Refuses any attempt for an e-mail that failed too often recently (whether an account exists or not) and
    records every failure in the database."""

    error_messages = {
        "invalid_login": INVALID_LOGIN_MESSAGE,
        "inactive": INVALID_LOGIN_MESSAGE,
    }

    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email and password:
            minutes = services.lockout_remaining_minutes(email)
            if minutes:
                raise ValidationError(lockout_message(minutes), code="locked")
            try:
                cleaned = super().clean()
            except ValidationError as error:
                # Only a wrong password counts (not a right one refused for another reason, e.g. the admin site).
                if self.user_cache is None:
                    services.register_login_failure(email=email, ip_address=client_ip(self.request))
                    minutes = services.lockout_remaining_minutes(email)
                    if minutes:
                        raise ValidationError(
                            [INVALID_LOGIN_MESSAGE, lockout_message(minutes)], code="locked"
                        ) from error
                raise
            services.clear_login_failures(email)
            return cleaned
        return super().clean()


class LoginForm(LockoutMixin, AuthenticationForm):
    username = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label="Mot de passe", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = LockoutMixin.error_messages


class AdminLoginForm(LockoutMixin, AdminAuthenticationForm):
    """The admin site's login form, with the same lockout as the main one."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        **LockoutMixin.error_messages,
        "invalid_login": "Adresse e-mail ou mot de passe incorrect, ou compte sans accès à l'administration.",
    }


class DeferredPasswordResetForm(PasswordResetForm):
    """Django's reset form, with French plain-text e-mails queued after commit."""

    email = forms.EmailField(
        label="Adresse e-mail", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        context = {
            **context,
            "platform_name": settings.PLATFORM_NAME,
            "platform_url": settings.PLATFORM_URL,
            "validity_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        }
        subject = render_to_string(subject_template_name, context)
        body = render_to_string(email_template_name, context)
        emails.send_after_commit(subject=subject, body=body, recipient_list=[to_email])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone"]
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }


class NotificationPreferencesForm(forms.Form):
    """How the user is told of changes: e-mail at once or a daily digest, and SMS to a French mobile number."""

    email_frequency = forms.ChoiceField(
        label="E-mails de suivi",
        choices=User._meta.get_field("email_frequency").choices,
        widget=forms.RadioSelect,
        help_text="Le résumé part une fois par jour, seulement s'il y a du nouveau.",
    )
    sms_notifications = forms.BooleanField(
        label="Recevoir aussi un SMS pour les nouvelles importantes (réponse d'un lieu, rendez-vous, résultat)",
        required=False,
    )
    phone = forms.CharField(
        label="Téléphone",
        max_length=20,
        required=False,
        help_text="Le numéro de votre compte. Pour les SMS, un mobile français, par exemple 06 12 34 56 78.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("sms_notifications") and normalize_phone(data.get("phone")) is None:
            self.add_error(
                "phone",
                "Pour recevoir des SMS, indiquez un numéro de mobile français, par exemple 06 12 34 56 78."
                if data.get("phone")
                else "Indiquez votre numéro de mobile pour recevoir des SMS.",
            )
        return data


class NewAccountForm(forms.Form):
    """Create an account from an invitation: names and a password checked by the CNIL-level validators."""

    first_name = forms.CharField(
        label="Prénom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Nom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Mot de passe (confirmation)",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Saisissez le même mot de passe.",
    )

    def __init__(self, *args, email, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = password_validation.password_validators_help_text_html()

    def clean(self):
        data = super().clean()
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2:
            if password1 != password2:
                self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
            else:
                candidate = User(
                    email=self.email, first_name=data.get("first_name", ""), last_name=data.get("last_name", "")
                )
                try:
                    password_validation.validate_password(password1, candidate)
                except ValidationError as error:
                    self.add_error("password1", error)
        return data


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code à 6 chiffres",
        min_length=6,
        max_length=8,
        help_text="Le code affiché par votre application d'authentification.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}),
    )

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise ValidationError("Le code ne contient que des chiffres.")
        return token


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Adresse e-mail de la personne", max_length=254)
    organization = forms.ModelChoiceField(label="Organisation", queryset=Organization.objects.none())
    role = forms.ChoiceField(label="Rôle", choices=Role.choices)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.managed_by(user).order_by("name")
        if self.fields["organization"].queryset.count() == 1:
            self.fields["organization"].initial = self.fields["organization"].queryset.get()
        self.fields["role"].choices = [("", "Choisir un rôle")] + [
            (role.value, role.label) for role in Role if role != Role.COORDINATOR or sees_whole_departement(user)
        ]

    def clean(self):
        data = super().clean()
        organization, role = data.get("organization"), data.get("role")
        if organization and role and role not in grantable_roles(self.user, organization):
            self.add_error("role", "Vous ne pouvez pas donner ce rôle dans cette organisation.")
        return data


class InvitationRenewalForm(forms.Form):
    email = forms.EmailField(
        label="Votre adresse e-mail",
        max_length=254,
        help_text="L'adresse à laquelle vous avez reçu l'invitation.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput)


class OrganizationSearchForm(forms.Form):
    q = forms.CharField(
        label="Rechercher", required=False, max_length=100, help_text="Nom de l'organisation ou commune."
    )

    def filter(self, organizations):
        text = self.cleaned_data.get("q", "").strip() if self.is_valid() else ""
        if text:
            organizations = organizations.filter(Q(name__icontains=text) | Q(commune__name__icontains=text))
        return organizations


def commune_field():
    return CommuneField(label="Commune", required=False, prefer_served_departement=True)


class OrganizationForm(forms.ModelForm):
    siret = forms.CharField(
        label="SIRET",
        required=False,
        max_length=20,
        help_text="14 chiffres, sans espace. Facultatif, mais recommandé.",
        validators=[validate_siret],
    )

    class Meta:
        model = Organization
        fields = ["name", "siret", "typology", "commune", "email", "phone", "is_partner", "is_network_member"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"] = commune_field()
        self.fields["typology"].choices = [("", "Choisir un type")] + list(self.fields["typology"].choices)[1:]
        if not can_set_network_flags(user):
            del self.fields["is_partner"]
            del self.fields["is_network_member"]

    def clean_siret(self):
        siret = self.cleaned_data["siret"].replace(" ", "")
        if siret and Organization.objects.exclude(pk=self.instance.pk).filter(siret=siret).exists():
            raise ValidationError("Une organisation avec ce SIRET existe déjà.")
        return siret

    def service_fields(self):
        return {name: self.cleaned_data[name] for name in self.fields}
