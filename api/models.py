"""Tokens for partners' systems, and the record of the quarterly reports already sent.

A token's secret is shown once, at creation; only its SHA-256 is stored (a leaked database gives no usable token).
The secret reads `inc_<prefix>_<random>`: the prefix (stored in clear, unique) finds the row, the hash checks it.
A token works until `expires_on` (included), chosen at creation: a year by default, two at most.
"""

import hashlib
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.expiry import Validity

SECRET_PREFIX = "inc"
PREFIX_RE = re.compile(r"[0-9a-f]{8}")
TOKEN_VALIDITY = Validity(default_days=365, max_days=730, max_label="deux ans")


class Scope(models.TextChoices):
    PLACES_READ = "places:read", "Lire les lieux"
    FIGURES_READ = "figures:read", "Lire les chiffres agrégés"
    EVENTS_READ = "events:read", "Lire les sessions d'événements"


def hash_secret(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret():
    """A fresh (secret, prefix, secret_hash). The secret is given to its owner once and never stored."""
    prefix = secrets.token_hex(4)
    secret = f"{SECRET_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    return secret, prefix, hash_secret(secret)


def default_expiry():
    return TOKEN_VALIDITY.default()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        """Neither revoked nor expired: the tokens that open the API."""
        return self.filter(revoked_at__isnull=True, expires_on__gte=timezone.localdate())

    def for_secret(self, secret):
        """The token whose secret is `secret` (revoked and expired ones included: the caller says which 401), or
        None."""
        parts = (secret or "").split("_", 2)
        if len(parts) != 3 or parts[0] != SECRET_PREFIX or not PREFIX_RE.fullmatch(parts[1]):
            return None
        token = self.select_related("organization").filter(prefix=parts[1]).first()
        if token is None or not secrets.compare_digest(token.secret_hash, hash_secret(secret)):
            return None
        return token


class ApiToken(models.Model):
    organization = models.ForeignKey(
        "accounts.Organization", verbose_name="organisation", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("nom", max_length=100, help_text="Le système qui l'utilise, par exemple « SIG du PETR ».")
    prefix = models.CharField("préfixe", max_length=8, unique=True, editable=False)
    secret_hash = models.CharField("empreinte du secret", max_length=64, unique=True, editable=False)
    scopes = models.JSONField("droits", default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="créé par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("créé le", default=timezone.now, editable=False)
    expires_on = models.DateField(
        "valable jusqu'au", default=default_expiry, help_text="Dernier jour où le jeton ouvre l'API."
    )
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="révoqué par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=models.F("created_at")),
                name="api_token_revoked_after_created",
                violation_error_message="Un jeton ne peut pas être révoqué avant sa création.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.organization})"

    @property
    def is_expired(self):
        return self.expires_on < timezone.localdate()

    @property
    def is_active(self):
        return self.revoked_at is None and not self.is_expired

    def has_scope(self, scope):
        return self.is_active and scope in (self.scopes or [])

    def get_scopes_display(self):
        labels = dict(Scope.choices)
        return [labels.get(scope, scope) for scope in self.scopes or []]


class PartnerReportQuerySet(models.QuerySet):
    def settled(self, now):
        """Reports with nothing to do: sent, or queued recently (the opposite of `PartnerReport.is_due`)."""
        return self.exclude(
            Q(status=PartnerReport.Status.FAILED)
            | Q(status=PartnerReport.Status.QUEUED, queued_at__lte=now - PartnerReport.REQUEUE_AFTER)
        )


class PartnerReport(models.Model):
    """One quarterly report to one partner organisation: queued by `send_partner_reports`, marked sent by the task
    once the e-mail has left. A failed sending is queued again by the next run; it is never sent twice."""

    class Status(models.TextChoices):
        QUEUED = "queued", "En file d'envoi"
        SENT = "sent", "Envoyé"
        FAILED = "failed", "Échec, renvoyé au prochain passage"

    # A report still queued after this long was lost by the queue: the next run queues it again (the task sends it
    # only while it is still queued, under a row lock, so a late duplicate sends nothing).
    REQUEUE_AFTER = timedelta(hours=12)

    organization = models.ForeignKey(
        "accounts.Organization", verbose_name="organisation", on_delete=models.CASCADE, related_name="partner_reports"
    )
    quarter = models.CharField(
        "trimestre", max_length=7, help_text="Par exemple 2026-Q3 : l'année et le numéro du trimestre."
    )
    recipients = models.JSONField("destinataires", default=list)
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.QUEUED)
    queued_at = models.DateTimeField("mis en file le", default=timezone.now)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("tentatives d'envoi", default=0)
    last_error = models.TextField("dernière erreur", blank=True)

    objects = PartnerReportQuerySet.as_manager()

    class Meta:
        verbose_name = "rapport trimestriel"
        verbose_name_plural = "rapports trimestriels"
        ordering = ["-queued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "quarter"],
                name="api_partner_report_once_per_quarter",
                violation_error_message="Le rapport de ce trimestre a déjà été envoyé à cette organisation.",
            ),
            models.CheckConstraint(
                condition=Q(quarter__regex=r"^\d{4}-Q[1-4]$"),
                name="api_partner_report_quarter_format",
                violation_error_message="Le trimestre s'écrit AAAA-Qn, par exemple 2026-Q3.",
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="api_partner_report_sent_at_when_sent",
                violation_error_message="Un rapport a une date d'envoi si, et seulement si, il est envoyé.",
            ),
        ]

    def __str__(self):
        return f"{self.organization} — {self.quarter}"

    def is_due(self, now):
        """To queue (again): the last sending failed, or the queue lost it."""
        return self.status == self.Status.FAILED or (
            self.status == self.Status.QUEUED and self.queued_at <= now - self.REQUEUE_AFTER
        )
