from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

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

    def has_role(self, *roles, organization=None):
        memberships = self.memberships.all()
        return any(
            m.role in roles and (organization is None or m.organization_id == organization.pk) for m in memberships
        )

    @property
    def roles(self):
        return {m.role for m in self.memberships.all()}

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
