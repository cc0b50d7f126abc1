"""Pilotage data: read-only share links of a dashboard, and the indice de fragilité numérique (IFN) imported from
La MedNum's published file. Everything else the dashboards show is computed from the other modules."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.expiry import Validity

SHARE_LINK_VALIDITY = Validity(default_days=90, max_days=365, max_label="365 jours")


def new_token():
    return secrets.token_urlsafe(32)


def default_expiry():
    return SHARE_LINK_VALIDITY.default()


class ShareLinkQuerySet(models.QuerySet):
    def not_revoked(self):
        return self.filter(revoked_at__isnull=True)

    def active(self):
        """Neither revoked nor expired: the links whose address shows the dashboard."""
        return self.not_revoked().filter(expires_on__gte=timezone.localdate())

    def visible_to(self, user):
        """Coordinators see every link; others the links of the organisations they hold a role in."""
        from accounts.permissions import sees_whole_departement

        if not user.is_authenticated:
            return self.none()
        if sees_whole_departement(user):
            return self
        ids = [m.organization_id for m in user.cached_memberships]
        return self.filter(organization_id__in=ids)


class ShareLink(models.Model):
    """A read-only link to a dashboard (its filters frozen), for people without an account. Anyone holding the
    address sees the figures, small counts masked, until `expires_on` (included); then it answers 410. A revoked
    link answers 404."""

    token = models.CharField("jeton", max_length=64, unique=True, default=new_token, editable=False)
    label = models.CharField("nom du lien", max_length=120)
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name="organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Vide : le tableau de bord du département.",
    )
    filters = models.JSONField("filtres", default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="créé par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("créé le", default=timezone.now)
    expires_on = models.DateField(
        "valable jusqu'au", default=default_expiry, help_text="Dernier jour où l'adresse montre le tableau de bord."
    )
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="révoqué par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        verbose_name = "lien de partage d'un tableau de bord"
        verbose_name_plural = "liens de partage des tableaux de bord"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=models.F("created_at")),
                name="dashboards_sharelink_revoked_after_created",
                violation_error_message="Un lien ne peut pas être révoqué avant d'avoir été créé.",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def is_expired(self):
        return self.expires_on < timezone.localdate()

    @property
    def is_active(self):
        return self.revoked_at is None and not self.is_expired


class IFNScore(models.Model):
    """One score of the indice de fragilité numérique for one territory, one vintage, one variant. Levels,
    vintages, variants and scales are kept apart: a 2020 base-100 score is never compared with a 2023 1–10 one."""

    class Level(models.TextChoices):
        COMMUNE = "commune", "Commune"
        EPCI = "epci", "EPCI"
        DEPARTEMENT = "departement", "Département"
        IRIS = "iris", "IRIS"

    class Variant(models.TextChoices):
        ALL_AGES = "tout_age", "Tout âge"
        SENIOR = "senior", "Senior"
        YOUTH = "jeune", "Jeune"

    class Scale(models.TextChoices):
        ONE_TO_TEN = "1-10", "de 1 à 10"
        MINUS_TEN_TO_TEN = "-10..10", "de -10 à 10"
        BASE_100 = "base100", "base 100"

    level = models.CharField("niveau", max_length=12, choices=Level.choices, default=Level.COMMUNE)
    code = models.CharField("code officiel", max_length=9, help_text="Code INSEE, SIREN de l'EPCI, code IRIS…")
    commune = models.ForeignKey(
        "geo.Commune",
        verbose_name="commune",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Renseignée pour le niveau commune.",
    )
    version = models.CharField("millésime", max_length=20)
    variant = models.CharField("variante", max_length=10, choices=Variant.choices, default=Variant.ALL_AGES)
    scale = models.CharField("échelle", max_length=8, choices=Scale.choices, default=Scale.ONE_TO_TEN)
    score = models.DecimalField("score", max_digits=6, decimal_places=2)
    imported_at = models.DateTimeField("importé le", default=timezone.now)

    class Meta:
        verbose_name = "indice de fragilité numérique"
        verbose_name_plural = "indices de fragilité numérique"
        ordering = ["level", "code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code", "version", "variant"],
                name="dashboards_ifn_unique",
                violation_error_message="Ce territoire a déjà un score pour ce millésime et cette variante.",
            ),
            models.CheckConstraint(
                condition=Q(level="commune", commune__isnull=False) | ~Q(level="commune"),
                name="dashboards_ifn_commune_level",
                violation_error_message="Un score de niveau commune doit désigner sa commune.",
            ),
        ]
        indexes = [models.Index(fields=["version", "level", "variant"], name="dashboards_ifn_version_idx")]

    def __str__(self):
        return f"IFN {self.version} {self.code} : {self.score}"
