"""Reconditionnement: donations of end-of-life computers, each device and its workflow (received → erased →
refurbished → ready → reserved → delivered, or recycled), the erasure proof, the requests prescribers make for the
people they support, the delivery, the eligibility rules and CO2e factors the coordination sets, the hours of
insertion work. The invariants are database constraints with a French message; every write goes through
`devices.services`."""

import re
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone


def new_token():
    return secrets.token_urlsafe(16)


def normalize_serial(value):
    """« sn 12-ab 34 » → « SN12AB34 »: the form the uniqueness is checked on (spaces, dashes, dots ignored)."""
    return re.sub(r"[\s\-./]", "", value or "").upper()


def euros(cents):
    if cents is None:
        return "—"
    return f"{cents // 100},{cents % 100:02d} €"


class Kind(models.TextChoices):
    LAPTOP = "laptop", "Ordinateur portable"
    DESKTOP = "desktop", "Ordinateur fixe"
    TABLET = "tablet", "Tablette"
    SMARTPHONE = "smartphone", "Smartphone"
    SCREEN = "screen", "Écran"
    OTHER = "other", "Autre"


class Grade(models.TextChoices):
    A = "A", "A — comme neuf"
    B = "B", "B — traces d'usage légères"
    C = "C", "C — traces d'usage visibles, fonctionne"


class Status(models.TextChoices):
    RECEIVED = "received", "Reçu"
    ERASED = "erased", "Données effacées"
    REFURBISHED = "refurbished", "Reconditionné"
    READY = "ready", "Prêt à remettre"
    RESERVED = "reserved", "Réservé"
    DELIVERED = "delivered", "Remis"
    RECYCLED = "recycled", "Recyclé"


IN_STOCK_STATUSES = [Status.RECEIVED, Status.ERASED, Status.REFURBISHED, Status.READY, Status.RESERVED]
GRADED_STATUSES = [Status.REFURBISHED, Status.READY, Status.RESERVED, Status.DELIVERED]


def _workshop_ids(user):
    from accounts.models import Role

    if not user.is_authenticated or not user.is_active:
        return []
    return [m.organization_id for m in user.cached_memberships if m.role == Role.REFURBISHER]


class DonationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The coordination sees every donation; workshop staff the donations their workshop received."""
        from accounts.permissions import sees_whole_departement

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if sees_whole_departement(user):
            return self
        return self.filter(workshop_id__in=_workshop_ids(user))


class Donation(models.Model):
    """A batch of devices given by a partner (« don »), collected by a workshop."""

    donor = models.ForeignKey(
        "accounts.Organization", verbose_name="donateur", on_delete=models.PROTECT, related_name="device_donations"
    )
    workshop = models.ForeignKey(
        "accounts.Organization", verbose_name="atelier", on_delete=models.PROTECT, related_name="workshop_donations"
    )
    announced_count = models.PositiveIntegerField("nombre d'appareils annoncés")
    received_count = models.PositiveIntegerField("nombre d'appareils reçus", default=0)
    pickup_date = models.DateField("date d'enlèvement", null=True, blank=True)
    contact = models.CharField("contact chez le donateur", max_length=200, blank=True)
    notes = models.TextField("remarques", blank=True)
    created_at = models.DateTimeField("enregistré le", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="enregistré par", on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = DonationQuerySet.as_manager()

    class Meta:
        verbose_name = "don"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(announced_count__gte=1),
                name="devices_donation_announced_positive",
                violation_error_message="Un don annonce au moins un appareil.",
            ),
        ]

    def __str__(self):
        return f"Don n° {self.pk} de {self.donor.name}" if self.pk else "Nouveau don"


class DeviceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The coordination sees every device; workshop staff the devices of their workshop's donations."""
        from accounts.permissions import sees_whole_departement

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if sees_whole_departement(user):
            return self
        return self.filter(donation_id__in=Donation.objects.filter(workshop_id__in=_workshop_ids(user)).values("pk"))

    def in_stock(self):
        return self.filter(status__in=IN_STOCK_STATUSES)

    def ready(self):
        return self.filter(status=Status.READY)


class Device(models.Model):
    donation = models.ForeignKey(Donation, verbose_name="don", on_delete=models.PROTECT, related_name="devices")
    kind = models.CharField("type d'appareil", max_length=12, choices=Kind.choices)
    brand = models.CharField("marque", max_length=80)
    model = models.CharField("modèle", max_length=120, blank=True)
    serial = models.CharField(
        "numéro de série", max_length=80, blank=True, help_text="Tel qu'inscrit sous l'appareil ; peut rester vide."
    )
    processor = models.CharField("processeur", max_length=120, blank=True)
    memory_gb = models.PositiveSmallIntegerField("mémoire vive (Go)", null=True, blank=True)
    storage_gb = models.PositiveIntegerField("stockage (Go)", null=True, blank=True)
    operating_system = models.CharField("système installé", max_length=120, blank=True)
    grade = models.CharField("état esthétique", max_length=1, choices=Grade.choices, blank=True)
    price_cents = models.PositiveIntegerField("prix solidaire (centimes)", null=True, blank=True)
    status = models.CharField("étape", max_length=12, choices=Status.choices, default=Status.RECEIVED)
    recycled_reason = models.CharField("motif du recyclage", max_length=300, blank=True)
    token = models.CharField("jeton de l'étiquette", max_length=32, unique=True, default=new_token, editable=False)
    received_at = models.DateTimeField("reçu le", default=timezone.now)
    status_changed_at = models.DateTimeField("étape changée le", default=timezone.now)

    objects = DeviceQuerySet.as_manager()

    class Meta:
        verbose_name = "appareil"
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "kind", "grade"], name="devices_device_stock_idx"),
            models.Index(fields=["-received_at", "-id"], name="devices_device_received_idx"),
            models.Index(fields=["serial"], name="devices_device_serial_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("brand"),
                "serial",
                condition=~Q(serial=""),
                name="devices_device_serial_unique_per_brand",
                violation_error_message="Un appareil de cette marque porte déjà ce numéro de série.",
            ),
            models.CheckConstraint(
                condition=~Q(status="recycled") | ~Q(recycled_reason=""),
                name="devices_device_recycled_has_reason",
                violation_error_message="Un appareil recyclé porte le motif du recyclage.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=GRADED_STATUSES) | ~Q(grade=""),
                name="devices_device_refurbished_has_grade",
                violation_error_message="Un appareil reconditionné porte son état esthétique (A, B ou C).",
            ),
        ]

    def __str__(self):
        label = " ".join(part for part in (self.brand, self.model) if part)
        return f"{self.get_kind_display()} {label} (n° {self.pk})"

    @property
    def price_display(self):
        return euros(self.price_cents)


class DeviceTransition(models.Model):
    """One line of a device's history: from which step to which, by whom, when."""

    device = models.ForeignKey(Device, verbose_name="appareil", on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("de", max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField("vers", max_length=12, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField("le", default=timezone.now)
    note = models.CharField("remarque", max_length=300, blank=True)

    class Meta:
        verbose_name = "étape d'un appareil"
        verbose_name_plural = "étapes des appareils"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["to_status", "at"], name="devices_transition_to_idx")]

    def __str__(self):
        return f"{self.get_from_status_display() or 'Entrée'} → {self.get_to_status_display()}"


class Erasure(models.Model):
    """The proof that the donor's data is gone: how, with what, when and by whom. The certificate is built from it."""

    class Method(models.TextChoices):
        OVERWRITE = "overwrite", "Réécriture complète du support (NIST 800-88 « Clear »)"
        SECURE_ERASE = "secure_erase", "Commande d'effacement sécurisé du support (NIST 800-88 « Purge »)"
        CRYPTO = "crypto", "Effacement cryptographique (clé détruite)"
        FACTORY_RESET = "factory_reset", "Réinitialisation d'usine d'un appareil chiffré (tablette, smartphone)"
        DESTRUCTION = "destruction", "Destruction physique du support"

    device = models.OneToOneField(Device, verbose_name="appareil", on_delete=models.CASCADE, related_name="erasure")
    method = models.CharField("méthode", max_length=16, choices=Method.choices)
    tool = models.CharField("outil et version", max_length=120)
    performed_on = models.DateField("date de l'effacement")
    operator = models.CharField("opérateur ou opératrice", max_length=120)
    evidence = models.TextField(
        "preuve", help_text="Référence du rapport de l'outil, résultat de la vérification, numéro du support…"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="enregistré par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField("enregistré le", default=timezone.now)

    class Meta:
        verbose_name = "effacement des données"
        verbose_name_plural = "effacements des données"
        constraints = [
            models.CheckConstraint(
                condition=~Q(tool="") & ~Q(operator="") & ~Q(evidence=""),
                name="devices_erasure_has_evidence",
                violation_error_message="Un effacement porte son outil, son opérateur et sa preuve.",
            ),
        ]

    def __str__(self):
        return f"Effacement de l'appareil n° {self.device_id}"


class Urgency(models.TextChoices):
    NORMAL = "normal", "Normale"
    URGENT = "urgent", "Urgente (démarche bloquée, recherche d'emploi…)"


class RequestStatus(models.TextChoices):
    QUEUED = "queued", "En attente"
    RESERVED = "reserved", "Appareil réservé"
    DELIVERED = "delivered", "Appareil remis"
    CANCELLED = "cancelled", "Annulée"


class DeviceRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The coordination and workshop staff see every request (the workshop serves the whole queue); the
        prescriber side (prescribers, mediators, organisation admins) sees its organisations' requests."""
        from accounts.permissions import sees_whole_departement
        from people.models import PERSONAL_DATA_ROLES

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if sees_whole_departement(user) or _workshop_ids(user):
            return self
        organization_ids = [m.organization_id for m in user.cached_memberships if m.role in PERSONAL_DATA_ROLES]
        return self.filter(organization_id__in=organization_ids)

    def queue(self):
        """The waiting requests in serving order: priority (1 first), then the oldest."""
        return self.filter(status=RequestStatus.QUEUED).order_by("priority", "created_at", "pk")


class DeviceRequest(models.Model):
    """A prescriber's request for a device for a person (« demande d'équipement »)."""

    class Priority(models.IntegerChoices):
        HIGH = 1, "Haute"
        NORMAL = 2, "Normale"
        LOW = 3, "Basse"

    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.PROTECT, related_name="device_requests"
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name="organisation prescriptrice",
        on_delete=models.PROTECT,
        related_name="device_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="demandé par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField("type d'appareil demandé", max_length=12, choices=Kind.choices)
    usage = models.TextField("usage prévu", help_text="Démarches, recherche d'emploi, scolarité des enfants…")
    urgency = models.CharField("urgence", max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    priority = models.PositiveSmallIntegerField("priorité", choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField("statut", max_length=10, choices=RequestStatus.choices, default=RequestStatus.QUEUED)
    reserved_device = models.OneToOneField(
        Device,
        verbose_name="appareil réservé",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reservation",
    )
    created_at = models.DateTimeField("demandée le", default=timezone.now)
    reserved_at = models.DateTimeField("réservée le", null=True, blank=True)
    closed_at = models.DateTimeField("close le", null=True, blank=True)
    cancel_reason = models.CharField("motif de l'annulation", max_length=300, blank=True)

    objects = DeviceRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande d'appareil"
        verbose_name_plural = "demandes d'appareil"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "priority", "created_at"], name="devices_request_queue_idx"),
            models.Index(fields=["organization", "status"], name="devices_request_org_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status__in=["reserved", "delivered"]) & Q(reserved_device__isnull=False))
                | (Q(status__in=["queued", "cancelled"]) & Q(reserved_device__isnull=True)),
                name="devices_request_device_matches_status",
                violation_error_message=(
                    "Une demande réservée ou remise porte son appareil ; une demande en attente ou annulée n'en a pas."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="devices_request_cancel_has_reason",
                violation_error_message="Une demande annulée porte le motif de l'annulation.",
            ),
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=Q(status__in=["queued", "reserved"]),
                name="devices_request_one_open_per_kind",
                violation_error_message="Une demande de ce type d'appareil est déjà en cours pour cette personne.",
            ),
        ]

    def __str__(self):
        return f"Demande n° {self.pk} ({self.get_kind_display().lower()})"


class Delivery(models.Model):
    """The hand-over (« remise »): the person acknowledges receipt on paper or on screen; training is offered."""

    class Acknowledgement(models.TextChoices):
        PAPER = "paper", "Bon de remise signé sur papier"
        SCREEN = "screen", "Signature à l'écran (nom saisi par la personne)"

    request = models.OneToOneField(
        DeviceRequest, verbose_name="demande", on_delete=models.PROTECT, related_name="delivery"
    )
    device = models.OneToOneField(Device, verbose_name="appareil", on_delete=models.PROTECT, related_name="delivery")
    delivered_at = models.DateTimeField("remis le", default=timezone.now)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="remis par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    acknowledgement = models.CharField("accusé de réception", max_length=8, choices=Acknowledgement.choices)
    signature_name = models.CharField("nom signé", max_length=150, blank=True)
    price_paid_cents = models.PositiveIntegerField("prix payé (centimes)", default=0)
    training_offer = models.TextField("formation proposée", blank=True)

    class Meta:
        verbose_name = "remise"
        ordering = ["-delivered_at", "-pk"]
        indexes = [models.Index(fields=["delivered_at"], name="devices_delivery_at_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(acknowledgement="screen") | ~Q(signature_name=""),
                name="devices_delivery_screen_signature",
                violation_error_message="Une signature à l'écran porte le nom saisi par la personne.",
            ),
        ]

    def __str__(self):
        return f"Remise de l'appareil n° {self.device_id}"


class EligibilityRule(models.Model):
    """A condition a person must meet for a request, switched on or off by the coordination."""

    class Code(models.TextChoices):
        LIVES_IN_DEPARTEMENT = "lives_in_departement", "La personne habite le département"
        HOLDS_PASS_BOOK = "holds_pass_book", "La personne a reçu un carnet Pass Numérique"
        HAS_REFERRAL = "has_referral", "La personne a été orientée vers un lieu de médiation"

    code = models.CharField("règle", max_length=30, choices=Code.choices, unique=True)
    active = models.BooleanField("appliquée", default=False)
    changed_at = models.DateTimeField("modifiée le", default=timezone.now)

    class Meta:
        verbose_name = "règle d'éligibilité"
        verbose_name_plural = "règles d'éligibilité"
        ordering = ["code"]

    def __str__(self):
        return self.get_code_display()


class CO2Factor(models.Model):
    """Emissions avoided when a device of this kind gets a second life instead of a new one being made."""

    kind = models.CharField("type d'appareil", max_length=12, choices=Kind.choices, unique=True)
    kg_co2e = models.DecimalField("kg CO2e évités par appareil", max_digits=7, decimal_places=1)
    source = models.TextField("source")
    changed_at = models.DateTimeField("modifié le", default=timezone.now)

    class Meta:
        verbose_name = "facteur CO2e"
        verbose_name_plural = "facteurs CO2e"
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kg_co2e__gte=0),
                name="devices_co2factor_not_negative",
                violation_error_message="Un facteur d'émissions évitées n'est pas négatif.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} : {self.kg_co2e} kg CO2e"


class WorkLog(models.Model):
    """Hours of insertion work done in the workshop (« heures d'insertion »), by an employee named as the workshop
    wishes (first name or initials)."""

    workshop = models.ForeignKey(
        "accounts.Organization", verbose_name="atelier", on_delete=models.PROTECT, related_name="device_work_logs"
    )
    worker = models.CharField("salarié ou salariée en insertion", max_length=120)
    day = models.DateField("jour")
    hours = models.DecimalField("heures", max_digits=4, decimal_places=1)
    activity = models.CharField("travail réalisé", max_length=200)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="saisi par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    logged_at = models.DateTimeField("saisi le", default=timezone.now)

    class Meta:
        verbose_name = "heures d'insertion"
        verbose_name_plural = "heures d'insertion"
        ordering = ["-day", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24),
                name="devices_worklog_hours_range",
                violation_error_message="Indiquez entre 0,5 et 24 heures pour une journée.",
            ),
        ]

    def __str__(self):
        return f"{self.worker}, {self.day:%d/%m/%Y} : {self.hours} h"


def photo_path(photo, filename):
    """Stored under a random name (the extension is the real type's, set by the service)."""
    return f"reconditionnement/{photo.device_id}/{secrets.token_hex(16)}{filename[-4:].lower()}"


class DevicePhoto(models.Model):
    """An optional photo of a device (JPEG or PNG, checked by its first bytes). Served only through the device's
    permission check, never from MEDIA_URL."""

    device = models.ForeignKey(Device, verbose_name="appareil", on_delete=models.CASCADE, related_name="photos")
    file = models.FileField("photo", upload_to=photo_path)
    content_type = models.CharField("type", max_length=20)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="déposée par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField("déposée le", default=timezone.now)

    class Meta:
        verbose_name = "photo d'un appareil"
        verbose_name_plural = "photos des appareils"
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return f"Photo n° {self.pk} de l'appareil n° {self.device_id}"
