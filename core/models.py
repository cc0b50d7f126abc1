from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models


class HistoryEntryQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))

    def by_actor(self, user):
        return self.filter(actor=user)

    def visible_to(self, user):
        from core.permissions import can_read_history

        return self if can_read_history(user) else self.none()


class HistoryEntry(models.Model):
    """One row per state change: who did what, to which object, when, and the values before and after where they
    matter. Written by services only, never edited."""

    created_at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField("auteur (au moment de l'action)", max_length=255, blank=True)
    action = models.CharField("action", max_length=64)
    content_type = models.ForeignKey(ContentType, verbose_name="type d'objet", on_delete=models.PROTECT)
    object_id = models.CharField("identifiant de l'objet", max_length=64)
    object_label = models.CharField("objet", max_length=255)
    changes = models.JSONField("modifications", default=dict, blank=True)
    message = models.TextField("commentaire", blank=True)

    objects = HistoryEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "entrée d'historique"
        verbose_name_plural = "historique"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-created_at"], name="core_history_object_idx"),
            models.Index(fields=["actor", "-created_at"], name="core_history_actor_idx"),
        ]

    def __str__(self):
        when = f"{self.created_at:%d/%m/%Y %H:%M}"
        return f"{when} — {self.actor_label or 'système'} — {self.action_label} — {self.object_label}"

    @property
    def action_label(self):
        from core.history import action_label

        return action_label(self.action)

    def changed_fields(self):
        """[(field label, value)] for the template: labels come from the model's verbose names."""
        model = self.content_type.model_class()
        rows = []
        for name, value in (self.changes or {}).items():
            try:
                label = str(model._meta.get_field(name).verbose_name) if model else name
            except FieldDoesNotExist:
                label = name
            rows.append((label, value))
        return rows


class RateLimitCounter(models.Model):
    """How many times a key (« guide-send:ip:<hash> ») was hit in one fixed window. Written only by
    `core.ratelimit.hit`; rows whose window has ended are useless and `core.ratelimit.purge_expired` deletes them."""

    key = models.CharField("clé", max_length=100)
    window_start = models.DateTimeField("début de la fenêtre")
    expires_at = models.DateTimeField("fin de la fenêtre", db_index=True)
    count = models.PositiveIntegerField("nombre de demandes", default=0)

    class Meta:
        verbose_name = "compteur de limitation"
        verbose_name_plural = "compteurs de limitation"
        constraints = [
            models.UniqueConstraint(
                fields=["key", "window_start"],
                name="core_ratelimit_key_window_unique",
                violation_error_message="Un seul compteur par clé et par fenêtre.",
            )
        ]

    def __str__(self):
        return f"{self.key} : {self.count} depuis {self.window_start:%d/%m/%Y %H:%M}"
