"""The departmental fund: who pays in (contributions, receipts, earmarks), what it pays for (calls, applications,
decisions, grants, payments) and what came of it (final reports, indicators, co-funding unlocked).

Amounts are `DecimalField`s in euros with two decimals, never floats. The ledger is never stored: it is derived
from the rows (`EarmarkQuerySet.with_ledger()`, `funding.ledger`):

- received  = sum of the receipts;
- committed = what current decisions draw on the earmarks, not yet paid;
- paid      = what payments took from the earmarks;
- balance   = received − committed − paid.
"""

import secrets
import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Count, DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def money(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)


def _subtotal(model, outer_field, field, **filters):
    """Sum of `field` over `model` rows whose `outer_field` is the outer row, as a subquery (no join fan-out)."""
    rows = model.objects.filter(**{outer_field: OuterRef("pk")}, **filters).order_by()
    total = rows.values(outer_field).annotate(total=Sum(field)).values("total")
    return Coalesce(
        Subquery(total, output_field=DecimalField(max_digits=14, decimal_places=2)),
        Value(ZERO, output_field=DecimalField(max_digits=14, decimal_places=2)),
    )


# Funders and contributions ---------------------------------------------------------------------------------


class Funder(models.Model):
    """Who pays into the fund: an organisation of the platform (CAF, MSA…) or just a name."""

    organization = models.OneToOneField(
        "accounts.Organization",
        verbose_name="organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funder",
    )
    name = models.CharField("nom", max_length=200)
    siret = models.CharField("SIRET", max_length=14, blank=True, help_text="14 chiffres, sans espace.")

    class Meta:
        verbose_name = "financeur"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"], name="funding_funder_name_unique", violation_error_message="Ce financeur existe déjà."
            )
        ]

    def __str__(self):
        return self.name


class ContributionQuerySet(models.QuerySet):
    def with_totals(self):
        """`received` and `earmarked` per contribution, as subqueries."""
        return self.annotate(
            received=_subtotal(ContributionReceipt, "contribution", "amount"),
            earmarked=_subtotal(Earmark, "contribution", "amount"),
        )


class Contribution(models.Model):
    """What a funder pledges to the fund for a year, with its conditions."""

    funder = models.ForeignKey(
        Funder, verbose_name="financeur", on_delete=models.PROTECT, related_name="contributions"
    )
    year = models.PositiveSmallIntegerField("année")
    pledged = money("montant promis (€)")
    conditions = models.TextField("conditions", blank=True)
    created_at = models.DateTimeField("créée le", default=timezone.now)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        verbose_name = "contribution"
        ordering = ["-year", "funder__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["funder", "year"],
                name="funding_contribution_unique",
                violation_error_message="Ce financeur a déjà une contribution pour cette année.",
            ),
            models.CheckConstraint(
                condition=Q(pledged__gte=0),
                name="funding_contribution_pledged_positive",
                violation_error_message="Le montant promis ne peut pas être négatif.",
            ),
        ]

    def __str__(self):
        return f"{self.funder} — {self.year}"


class ContributionReceipt(models.Model):
    """Money actually received from a funder."""

    contribution = models.ForeignKey(
        Contribution, verbose_name="contribution", on_delete=models.PROTECT, related_name="receipts"
    )
    received_on = models.DateField("reçu le")
    amount = money("montant reçu (€)")
    note = models.CharField("note", max_length=200, blank=True)

    class Meta:
        verbose_name = "versement reçu"
        verbose_name_plural = "versements reçus"
        ordering = ["received_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="funding_receipt_amount_positive",
                violation_error_message="Le montant reçu doit être supérieur à zéro.",
            )
        ]

    def __str__(self):
        return f"{self.amount} € reçus le {self.received_on:%d/%m/%Y}"


class EarmarkQuerySet(models.QuerySet):
    def with_ledger(self):
        """Each earmark with `drawn` (current decisions) and `paid` (payments), each a subquery: one query for the
        whole list; `committed` and `available` follow from them (properties of Earmark)."""
        return self.annotate(
            drawn=_subtotal(DecisionEarmark, "earmark", "amount", decision__is_current=True),
            paid=_subtotal(PaymentEarmark, "earmark", "amount", payment__paid_at__isnull=False),
        )


class Earmark(models.Model):
    """A share of a contribution reserved for some publics, territories or kinds of action. Decisions draw on
    earmarks, never on the contribution as a whole, so each funder knows what its money paid for."""

    contribution = models.ForeignKey(
        Contribution, verbose_name="contribution", on_delete=models.PROTECT, related_name="earmarks"
    )
    label = models.CharField("intitulé", max_length=200)
    publics = models.CharField("publics", max_length=300, blank=True)
    territories = models.CharField("territoires", max_length=300, blank=True)
    action_kinds = models.CharField("types d'actions", max_length=300, blank=True)
    amount = money("montant fléché (€)")

    objects = EarmarkQuerySet.as_manager()

    class Meta:
        verbose_name = "fléchage"
        ordering = ["contribution__year", "contribution__funder__name", "label"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="funding_earmark_amount_positive",
                violation_error_message="Le montant fléché ne peut pas être négatif.",
            )
        ]

    def __str__(self):
        return f"{self.contribution.funder} {self.contribution.year} — {self.label}"

    @property
    def committed(self):
        """Drawn by current decisions and not yet paid (needs `with_ledger()`)."""
        return self.drawn - self.paid

    @property
    def available(self):
        """What decisions may still draw: the earmarked amount minus what current decisions draw (needs
        `with_ledger()`)."""
        return self.amount - self.drawn


# Calls for projects ----------------------------------------------------------------------------------------


class CallQuerySet(models.QuerySet):
    def published(self):
        """Calls shown on the public page: published ones and closed ones (their results are public)."""
        return self.filter(status__in=[Call.Status.PUBLISHED, Call.Status.CLOSED])

    def open_on(self, day):
        return self.filter(status=Call.Status.PUBLISHED, opens_on__lte=day, closes_on__gte=day)


class Call(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Brouillon"
        PUBLISHED = "published", "Publié"
        CLOSED = "closed", "Clos"

    title = models.CharField("titre", max_length=200)
    year = models.PositiveSmallIntegerField("année")
    objectives = models.TextField("objectifs")
    eligibility = models.TextField("qui peut candidater")
    budget = money("enveloppe (€)")
    opens_on = models.DateField("ouvert le")
    closes_on = models.DateField("clos le")
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.DRAFT)
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField("créé le", default=timezone.now)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = "appel à projets"
        verbose_name_plural = "appels à projets"
        ordering = ["-opens_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__gte=0),
                name="funding_call_budget_positive",
                violation_error_message="L'enveloppe ne peut pas être négative.",
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="funding_call_dates_ordered",
                violation_error_message="La date de clôture doit suivre la date d'ouverture.",
            ),
        ]

    def __str__(self):
        return self.title

    def is_open(self, day=None):
        day = day or timezone.localdate()
        return self.status == self.Status.PUBLISHED and self.opens_on <= day <= self.closes_on


class Criterion(models.Model):
    call = models.ForeignKey(Call, verbose_name="appel à projets", on_delete=models.CASCADE, related_name="criteria")
    label = models.CharField("critère", max_length=200)
    weight = models.PositiveSmallIntegerField("poids", default=1)

    class Meta:
        verbose_name = "critère"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=10),
                name="funding_criterion_weight_range",
                violation_error_message="Le poids d'un critère va de 1 à 10.",
            )
        ]

    def __str__(self):
        return f"{self.label} (poids {self.weight})"


# Applications ----------------------------------------------------------------------------------------------


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Coordinators and administrators see every application; the members of the applicant organisation who
        may apply for it (organisation admins, prescribers, mediators) see their organisation's."""
        from funding.permissions import APPLICANT_ROLES, manages_fund

        if not user.is_authenticated:
            return self.none()
        if manages_fund(user):
            return self
        organization_ids = [m.organization_id for m in user.cached_memberships if m.role in APPLICANT_ROLES]
        return self.filter(organization_id__in=organization_ids)


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Brouillon"
        SUBMITTED = "submitted", "Déposée"
        UNDER_REVIEW = "under_review", "En instruction"
        INFO_REQUESTED = "info_requested", "Compléments demandés"
        ACCEPTED = "accepted", "Acceptée"
        REJECTED = "rejected", "Refusée"
        WITHDRAWN = "withdrawn", "Retirée"

    EDITABLE_STATUSES = [Status.DRAFT, Status.INFO_REQUESTED]

    call = models.ForeignKey(
        Call, verbose_name="appel à projets", on_delete=models.PROTECT, related_name="applications"
    )
    organization = models.ForeignKey(
        "accounts.Organization", verbose_name="structure", on_delete=models.PROTECT, related_name="fund_applications"
    )
    project_title = models.CharField("titre du projet", max_length=200)
    project_description = models.TextField("description du projet", blank=True)
    amount_requested = money("montant demandé (€)", default=ZERO)
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.DRAFT)
    status_note = models.TextField("motif ou demande", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="créée par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("créée le", default=timezone.now)
    submitted_at = models.DateTimeField("déposée le", null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = "candidature"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["call", "status"], name="funding_application_call_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_requested__gte=0),
                name="funding_application_amount_positive",
                violation_error_message="Le montant demandé ne peut pas être négatif.",
            )
        ]

    def __str__(self):
        return f"Candidature n° {self.pk} — {self.project_title}"

    @property
    def is_editable(self):
        return self.status in self.EDITABLE_STATUSES


class BudgetLine(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    label = models.CharField("poste de dépense", max_length=200)
    amount = money("montant (€)")

    class Meta:
        verbose_name = "ligne de budget"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="funding_budget_line_amount_positive",
                violation_error_message="Le montant d'une dépense ne peut pas être négatif.",
            )
        ]

    def __str__(self):
        return self.label


class CoFunding(models.Model):
    class Source(models.TextChoices):
        STATE = "state", "Dispositif de l'État (France Services, Conseillers numériques…)"
        REGION = "region", "Région"
        LOCAL = "local", "Commune ou intercommunalité"
        EUROPE = "europe", "Fonds européens"
        OTHER = "other", "Autre"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Demandé"
        OBTAINED = "obtained", "Obtenu"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="cofundings")
    source = models.CharField("origine", max_length=20, choices=Source.choices)
    label = models.CharField("financeur ou dispositif", max_length=200)
    amount = money("montant (€)")
    status = models.CharField("état", max_length=20, choices=Status.choices, default=Status.REQUESTED)

    class Meta:
        verbose_name = "cofinancement"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="funding_cofunding_amount_positive",
                violation_error_message="Le montant d'un cofinancement ne peut pas être négatif.",
            )
        ]

    def __str__(self):
        return f"{self.label} ({self.get_status_display().lower()})"


class Indicator(models.Model):
    class Kind(models.TextChoices):
        PEOPLE = "people", "Personnes accompagnées"
        SESSIONS = "sessions", "Ateliers ou séances"
        DEVICES = "devices", "Équipements remis"
        OTHER = "other", "Autre"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField("indicateur", max_length=20, choices=Kind.choices)
    label = models.CharField("précision", max_length=200, blank=True)
    expected = models.PositiveIntegerField("valeur visée")
    achieved = models.PositiveIntegerField("valeur atteinte", null=True, blank=True)

    class Meta:
        verbose_name = "indicateur"
        ordering = ["pk"]

    def __str__(self):
        return self.label or self.get_kind_display()


def document_path(document, filename):
    """Stored under a random name; the original name stays in the database only."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"fonds/{document.application_id}/{secrets.token_hex(16)}{suffix}"


class ApplicationDocument(models.Model):
    """A document joined to an application (PDF, JPEG or PNG, checked by its first bytes). Served only through
    the application's permission check, never from MEDIA_URL."""

    class Kind(models.TextChoices):
        STATUTES = "statutes", "Statuts ou pièce d'identité de la structure"
        BANK = "bank", "Relevé d'identité bancaire (RIB)"
        BUDGET = "budget", "Budget détaillé du projet"
        OTHER = "other", "Autre document"

    REQUIRED_KINDS = [Kind.BANK]

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("type de document", max_length=20, choices=Kind.choices)
    file = models.FileField("fichier", upload_to=document_path)
    original_name = models.CharField("nom du fichier", max_length=255)
    content_type = models.CharField("type", max_length=100)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="déposé par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField("déposé le", default=timezone.now)

    class Meta:
        verbose_name = "document de candidature"
        verbose_name_plural = "documents de candidature"
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


# Instruction -----------------------------------------------------------------------------------------------


class Review(models.Model):
    class Opinion(models.TextChoices):
        FAVOURABLE = "favourable", "Favorable"
        RESERVED = "reserved", "Favorable avec réserves"
        UNFAVOURABLE = "unfavourable", "Défavorable"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="instructeur", on_delete=models.PROTECT, related_name="+"
    )
    opinion = models.CharField("avis", max_length=20, choices=Opinion.choices)
    comment = models.TextField("commentaire", blank=True)
    weighted_score = models.DecimalField("note pondérée (sur 5)", max_digits=4, decimal_places=2, default=ZERO)
    created_at = models.DateTimeField("donné le", default=timezone.now)

    class Meta:
        verbose_name = "avis d'instruction"
        verbose_name_plural = "avis d'instruction"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"],
                name="funding_review_unique",
                violation_error_message="Vous avez déjà donné votre avis sur cette candidature.",
            )
        ]

    def __str__(self):
        return f"Avis de {self.reviewer} — {self.get_opinion_display()}"


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField("note (0 à 5)")

    class Meta:
        verbose_name = "note"
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"],
                name="funding_review_score_unique",
                violation_error_message="Ce critère a déjà une note dans cet avis.",
            ),
            models.CheckConstraint(
                condition=Q(score__lte=5),
                name="funding_review_score_range",
                violation_error_message="Une note va de 0 à 5.",
            ),
        ]

    def __str__(self):
        return f"{self.criterion_id} : {self.score}/5"


class Decision(models.Model):
    """The committee's decision on an application. Only one is current; changing it makes a new one that names the
    one it revises and says why (constraint), the old one staying for the record."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="decisions")
    accepted = models.BooleanField("acceptée")
    amount = money("montant attribué (€)", default=ZERO)
    reason = models.TextField("motif", blank=True)
    reference = models.CharField("référence de la décision", max_length=50, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="décidée par", on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("décidée le", default=timezone.now)
    is_current = models.BooleanField("en vigueur", default=True)
    revises = models.OneToOneField(
        "self", verbose_name="révise", on_delete=models.PROTECT, null=True, blank=True, related_name="revised_by"
    )
    revision_reason = models.TextField("motif de la révision", blank=True)

    class Meta:
        verbose_name = "décision"
        ordering = ["decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(is_current=True),
                name="funding_decision_one_current",
                violation_error_message="Cette candidature a déjà une décision : révisez-la en donnant un motif.",
            ),
            models.CheckConstraint(
                condition=Q(revises__isnull=True) | ~Q(revision_reason=""),
                name="funding_decision_revision_reason",
                violation_error_message="Une décision révisée doit donner le motif de la révision.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0) & (Q(accepted=True, amount__gt=0) | Q(accepted=False, amount=0)),
                name="funding_decision_amount",
                violation_error_message="Une aide accordée a un montant positif ; un refus, aucun montant.",
            ),
            models.CheckConstraint(
                condition=Q(accepted=True) | ~Q(reason=""),
                name="funding_decision_rejection_reason",
                violation_error_message="Un refus doit être motivé.",
            ),
        ]

    def __str__(self):
        return f"Décision n° {self.pk} ({'accord' if self.accepted else 'refus'})"


class DecisionEarmark(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="earmark_lines")
    earmark = models.ForeignKey(Earmark, on_delete=models.PROTECT, related_name="decision_lines")
    amount = money("montant pris sur le fléchage (€)")

    class Meta:
        verbose_name = "part d'un fléchage"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "earmark"],
                name="funding_decision_earmark_unique",
                violation_error_message="Ce fléchage figure déjà dans la décision.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="funding_decision_earmark_positive",
                violation_error_message="Le montant pris sur un fléchage doit être supérieur à zéro.",
            ),
        ]

    def __str__(self):
        return f"{self.amount} € pris sur le fléchage n° {self.earmark_id}"


# Grants and payments ---------------------------------------------------------------------------------------


class GrantQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(application__in=Application.objects.visible_to(user))

    def with_figures(self):
        """`paid_total` and `cofunding_obtained` per grant, as subqueries."""
        return self.annotate(
            paid_total=_subtotal(Payment, "grant", "amount", paid_at__isnull=False),
            cofunding_obtained=Coalesce(
                Subquery(
                    CoFunding.objects.filter(application=OuterRef("application"), status=CoFunding.Status.OBTAINED)
                    .order_by()
                    .values("application")
                    .annotate(total=Sum("amount"))
                    .values("total"),
                    output_field=DecimalField(max_digits=14, decimal_places=2),
                ),
                Value(ZERO, output_field=DecimalField(max_digits=14, decimal_places=2)),
            ),
        )

    def with_people_followed(self):
        """`people_followed`: the people the applicant structure started following on the platform (people
        module's involvements) during the action — what the modules know of the people reached, counted only."""
        from people.models import Involvement

        followed = (
            Involvement.objects.filter(
                organization=OuterRef("application__organization"),
                since__date__gte=OuterRef("starts_on"),
                since__date__lte=OuterRef("ends_on"),
            )
            .order_by()
            .values("organization")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return self.annotate(people_followed=Coalesce(Subquery(followed), Value(0)))

    def report_due(self, day):
        """Grants whose final report is due (on or before `day`) and not yet submitted."""
        return self.filter(report_due_on__lte=day, final_report__isnull=True)


class Grant(models.Model):
    """The agreement that follows an accepted decision: amount, period, payment schedule, final report."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="grant")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="grants")
    reference = models.CharField("référence de la convention", max_length=30, unique=True)
    amount = money("montant (€)")
    agreement_date = models.DateField("date de la convention")
    starts_on = models.DateField("début de l'action")
    ends_on = models.DateField("fin de l'action")
    report_due_on = models.DateField("bilan attendu le")
    last_reminder_on = models.DateField("dernière relance le", null=True, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = "subvention"
        ordering = ["-agreement_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="funding_grant_amount_positive",
                violation_error_message="Le montant d'une subvention doit être supérieur à zéro.",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="funding_grant_dates_ordered",
                violation_error_message="La fin de l'action doit suivre son début.",
            ),
        ]

    def __str__(self):
        return f"Convention {self.reference}"


class Payment(models.Model):
    class Kind(models.TextChoices):
        ADVANCE = "advance", "Avance"
        BALANCE = "balance", "Solde (sur bilan final)"

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField("versement", max_length=20, choices=Kind.choices)
    due_on = models.DateField("prévu le")
    amount = money("montant (€)")
    paid_at = models.DateField("versé le", null=True, blank=True)

    class Meta:
        verbose_name = "versement"
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "kind"],
                name="funding_payment_unique_kind",
                violation_error_message="Ce versement figure déjà à l'échéancier.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="funding_payment_amount_positive",
                violation_error_message="Le montant d'un versement doit être supérieur à zéro.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} de {self.amount} €"


class PaymentEarmark(models.Model):
    """The share of a payment taken from each earmark of the decision (pro rata, the cents on the last line)."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="earmark_lines")
    earmark = models.ForeignKey(Earmark, on_delete=models.PROTECT, related_name="payment_lines")
    amount = money("montant (€)")

    class Meta:
        verbose_name = "part d'un versement"
        constraints = [
            models.UniqueConstraint(
                fields=["payment", "earmark"],
                name="funding_payment_earmark_unique",
                violation_error_message="Ce fléchage figure déjà dans le versement.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="funding_payment_earmark_positive",
                violation_error_message="La part d'un versement ne peut pas être négative.",
            ),
        ]

    def __str__(self):
        return f"{self.amount} € du fléchage n° {self.earmark_id}"


class FinalReport(models.Model):
    grant = models.OneToOneField(Grant, on_delete=models.PROTECT, related_name="final_report")
    narrative = models.TextField("bilan de l'action")
    submitted_at = models.DateTimeField("déposé le", default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="déposé par", on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "bilan final"
        verbose_name_plural = "bilans finaux"

    def __str__(self):
        return f"Bilan de la {self.grant}"
