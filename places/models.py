import math
import uuid

from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.validators import validate_siret
from places import vocabulary
from places.fields import MultiChoiceField, StringListField
from places.validators import validate_opening_hours, validate_phone, validate_rna

POSTAL_CODE_VALIDATOR = RegexValidator(r"^\d{5}$", "Le code postal doit compter 5 chiffres.")
INSEE_CODE_VALIDATOR = RegexValidator(
    r"^([013-9]\d|2[AB1-9])\d{3}$", "Le code INSEE doit compter 5 caractères (ex. 47001, 2A004)."
)
EARTH_KM_PER_DEGREE = 111.32


class PlaceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Place.Status.PUBLISHED)

    def with_value(self, field_name, value):
        """Places whose multi-valued `field_name` (services, publics…) holds `value`."""
        return self.filter(**MultiChoiceField.has(field_name, value))

    def within_box(self, latitude, longitude, km):
        """A cheap, indexed pre-filter: places inside the square of side 2×`km` around the point. Refine with
        `geo.distance.distance_km`."""
        lat_delta = km / EARTH_KM_PER_DEGREE
        lon_delta = km / (EARTH_KM_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))
        return self.filter(
            latitude__range=(latitude - lat_delta, latitude + lat_delta),
            longitude__range=(longitude - lon_delta, longitude + lon_delta),
        )

    def visible_to(self, user):
        """Published places for everyone; coordinators and administrators see every place; members of the owning
        organisation also see its drafts and archived places."""
        from accounts.permissions import sees_whole_departement

        if user.is_authenticated and sees_whole_departement(user):
            return self
        if not user.is_authenticated:
            return self.published()
        return self.filter(Q(status=Place.Status.PUBLISHED) | Q(organization__memberships__user=user)).distinct()

    def editable_by(self, user):
        """The places `user` may edit (see `places.permissions.can_edit_place`)."""
        from places.permissions import EDITOR_ROLES, can_moderate_places

        if not user.is_authenticated:
            return self.none()
        if can_moderate_places(user):
            return self
        return self.filter(
            organization__memberships__user=user, organization__memberships__role__in=EDITOR_ROLES
        ).distinct()

    def stale(self, months=None, *, now=None):
        """Places not confirmed for `months` (default `settings.PLACE_STALE_MONTHS`), or never confirmed."""
        cutoff = stale_cutoff(months, now=now)
        return self.filter(Q(confirmed_at__isnull=True) | Q(confirmed_at__lt=cutoff))

    def stale_first(self):
        """Never confirmed first, then the oldest confirmation first."""
        return self.order_by(models.F("confirmed_at").asc(nulls_first=True), "name", "pk")


def stale_cutoff(months=None, *, now=None):
    """The moment before which a confirmation is too old: `months` × 30.44 days before `now`."""
    from datetime import timedelta

    from django.conf import settings

    months = settings.PLACE_STALE_MONTHS if months is None else months
    return (now or timezone.now()) - timedelta(days=round(months * 30.44))


class Place(models.Model):
    """A place of the directory: every field of the *schéma des lieux de médiation numérique* v1.0.x, plus the
    network's own fields. Field comments give the standard's column name."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Brouillon"
        PUBLISHED = "published", "Publié"
        ARCHIVED = "archived", "Archivé"

    uid = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)  # id (export)
    name = models.CharField("nom", max_length=250)  # nom
    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[validate_siret])  # pivot
    rna = models.CharField("RNA", max_length=10, blank=True, validators=[validate_rna])  # pivot when no SIRET
    address = models.CharField("adresse", max_length=250)  # adresse
    address_complement = models.CharField("complément d'adresse", max_length=250, blank=True)  # complement_adresse
    postal_code = models.CharField("code postal", max_length=5, validators=[POSTAL_CODE_VALIDATOR])  # code_postal
    commune_name = models.CharField("commune", max_length=100)  # commune
    insee_code = models.CharField("code INSEE", max_length=5, blank=True, validators=[INSEE_CODE_VALIDATOR])
    commune = models.ForeignKey(
        "geo.Commune", verbose_name="commune (référentiel)", on_delete=models.PROTECT, null=True, blank=True
    )
    latitude = models.FloatField(
        "latitude", null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        "longitude", null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    typologies = StringListField("types de structure")  # typologie (codes of the national list)
    phone = models.CharField("téléphone", max_length=16, blank=True, validators=[validate_phone])  # telephone
    emails = StringListField("adresses e-mail")  # courriels
    websites = StringListField("sites web")  # site_web
    opening_hours = models.CharField(
        "horaires", max_length=500, blank=True, validators=[validate_opening_hours]
    )  # horaires (OpenStreetMap syntax)
    summary = models.TextField(
        "présentation courte", blank=True, validators=[MaxLengthValidator(280)]
    )  # presentation_resume
    description = models.TextField("présentation détaillée", blank=True)  # presentation_detail
    data_source = models.CharField("source des données", max_length=250, blank=True)  # source
    parent_structure = models.CharField("structure parente", max_length=250, blank=True)  # structure_parente
    itinerance = MultiChoiceField("itinérance", vocabulary=vocabulary.ITINERANCE)  # itinerance
    updated_on = models.DateField("date de mise à jour", default=timezone.localdate)  # date_maj
    services = MultiChoiceField("services", vocabulary=vocabulary.SERVICES)
    publics = MultiChoiceField(
        "publics spécifiquement adressés", vocabulary=vocabulary.PUBLICS
    )  # publics_specifiquement_adresses
    specific_support = MultiChoiceField(
        "prise en charge spécifique", vocabulary=vocabulary.SPECIFIC_SUPPORT
    )  # prise_en_charge_specifique
    fees = MultiChoiceField("frais à charge", vocabulary=vocabulary.FEES)  # frais_a_charge
    national_programmes = MultiChoiceField(
        "dispositifs et programmes nationaux", vocabulary=vocabulary.NATIONAL_PROGRAMMES
    )  # dispositif_programmes_nationaux
    training_labels = MultiChoiceField(
        "formations et labels", vocabulary=vocabulary.TRAINING_LABELS
    )  # formations_labels
    other_labels = StringListField("autres formations et labels")  # autres_formations_labels
    access_modes = MultiChoiceField("modalités d'accès", vocabulary=vocabulary.ACCESS_MODES)  # modalites_acces
    support_modes = MultiChoiceField(
        "modalités d'accompagnement", vocabulary=vocabulary.SUPPORT_MODES
    )  # modalites_accompagnement
    accessibility_url = models.URLField("fiche Accès libre", max_length=500, blank=True)  # fiche_acces_libre
    booking_url = models.URLField("prise de rendez-vous en ligne", max_length=500, blank=True)  # prise_rdv

    # The network's own fields.
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name="organisation responsable",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="places",
    )
    accepts_pass_numerique = models.BooleanField("accepte le Pass Numérique", default=False)
    is_pass_qualified = models.BooleanField(
        "lieu qualifié Pass Numérique", default=False, help_text="Peut encaisser des pass (lieu labellisé)."
    )
    is_network_member = models.BooleanField("membre du réseau départemental", default=False)
    can_relay_webinars = models.BooleanField("peut relayer des webinaires", default=False)
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.DRAFT)
    import_source = models.CharField("source d'import", max_length=100, blank=True)
    external_id = models.CharField("identifiant dans la source", max_length=200, blank=True)
    confirmed_at = models.DateTimeField("dernière confirmation", null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="fusionné dans",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_places",
        help_text="Doublon fusionné par la coordination : ce lieu est archivé au profit de celui-ci.",
    )
    last_reminder_at = models.DateTimeField("dernier rappel de mise à jour", null=True, blank=True)
    completeness = models.PositiveSmallIntegerField("complétude (%)", default=0)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    modified_at = models.DateTimeField("modifié le", auto_now=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = "lieu"
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["import_source", "external_id"],
                condition=~Q(external_id=""),
                name="places_place_source_id_unique",
                violation_error_message="Un lieu de cette source a déjà cet identifiant.",
            ),
            models.CheckConstraint(
                condition=Q(is_pass_qualified=False) | Q(accepts_pass_numerique=True),
                name="places_place_qualified_accepts_pass",
                violation_error_message="Un lieu qualifié Pass Numérique doit accepter le Pass Numérique.",
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__isnull=False) & Q(longitude__isnull=False)),
                name="places_place_point_complete",
                violation_error_message="La latitude et la longitude vont ensemble.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "latitude", "longitude"], name="places_status_point_idx"),
            models.Index(fields=["status", "confirmed_at"], name="places_status_confirmed_idx"),
            models.Index(fields=["commune", "status"], name="places_commune_status_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.commune_name})"

    @property
    def pivot(self):
        """The standard's `pivot`: the SIRET, else the RNA, else the national placeholder for « unknown »."""
        return self.siret or self.rna or "00000000000000"

    @property
    def point(self):
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)

    @property
    def is_stale(self):
        return self.confirmed_at is None or self.confirmed_at < stale_cutoff()


class ErrorReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ErrorReport.Status.OPEN)

    def visible_to(self, user):
        """Coordinators see every report; members of a place's organisation see the reports on its places."""
        from accounts.permissions import sees_whole_departement

        if not user.is_authenticated:
            return self.none()
        if sees_whole_departement(user):
            return self
        return self.filter(place__organization__memberships__user=user).distinct()


class ErrorReport(models.Model):
    """« Signaler une erreur » on a place page, by anyone. Reaches the place's organisation and the coordinator."""

    class Status(models.TextChoices):
        OPEN = "open", "À traiter"
        FIXED = "fixed", "Corrigé"
        DISMISSED = "dismissed", "Sans suite"

    place = models.ForeignKey(Place, verbose_name="lieu", on_delete=models.CASCADE, related_name="error_reports")
    what_is_wrong = models.TextField("ce qui est faux", max_length=2000, validators=[MaxLengthValidator(2000)])
    suggestion = models.TextField(
        "correction proposée", max_length=2000, blank=True, validators=[MaxLengthValidator(2000)]
    )
    contact = models.CharField(
        "contact", max_length=254, blank=True, help_text="E-mail ou téléphone, si vous acceptez d'être recontacté."
    )
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField("signalé le", auto_now_add=True)
    handled_at = models.DateTimeField("traité le", null=True, blank=True)
    handled_by = models.ForeignKey(
        "accounts.User", verbose_name="traité par", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ErrorReportQuerySet.as_manager()

    class Meta:
        verbose_name = "signalement d'erreur"
        verbose_name_plural = "signalements d'erreur"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "-created_at"], name="places_report_status_idx")]

    def __str__(self):
        return f"Signalement sur {self.place.name}"


class PlaceImport(models.Model):
    """One import of a file in the standard (upload page or command): its progress and its outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        RUNNING = "running", "En cours"
        DONE = "done", "Terminé"
        FAILED = "failed", "Refusé"

    source = models.CharField("source", max_length=100)
    filename = models.CharField("fichier", max_length=255)
    file = models.FileField("fichier importé", upload_to="imports/lieux/", blank=True)
    dry_run = models.BooleanField("simulation", default=False)
    keep_valid_rows = models.BooleanField("importer les lignes valides seulement", default=False)
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField("lignes", default=0)
    processed_rows = models.PositiveIntegerField("lignes traitées", default=0)
    created_count = models.PositiveIntegerField("créés", default=0)
    updated_count = models.PositiveIntegerField("mis à jour", default=0)
    unchanged_count = models.PositiveIntegerField("inchangés", default=0)
    rejected_count = models.PositiveIntegerField("refusés", default=0)
    errors = models.JSONField("erreurs", default=list, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name="lancé par", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("lancé le", auto_now_add=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "import de lieux"
        verbose_name_plural = "imports de lieux"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Import {self.filename} ({self.get_status_display()})"

    @property
    def progress_percent(self):
        return round(100 * self.processed_rows / self.total_rows) if self.total_rows else 0
