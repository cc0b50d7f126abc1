"""Referrals (« orientations »): a prescriber sends a person to a place — or « au réseau », for the coordination to
dispatch — and the place's answer and the outcome of the accompaniment come back. Status changes only go through
`referrals.services` (see `ReferralWorkflow`); each leaves a `ReferralTransition` row."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from people.models import PERSONAL_DATA_ROLES, ChoiceListValidator
from places import vocabulary

# La Coop de la médiation numérique's themes (shared standards.md §5.2): API value — label.
COOP_THEMES = [
    ("diagnostic_numerique", "Diagnostic numérique"),
    ("prendre_en_main_du_materiel", "Prendre en main du matériel"),
    ("maintenance_de_materiel", "Maintenance de matériel"),
    ("gere_ses_contenus_numeriques", "Gérer ses contenus numériques"),
    ("navigation_sur_internet", "Navigation sur internet"),
    ("email", "E-mail"),
    ("bureautique", "Bureautique"),
    ("reseaux_sociaux", "Réseaux sociaux communication"),
    ("sante", "Santé"),
    ("banque_et_achats_en_ligne", "Banque et achats en ligne"),
    ("entrepreneuriat", "Accompagner un professionnel"),
    ("insertion_professionnelle", "Insertion professionnelle"),
    ("securite_numerique", "Prévention en sécurité numérique"),
    ("parentalite", "Parentalité"),
    ("scolarite_et_numerique", "Scolarité et numérique"),
    ("creer_avec_le_numerique", "Créer avec le numérique"),
    ("culture_numerique", "Culture numérique"),
    ("intelligence_artificielle", "Intelligence artificielle (IA)"),
    ("aide_aux_demarches_administratives", "Aide aux démarches administratives"),
    ("papiers_elections_citoyennete", "Papiers - Élections - Citoyenneté"),
    ("famille_scolarite", "Famille - Scolarité"),
    ("social_sante", "Social - Santé"),
    ("travail_formation", "Travail - Formation - Entreprise"),
    ("logement", "Logement"),
    ("transports_mobilite", "Transports - Mobilité"),
    ("argent_impots", "Argent - Impôts"),
    ("justice", "Justice"),
    ("etrangers_europe", "Étrangers - Europe"),
    ("loisirs_sports_culture", "Loisirs - Sports - Culture"),
    ("associations", "Associations"),
]
# What a prescriber may ask for: the standard's services (exact strings) plus La Coop's themes.
NEED_CHOICES = [(service, service) for service in vocabulary.SERVICES] + COOP_THEMES

WEEKDAYS = [
    ("mo", "lundi"),
    ("tu", "mardi"),
    ("we", "mercredi"),
    ("th", "jeudi"),
    ("fr", "vendredi"),
    ("sa", "samedi"),
    ("su", "dimanche"),
]
HALF_DAYS = [("morning", "matin"), ("afternoon", "après-midi")]
# « tu_morning » — « mardi matin »; the weekday index (0 = Monday) is the position in WEEKDAYS.
AVAILABILITY_CHOICES = [
    (f"{day}_{half}", f"{day_label} {half_label}") for day, day_label in WEEKDAYS for half, half_label in HALF_DAYS
]


def parse_availability(value):
    """« tu_morning » → (1, "morning") (weekday index, half-day), as `places.opening_hours.is_open_on` takes them."""
    day, half = value.split("_", 1)
    return [code for code, _label in WEEKDAYS].index(day), half


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Coordinators and administrators see every referral; prescribers, mediators and organisation admins see
        those sent by their organisation and those targeted at their organisation's places; partner viewers and
        refurbishers see none."""
        from accounts.permissions import sees_whole_departement

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if sees_whole_departement(user):
            return self
        organization_ids = [m.organization_id for m in user.cached_memberships if m.role in PERSONAL_DATA_ROLES]
        if not organization_ids:
            return self.none()
        return self.filter(
            Q(prescriber_organization_id__in=organization_ids) | Q(target_place__organization_id__in=organization_ids)
        )

    def inbox(self, place):
        """The referrals a place has to handle (sent, under review, accepted, in progress), oldest first."""
        return self.filter(target_place=place, status__in=Referral.OPEN_STATUSES).order_by("sent_at", "pk")

    def to_network(self):
        """Sent « au réseau », waiting for the coordination to choose a place."""
        return self.filter(target_place__isnull=True, status=Referral.Status.SENT).order_by("sent_at", "pk")

    def unanswered_first(self):
        """The coordination's order: referrals waiting for an answer first, oldest first, then all the others,
        newest first. Annotates `is_waiting` (bool)."""
        waiting = Q(status__in=[Referral.Status.SENT, Referral.Status.UNDER_REVIEW])
        return self.annotate(
            is_waiting=models.Case(
                models.When(waiting, then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            ),
            waiting_since=models.Case(models.When(waiting, then=models.F("sent_at")), default=None),
        ).order_by("-is_waiting", models.F("waiting_since").asc(nulls_last=True), "-sent_at", "-pk")


class Referral(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", "Envoyée"
        UNDER_REVIEW = "under_review", "En cours d'examen"
        ACCEPTED = "accepted", "Acceptée"
        IN_PROGRESS = "in_progress", "Accompagnement en cours"
        CLOSED = "closed", "Terminée"
        DECLINED = "declined", "Refusée"
        EXPIRED = "expired", "Expirée"
        CANCELLED = "cancelled", "Annulée"
        TRANSFERRED = "transferred", "Transférée"

    class Channel(models.TextChoices):
        PRESCRIBER = "prescriber", "Par un prescripteur"
        CALLBACK = "callback", "Demande de rappel (site public)"

    class Urgency(models.TextChoices):
        NORMAL = "normal", "Normale"
        URGENT = "urgent", "Urgente"

    class ContactPreference(models.TextChoices):
        PHONE = "phone", "Téléphone"
        SMS = "sms", "SMS"
        EMAIL = "email", "E-mail"
        PRESCRIBER = "prescriber", "Par l'intermédiaire du prescripteur"
        POST = "post", "Courrier"

    class DeclineReason(models.TextChoices):
        OUT_OF_SCOPE = "out_of_scope", "Ce besoin ne correspond pas à nos services"
        FULL = "full", "Plus de place pour le moment"
        TOO_FAR = "too_far", "Trop loin du domicile de la personne"
        UNREACHABLE = "unreachable", "Personne injoignable"
        ALREADY_HELPED = "already_helped", "Déjà accompagnée ailleurs"
        OTHER = "other", "Autre raison"

    class Autonomy(models.TextChoices):
        # La Coop's three levels (standards.md §5.1).
        GUIDED = "entierement_accompagne", "Avec guidage"
        PARTLY = "partiellement_autonome", "Autonome avec guidage en cas de besoin"
        AUTONOMOUS = "autonome", "Autonome"

    OPEN_STATUSES = [Status.SENT, Status.UNDER_REVIEW, Status.ACCEPTED, Status.IN_PROGRESS]
    FINAL_STATUSES = [Status.CLOSED, Status.DECLINED, Status.EXPIRED, Status.CANCELLED, Status.TRANSFERRED]

    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.PROTECT, related_name="referrals"
    )
    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="prescripteur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    prescriber_organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name="organisation du prescripteur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sent_referrals",
        help_text="Vide pour une demande de rappel faite par la personne sur le site public.",
    )
    channel = models.CharField("origine", max_length=12, choices=Channel.choices, default=Channel.PRESCRIBER)
    target_place = models.ForeignKey(
        "places.Place",
        verbose_name="lieu",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        help_text="Vide : orientation « au réseau », la coordination choisit le lieu.",
    )
    needs = models.JSONField("besoins", default=list, blank=True, validators=[ChoiceListValidator(NEED_CHOICES)])
    urgency = models.CharField("urgence", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    free_text = models.TextField("précisions", blank=True)
    contact_preference = models.CharField(
        "contact préféré", max_length=12, choices=ContactPreference.choices, default=ContactPreference.PHONE
    )
    availability = models.JSONField(
        "disponibilités", default=list, blank=True, validators=[ChoiceListValidator(AVAILABILITY_CHOICES)]
    )
    status = models.CharField("statut", max_length=15, choices=Status.choices, default=Status.SENT)
    created_at = models.DateTimeField("créée le", default=timezone.now)
    sent_at = models.DateTimeField("envoyée le", default=timezone.now)
    answered_at = models.DateTimeField("réponse du lieu le", null=True, blank=True)
    appointment_at = models.DateTimeField("premier rendez-vous", null=True, blank=True)
    closed_at = models.DateTimeField("terminée le", null=True, blank=True)
    decline_reason = models.CharField("motif du refus", max_length=20, choices=DeclineReason.choices, blank=True)
    decline_details = models.TextField("précisions sur le refus", blank=True)
    sessions_count = models.PositiveSmallIntegerField("nombre de séances", null=True, blank=True)
    themes_covered = models.JSONField(
        "thèmes abordés", default=list, blank=True, validators=[ChoiceListValidator(COOP_THEMES)]
    )
    autonomy = models.CharField("autonomie atteinte", max_length=25, choices=Autonomy.choices, blank=True)
    further_orientation = models.TextField("orientation vers une autre structure", blank=True)
    transferred_from = models.ForeignKey(
        "self",
        verbose_name="transférée depuis",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="transfers",
    )
    reminded_at = models.DateTimeField("relance du lieu envoyée le", null=True, blank=True)
    modified_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = "orientation"
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["target_place", "status", "sent_at"], name="referrals_place_inbox_idx"),
            models.Index(fields=["prescriber_organization", "status", "-sent_at"], name="referrals_prescriber_idx"),
            models.Index(fields=["status", "sent_at"], name="referrals_status_sent_idx"),
            # The pilotage's figures of a period read this index only (PostgreSQL: index-only scan).
            models.Index(
                fields=[
                    "sent_at",
                    "status",
                    "autonomy",
                    "prescriber_organization",
                    "answered_at",
                    "sessions_count",
                    "person",
                    "id",
                ],
                name="referrals_dashboard_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="referrals_closed_has_date",
                violation_error_message="Une orientation terminée doit avoir une date de fin.",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="referrals_declined_has_reason",
                violation_error_message="Une orientation refusée doit avoir un motif de refus.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["in_progress", "closed"]) | Q(appointment_at__isnull=False),
                name="referrals_started_has_appointment",
                violation_error_message="Un accompagnement en cours doit avoir un premier rendez-vous.",
            ),
            models.CheckConstraint(
                condition=Q(prescriber_organization__isnull=False) | Q(channel="callback"),
                name="referrals_sender_known",
                violation_error_message="Seule une demande de rappel peut venir sans organisation prescriptrice.",
            ),
            models.CheckConstraint(
                condition=Q(target_place__isnull=False) | Q(status__in=["sent", "cancelled", "expired"]),
                name="referrals_network_only_waiting",
                violation_error_message=(
                    "Une orientation « au réseau » doit être attribuée à un lieu avant d'être examinée."
                ),
            ),
        ]

    def __str__(self):
        return f"Orientation n° {self.pk}"

    @property
    def reference(self):
        """The number given to the person (« 2026-00042 »): the year sent and the referral's number."""
        return f"{self.sent_at:%Y}-{self.pk:05d}"

    @property
    def sender_label(self):
        """Who sent it, for the pages: the prescriber's organisation, or the public call-back form."""
        if self.prescriber_organization_id:
            return self.prescriber_organization.name
        return self.get_channel_display()

    @property
    def is_callback(self):
        return self.channel == self.Channel.CALLBACK

    @property
    def is_to_network(self):
        return self.target_place_id is None

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    def get_needs_display(self):
        labels = dict(NEED_CHOICES)
        return [labels.get(value, value) for value in self.needs]

    def get_availability_display(self):
        labels = dict(AVAILABILITY_CHOICES)
        return [labels.get(value, value) for value in self.availability]


class ReferralTransition(models.Model):
    """One status change of a referral, with its actor (None: the system, e.g. the expiry timer)."""

    referral = models.ForeignKey(
        Referral, verbose_name="orientation", on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField("de", max_length=15, choices=Referral.Status.choices, blank=True)
    to_status = models.CharField("vers", max_length=15, choices=Referral.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField("le", default=timezone.now)
    note = models.TextField("note", blank=True)

    class Meta:
        verbose_name = "changement d'état d'une orientation"
        verbose_name_plural = "changements d'état des orientations"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["referral", "at"], name="referrals_transition_idx")]

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"


class ReferralComment(models.Model):
    """The thread between the prescriber's side and the place's side."""

    class Side(models.TextChoices):
        PRESCRIBER = "prescriber", "Prescripteur"
        PLACE = "place", "Lieu"
        COORDINATION = "coordination", "Coordination"

    referral = models.ForeignKey(
        Referral, verbose_name="orientation", on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    side = models.CharField("côté", max_length=12, choices=Side.choices)
    body = models.TextField("message")
    created_at = models.DateTimeField("écrit le", default=timezone.now)

    class Meta:
        verbose_name = "commentaire d'orientation"
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["referral", "created_at"], name="referrals_comment_idx")]

    def __str__(self):
        return f"Commentaire n° {self.pk}"


def attachment_path(attachment, filename):
    """Stored under a random name: the original name (personal data, maybe) stays in the database only."""
    import secrets
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:10]
    return f"orientations/{attachment.referral_id}/{secrets.token_hex(16)}{suffix}"


class ReferralAttachment(models.Model):
    """A document joined to a referral (checked by type and size on upload). Served only through the referral's
    permission check, never from MEDIA_URL; its file is deleted after the referral is closed (`purged_at`)."""

    referral = models.ForeignKey(
        Referral, verbose_name="orientation", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("fichier", upload_to=attachment_path, blank=True)
    original_name = models.CharField("nom du fichier", max_length=255)
    content_type = models.CharField("type", max_length=100)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="déposé par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField("déposé le", default=timezone.now)
    purged_at = models.DateTimeField("fichier supprimé le", null=True, blank=True)

    class Meta:
        verbose_name = "pièce jointe d'orientation"
        verbose_name_plural = "pièces jointes d'orientation"
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    @property
    def is_purged(self):
        return self.purged_at is not None


class ReferralLink(models.Model):
    """A signed, single-use link sent by e-mail to a place's address, to answer a referral without an account.
    The URL carries a signature of (pk, nonce); the row says whether it is still usable."""

    referral = models.ForeignKey(Referral, verbose_name="orientation", on_delete=models.CASCADE, related_name="links")
    place = models.ForeignKey("places.Place", verbose_name="lieu", on_delete=models.CASCADE, related_name="+")
    sent_to = models.EmailField("envoyé à")
    nonce = models.CharField("jeton", max_length=64, unique=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)
    expires_at = models.DateTimeField("valable jusqu'au")
    used_at = models.DateTimeField("utilisé le", null=True, blank=True)
    used_for = models.CharField("utilisé pour", max_length=30, blank=True)

    class Meta:
        verbose_name = "lien de réponse d'un lieu"
        verbose_name_plural = "liens de réponse des lieux"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Lien n° {self.pk} ({self.referral})"

    def is_usable(self, now=None):
        now = now or timezone.now()
        return self.used_at is None and now < self.expires_at
