import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property

from accounts.typologies import typology_choices
from accounts.validators import validate_siret


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Coordination départementale"
    PARTNER_VIEWER = "partner_viewer", "Partenaire (consultation)"
    PRESCRIBER = "prescriber", "Prescripteur ou aidant"
    MEDIATOR = "mediator", "Médiateur ou médiatrice"
    REFURBISHER = "refurbisher", "Atelier de reconditionnement"
    ORG_ADMIN = "org_admin", "Administrateur de l'organisation"


# Roles whose holders must use a second factor (TOTP) before reaching any page.
SECOND_FACTOR_ROLES = {Role.COORDINATOR}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("L'adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """Someone who logs in. Administrators (département IT) are `is_staff`; every other power comes from
    memberships of organisations."""

    email = models.EmailField("adresse e-mail", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField(
        "administrateur",
        default=False,
        help_text="Accès à l'administration technique (service informatique du Département).",
    )
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)
    email_frequency = models.CharField(
        "e-mails de suivi",
        max_length=10,
        choices=[("immediate", "À chaque changement"), ("daily", "Un résumé par jour")],
        default="immediate",
    )
    sms_notifications = models.BooleanField(
        "recevoir aussi un SMS", default=False, help_text="Au numéro de téléphone de votre compte."
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    @cached_property
    def cached_memberships(self):
        """The user's memberships, read once per request (a user object lives for one request)."""
        return list(self.memberships.all())

    def refresh_from_db(self, *args, **kwargs):
        self.__dict__.pop("cached_memberships", None)
        super().refresh_from_db(*args, **kwargs)

    def has_role(self, *roles, organization=None):
        memberships = self.cached_memberships
        return any(
            m.role in roles and (organization is None or m.organization_id == organization.pk) for m in memberships
        )

    @property
    def roles(self):
        return {m.role for m in self.cached_memberships}

    @property
    def is_coordinator(self):
        return Role.COORDINATOR in self.roles

    @property
    def requires_second_factor(self):
        return self.is_staff or bool(self.roles & SECOND_FACTOR_ROLES)


class OrganizationQuerySet(models.QuerySet):
    def partners(self):
        return self.filter(is_partner=True)

    def network_members(self):
        return self.filter(is_network_member=True)

    def visible_to(self, user):
        """Coordinators and administrators see every organisation; other users see those they belong to,
        plus the partners and network members, which are public knowledge."""
        from accounts.permissions import sees_whole_departement

        if not user.is_authenticated:
            return self.none()
        if sees_whole_departement(user):
            return self
        return self.filter(Q(memberships__user=user) | Q(is_partner=True) | Q(is_network_member=True)).distinct()

    def managed_by(self, user):
        """Organisations whose members the user may invite and manage."""
        from accounts.permissions import sees_whole_departement

        if sees_whole_departement(user):
            return self
        return self.filter(memberships__user=user, memberships__role=Role.ORG_ADMIN).distinct()


class Organization(models.Model):
    name = models.CharField("nom", max_length=200)
    siret = models.CharField(
        "SIRET", max_length=14, blank=True, validators=[validate_siret], help_text="14 chiffres, sans espace."
    )
    typology = models.CharField("type de structure", max_length=20, blank=True, choices=typology_choices)
    commune = models.ForeignKey(
        "geo.Commune", verbose_name="commune", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_partner = models.BooleanField(
        "partenaire de la stratégie", default=False, help_text="Un des partenaires signataires (CAF, MSA, CPAM…)."
    )
    is_network_member = models.BooleanField("membre du réseau départemental", default=False)
    email = models.EmailField("e-mail de contact", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = "organisation"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                condition=~Q(siret=""),
                name="accounts_organization_siret_unique",
                violation_error_message="Une organisation avec ce SIRET existe déjà.",
            )
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(User, verbose_name="utilisateur", on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, verbose_name="organisation", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    created_at = models.DateTimeField("depuis le", auto_now_add=True)

    class Meta:
        verbose_name = "rôle dans une organisation"
        verbose_name_plural = "rôles dans les organisations"
        ordering = ["organization__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"],
                name="accounts_membership_unique",
                violation_error_message="Cette personne a déjà ce rôle dans cette organisation.",
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.organization}"


def hash_token(token):
    """Invitation tokens are stored as their SHA-256: a leaked database gives no usable link."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_invitation_token():
    """A fresh (token, token_hash) pair. The token goes into the e-mail only."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def invitation_expiry(now=None):
    return (now or timezone.now()) + timedelta(days=settings.INVITATION_VALIDITY_DAYS)


class InvitationQuerySet(models.QuerySet):
    def open(self):
        """Neither accepted nor revoked (may be expired)."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def pending(self):
        """Open and not yet expired: the link still works."""
        return self.open().filter(expires_at__gt=timezone.now())

    def accepted(self):
        return self.filter(accepted_at__isnull=False)

    def expired(self):
        return self.open().filter(expires_at__lte=timezone.now())

    def visible_to(self, user):
        """Invitations of the organisations the user manages (every one for coordinators and administrators)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(organization__in=Organization.objects.managed_by(user))

    def for_token(self, token):
        return self.filter(token_hash=hash_token(token or ""))


class Invitation(models.Model):
    """An e-mailed, single-use, expiring link to join an organisation with a role. Only the token's hash is kept."""

    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        ACCEPTED = "accepted", "Acceptée"
        EXPIRED = "expired", "Expirée"
        REVOKED = "revoked", "Annulée"

    email = models.EmailField("adresse e-mail invitée")
    organization = models.ForeignKey(
        Organization, verbose_name="organisation", on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    token_hash = models.CharField("empreinte du lien", max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, verbose_name="invitée par", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("envoyée le", default=timezone.now)
    expires_at = models.DateTimeField("valable jusqu'au", default=invitation_expiry)
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, verbose_name="acceptée par", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField("annulée le", null=True, blank=True)
    renewal_requested_at = models.DateTimeField("nouveau lien demandé le", null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "invitation"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["email", "organization", "role"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="accounts_invitation_one_open",
                violation_error_message=(
                    "Une invitation est déjà en attente pour cette adresse, cette organisation et ce rôle."
                ),
            )
        ]
        indexes = [models.Index(fields=["email"], name="accounts_invitation_email_idx")]

    def __str__(self):
        return f"Invitation de {self.email} — {self.get_role_display()} — {self.organization}"

    @property
    def status(self):
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self):
        return self.Status(self.status).label

    @property
    def is_usable(self):
        return self.status == self.Status.PENDING

    @property
    def is_open(self):
        return self.accepted_at is None and self.revoked_at is None


class LoginFailureQuerySet(models.QuerySet):
    def recent(self, email):
        """Failures for this (normalised) e-mail within the lockout window."""
        since = timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        return self.filter(email=normalize_login_email(email), created_at__gte=since)


def normalize_login_email(email):
    return (email or "").strip().lower()


class LoginFailure(models.Model):
    """One failed login attempt, kept in the database so that every application server sees it. Recorded for any
    e-mail typed, whether an account exists or not, so that the lockout reveals nothing."""

    email = models.CharField("adresse e-mail saisie", max_length=254)
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    created_at = models.DateTimeField("date", default=timezone.now)

    objects = LoginFailureQuerySet.as_manager()

    class Meta:
        verbose_name = "échec de connexion"
        verbose_name_plural = "échecs de connexion"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["email", "created_at"], name="accounts_loginfailure_idx")]

    def __str__(self):
        return f"{self.email} — {self.created_at:%d/%m/%Y %H:%M}"


class PendingNotificationQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_at__isnull=True)


class PendingNotification(models.Model):
    """A notification kept for the daily digest of a user who chose « un résumé par jour »."""

    user = models.ForeignKey(User, verbose_name="destinataire", on_delete=models.CASCADE, related_name="+")
    subject = models.CharField("objet", max_length=200)
    body = models.TextField("texte")
    created_at = models.DateTimeField("créée le", default=timezone.now)
    sent_at = models.DateTimeField("envoyée dans le résumé du", null=True, blank=True)

    objects = PendingNotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "notification en attente du résumé"
        verbose_name_plural = "notifications en attente du résumé"
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["sent_at", "user"], name="accounts_pending_notif_idx")]

    def __str__(self):
        return f"{self.subject} → {self.user_id}"
