"""The shared person record: a person accompanied by the network, their consents and the organisations involved
with them. Every later module (referrals, vouchers, events, devices) points at `Person`."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible


class SpecificNeed(models.TextChoices):
    HEARING = "hearing", "Audition"
    SIGHT = "sight", "Vue"
    MOBILITY = "mobility", "Mobilité"
    ILLITERACY = "illiteracy", "Illettrisme"
    LANGUAGE = "language", "Langue française"
    OTHER = "other", "Autre"


LANGUAGE_CHOICES = [
    ("fr", "Français"),
    ("en", "Anglais"),
    ("ar", "Arabe"),
    ("es", "Espagnol"),
    ("pt", "Portugais"),
    ("tr", "Turc"),
    ("uk", "Ukrainien"),
    ("ru", "Russe"),
]


def validate_birth_year(value):
    """A birth year between 1900 and the current year."""
    current = timezone.now().year
    if value is not None and not 1900 <= value <= current:
        raise ValidationError(f"L'année de naissance doit être comprise entre 1900 et {current}.")


@deconstructible
class ChoiceListValidator:
    """Validates a JSON list whose items must all be among `choices` (a list of (value, label))."""

    message = "Choisissez uniquement parmi les valeurs proposées."

    def __init__(self, choices):
        self.allowed = sorted(value for value, _label in choices)

    def __call__(self, value):
        if not isinstance(value, list) or any(item not in self.allowed for item in value):
            raise ValidationError(self.message, code="invalid_choice")

    def __eq__(self, other):
        return isinstance(other, ChoiceListValidator) and self.allowed == other.allowed

    def deconstruct(self):
        return ("people.models.ChoiceListValidator", [[(value, value) for value in self.allowed]], {})


class PersonQuerySet(models.QuerySet):
    def active(self):
        """Not anonymised (erased, merged or expired records keep their row for the statistics only)."""
        return self.filter(anonymized_at__isnull=True)

    def visible_to(self, user):
        """Coordinators and administrators see every person not anonymised; prescribers, mediators and organisation
        admins see the people involved with one of their organisations; partner viewers and refurbishers see none."""
        from accounts.permissions import sees_whole_departement

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if sees_whole_departement(user):
            return self.active()
        organization_ids = [m.organization_id for m in user.cached_memberships if m.role in PERSONAL_DATA_ROLES]
        if not organization_ids:
            return self.none()
        return self.active().filter(
            pk__in=Involvement.objects.filter(organization_id__in=organization_ids).values("person_id")
        )

    def having_possible_duplicate(self):
        """People of this QuerySet with a later record in it (a larger id) sharing their name key and one fact —
        the phone, the birth year or the commune: the candidates of `people.duplicates.duplicate_pairs`."""
        shared_fact = (
            (Q(phone_key=OuterRef("phone_key")) & ~Q(phone_key=""))
            | Q(birth_year=OuterRef("birth_year"))
            | Q(commune=OuterRef("commune"))
        )
        later = self.filter(shared_fact, name_key=OuterRef("name_key"), pk__gt=OuterRef("pk"))
        return self.exclude(name_key="").filter(Exists(later))

    def search(self, text):
        """People whose first or last name contains `text` (case-insensitive)."""
        text = (text or "").strip()
        if not text:
            return self
        query = Q()
        for word in text.split():
            query &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        return self.filter(query)


# Roles whose holders work with people and so see the people involved with their organisation.
PERSONAL_DATA_ROLES = {"prescriber", "mediator", "org_admin"}


class Person(models.Model):
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom ou initiales", max_length=150, blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("adresse e-mail", blank=True)
    no_direct_contact = models.BooleanField(
        "pas de contact direct — passer par le prescripteur",
        default=False,
        help_text="Cochez si la personne n'a ni téléphone ni e-mail, ou préfère être contactée par vous.",
    )
    commune = models.ForeignKey(
        "geo.Commune", verbose_name="commune", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    birth_year = models.PositiveSmallIntegerField(
        "année de naissance", null=True, blank=True, validators=[validate_birth_year]
    )
    languages = models.JSONField(
        "langues parlées", default=list, blank=True, validators=[ChoiceListValidator(LANGUAGE_CHOICES)]
    )
    other_languages = models.CharField("autres langues", max_length=200, blank=True)
    specific_needs = models.JSONField(
        "besoins spécifiques", default=list, blank=True, validators=[ChoiceListValidator(SpecificNeed.choices)]
    )
    created_at = models.DateTimeField("créée le", default=timezone.now)
    last_activity_at = models.DateTimeField("dernière activité le", null=True, blank=True)
    anonymized_at = models.DateTimeField("anonymisée le", null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name="fusionnée dans", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Blocking keys of the duplicate search, set by the services (`people.duplicates.duplicate_keys`).
    name_key = models.CharField("clé phonétique du nom", max_length=300, blank=True, editable=False)
    phone_key = models.CharField("téléphone normalisé", max_length=20, blank=True, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "personne accompagnée"
        verbose_name_plural = "personnes accompagnées"
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="people_person_name_idx"),
            models.Index(fields=["anonymized_at", "last_activity_at"], name="people_person_activity_idx"),
            models.Index(
                fields=["name_key"], condition=Q(anonymized_at__isnull=True), name="people_person_name_key_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(phone="") | ~Q(email="") | Q(no_direct_contact=True) | Q(anonymized_at__isnull=False),
                name="people_person_reachable",
                violation_error_message=(
                    "Indiquez un téléphone ou une adresse e-mail, ou cochez « pas de contact direct — passer par "
                    "le prescripteur »."
                ),
            ),
        ]

    def __str__(self):
        if self.anonymized_at:
            return f"Personne anonymisée n° {self.pk}"
        return f"{self.first_name} {self.last_name}".strip() or f"Personne n° {self.pk}"

    @property
    def is_anonymized(self):
        return self.anonymized_at is not None

    def get_specific_needs_display(self):
        labels = dict(SpecificNeed.choices)
        return [labels.get(value, value) for value in self.specific_needs]

    def get_languages_display(self):
        labels = dict(LANGUAGE_CHOICES)
        names = [labels.get(value, value) for value in self.languages]
        if self.other_languages:
            names.append(self.other_languages)
        return names


class Consent(models.Model):
    class Purpose(models.TextChoices):
        ACCOMPANIMENT = "accompaniment", "Orientation et accompagnement"
        SHARING = "sharing", "Partage avec les organisations impliquées"
        CONTACT = "contact", "Contact par SMS ou e-mail"
        STATISTICS = "statistics", "Statistiques"

    class Method(models.TextChoices):
        WRITTEN = "written", "Par écrit"
        ORAL = "oral", "À l'oral, avec l'attestation du professionnel"
        ONLINE = "online", "En ligne, par la personne elle-même"

    person = models.ForeignKey(Person, verbose_name="personne", on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField("objet", max_length=20, choices=Purpose.choices)
    method = models.CharField("recueilli", max_length=10, choices=Method.choices)
    given_at = models.DateTimeField("donné le", default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="enregistré par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField("retiré le", null=True, blank=True)

    class Meta:
        verbose_name = "consentement"
        ordering = ["-given_at", "-pk"]
        indexes = [models.Index(fields=["person", "purpose"], name="people_consent_person_idx")]

    def __str__(self):
        return f"{self.get_purpose_display()} ({self.get_method_display().lower()})"

    @property
    def is_active(self):
        return self.withdrawn_at is None


class Involvement(models.Model):
    class Reason(models.TextChoices):
        CREATED = "created", "A créé la fiche"
        REFERRAL = "referral", "Orientation"
        ACCOMPANIMENT = "accompaniment", "Accompagnement"
        MERGE = "merge", "Fusion de doublons"
        OTHER = "other", "Autre"

    person = models.ForeignKey(Person, verbose_name="personne", on_delete=models.CASCADE, related_name="involvements")
    organization = models.ForeignKey(
        "accounts.Organization", verbose_name="organisation", on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField("motif", max_length=20, choices=Reason.choices, default=Reason.OTHER)
    since = models.DateTimeField("depuis le", default=timezone.now)

    class Meta:
        verbose_name = "organisation impliquée"
        verbose_name_plural = "organisations impliquées"
        ordering = ["since", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organization"],
                name="people_involvement_unique",
                violation_error_message="Cette organisation est déjà impliquée auprès de cette personne.",
            )
        ]
        indexes = [models.Index(fields=["organization", "person"], name="people_involvement_org_idx")]

    def __str__(self):
        return f"{self.organization} — {self.get_reason_display()}"
