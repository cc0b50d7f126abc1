"""Data of the digital-autonomy diagnostic (/diagnostic/).

- `DiagnosticTally`: the only trace a public diagnostic leaves, an anonymous count of levels by commune and month
  (the steering figures). One row per (commune, month, level); « commune inconnue » is the row whose commune is
  empty, kept unique by its own partial constraint (in SQL two NULLs are distinct, so a plain unique constraint
  would let such rows multiply).
- `DiagnosticResult`: a diagnostic a professional ran with a person and attached to their record, with consent.
  It holds no personal field besides the link to the person.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone

from referrals.models import Referral


class Level(models.TextChoices):
    """La Coop's workshop levels (standards.md §5.1, `niveau_atelier`)."""

    BEGINNER = "debutant", "Débutant"
    INTERMEDIATE = "intermediaire", "Intermédiaire"
    ADVANCED = "avance", "Avancé"


Autonomy = Referral.Autonomy  # La Coop's autonomy values and labels, shared with the referrals


class DiagnosticTallyQuerySet(models.QuerySet):
    def between(self, first_month, last_month):
        """Rows from `first_month` to `last_month` included (any day of those months)."""
        return self.filter(month__gte=first_month.replace(day=1), month__lte=last_month.replace(day=1))

    def totals_by_level(self):
        """{level: number of diagnostics} over the rows of the queryset, every level present."""
        totals = dict.fromkeys(Level.values, 0)
        for row in self.values("level").annotate(total=Sum("count")).order_by():
            totals[row["level"]] = row["total"]
        return totals


class DiagnosticTally(models.Model):
    commune = models.ForeignKey(
        "geo.Commune",
        verbose_name="commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Vide : la personne n'a pas indiqué sa commune.",
    )
    month = models.DateField("mois", help_text="Toujours le premier jour du mois.")
    level = models.CharField("niveau", max_length=15, choices=Level.choices)
    count = models.PositiveIntegerField("nombre de diagnostics", default=0)

    objects = DiagnosticTallyQuerySet.as_manager()

    class Meta:
        verbose_name = "décompte de diagnostics"
        verbose_name_plural = "décomptes de diagnostics"
        ordering = ["-month", "commune", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "month", "level"],
                condition=Q(commune__isnull=False),
                name="orientation_tally_unique",
                violation_error_message="Ce décompte existe déjà pour cette commune, ce mois et ce niveau.",
            ),
            models.UniqueConstraint(
                fields=["month", "level"],
                condition=Q(commune__isnull=True),
                name="orientation_tally_unknown_commune_unique",
                violation_error_message="Ce décompte existe déjà (commune inconnue, même mois, même niveau).",
            ),
        ]

    def __str__(self):
        commune = self.commune.name if self.commune_id else "commune inconnue"
        return f"{self.get_level_display()} — {commune} — {self.month:%m/%Y} : {self.count}"


def validate_answers(value):
    """A dict {question code: answer code} answering every question of the diagnostic."""
    from orientation.diagnostic import answers_problem

    problem = answers_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_answers")


class DiagnosticResultQuerySet(models.QuerySet):
    def for_person(self, person):
        return self.filter(person=person).order_by("-created_at", "-pk")


class DiagnosticResult(models.Model):
    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="diagnostics"
    )
    answers = models.JSONField("réponses", validators=[validate_answers])
    level = models.CharField("niveau", max_length=15, choices=Level.choices)
    autonomy = models.CharField("autonomie", max_length=25, choices=Autonomy.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="fait par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organization = models.ForeignKey(
        "accounts.Organization", verbose_name="organisation", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("fait le", default=timezone.now)

    objects = DiagnosticResultQuerySet.as_manager()

    class Meta:
        verbose_name = "diagnostic numérique"
        verbose_name_plural = "diagnostics numériques"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["person", "created_at"], name="orientation_diag_person_idx")]

    def __str__(self):
        return f"Diagnostic numérique n° {self.pk} — {self.get_level_display()}"
