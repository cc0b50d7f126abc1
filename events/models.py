"""Événements: series (« les jeudis de l'inclusion numérique »), events (training for aidants, public webinar,
workshop, forum), their sessions, the relay sites of a webinar (each with its own seats and host) and the
registrations (confirmed, on the waiting list or cancelled).

Seats: a registration without relay site takes a seat of the session (`Session.capacity`, in the room or online);
with a relay site, a seat of that site (`RelaySite.capacity`). Each pool has its own waiting list, served first come
first served (`queued_at`, then `pk`). Every write goes through `events.services`, which locks the session row.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone


def new_cancel_token():
    return secrets.token_urlsafe(24)


class Audience(models.TextChoices):
    PROFESSIONALS = "professionals", "Professionnels (aidants, médiateurs, travailleurs sociaux)"
    PUBLIC = "public", "Grand public"
    BOTH = "both", "Professionnels et grand public"


class Series(models.Model):
    """A recurring programme, e.g. « les jeudis de l'inclusion numérique »."""

    name = models.CharField("nom", max_length=200, unique=True)
    description = models.TextField("présentation", blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "série"
        verbose_name_plural = "séries"
        ordering = ["name"]

    def __str__(self):
        return self.name


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Event.Status.PUBLISHED)

    def visible_to(self, user):
        """Published and cancelled events for everyone (a cancelled event still says so); drafts only for those who
        manage them (see `events.permissions.can_manage_event`)."""
        return self.filter(
            Q(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED]) | Q(pk__in=self.managed_by(user))
        )

    def managed_by(self, user):
        """Coordinators and administrators manage every event; an organisation admin those of their organisation."""
        from events.permissions import manager_organization_ids, sees_whole_departement

        if not user.is_authenticated:
            return self.none()
        if sees_whole_departement(user):
            return self.all()
        return self.filter(organizer_id__in=manager_organization_ids(user))


class Event(models.Model):
    class Kind(models.TextChoices):
        TRAINING = "training", "Formation des aidants"
        WEBINAR = "webinar", "Webinaire grand public"
        WORKSHOP = "workshop", "Atelier"
        FORUM = "forum", "Forum"

    class Status(models.TextChoices):
        DRAFT = "draft", "Brouillon"
        PUBLISHED = "published", "Publié"
        CANCELLED = "cancelled", "Annulé"

    kind = models.CharField("type", max_length=10, choices=Kind.choices)
    title = models.CharField("titre", max_length=200)
    description = models.TextField(
        "présentation", help_text="En mots simples : à qui ça s'adresse, ce qu'on y apprend."
    )
    audience = models.CharField("public", max_length=15, choices=Audience.choices, default=Audience.BOTH)
    organizer = models.ForeignKey(
        "accounts.Organization", verbose_name="organisateur", on_delete=models.PROTECT, related_name="+"
    )
    series = models.ForeignKey(
        Series, verbose_name="série", on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.DRAFT)
    materials_url = models.URLField("supports (lien)", max_length=500, blank=True)
    replay_url = models.URLField("rediffusion (lien)", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="créé par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    published_at = models.DateTimeField("publié le", null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "événement"
        verbose_name_plural = "événements"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "kind"], name="events_event_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(published_at__isnull=False) | ~Q(status="published"),
                name="events_event_published_has_date",
                violation_error_message="Un événement publié a une date de publication.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", args=[self.pk])


class SessionQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        return self.filter(starts_at__gt=now or timezone.now())

    def open_to_registration(self, now=None):
        """Scheduled sessions of published events that have not started."""
        return self.upcoming(now).filter(status=Session.Status.SCHEDULED, event__status=Event.Status.PUBLISHED)

    def with_seats(self):
        """Annotate `total_capacity` (session + relay sites), `confirmed_count` and `free_seats`, with subqueries
        (no row multiplication, one query)."""
        relay_capacity = (
            RelaySite.objects.active()
            .filter(session=OuterRef("pk"))
            .order_by()
            .values("session")
            .annotate(total=Sum("capacity"))
            .values("total")
        )
        confirmed = (
            Registration.objects.filter(session=OuterRef("pk"), status=Registration.Status.CONFIRMED)
            .order_by()
            .values("session")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return self.annotate(
            total_capacity=F("capacity") + Coalesce(Subquery(relay_capacity, output_field=IntegerField()), Value(0)),
            confirmed_count=Coalesce(Subquery(confirmed, output_field=IntegerField()), Value(0)),
        ).annotate(free_seats=F("total_capacity") - F("confirmed_count"))

    def free_seats_first(self):
        """Sessions with a free seat first, then by date."""
        return self.with_seats().order_by(
            Case(When(free_seats__gt=0, then=Value(0)), default=Value(1)), "starts_at", "pk"
        )


class Session(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Prévue"
        CANCELLED = "cancelled", "Annulée"

    event = models.ForeignKey(Event, verbose_name="événement", on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(
        "intitulé de la séance", max_length=200, blank=True, help_text="Facultatif : pour le programme d'un forum."
    )
    starts_at = models.DateTimeField("début")
    duration_minutes = models.PositiveSmallIntegerField("durée (minutes)", default=90)
    place = models.ForeignKey(
        "places.Place", verbose_name="lieu", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    online_url = models.URLField("lien de connexion (en ligne)", max_length=500, blank=True)
    capacity = models.PositiveIntegerField(
        "places", help_text="Sur place, ou en ligne pour un webinaire (les lieux relais ont leurs propres places)."
    )
    speakers = models.TextField("intervenants", blank=True)
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = "séance"
        verbose_name_plural = "séances"
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["status", "starts_at"], name="events_session_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=0),
                name="events_session_capacity_not_negative",
                violation_error_message="Le nombre de places ne peut pas être négatif.",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0),
                name="events_session_duration_positive",
                violation_error_message="La durée d'une séance est d'au moins une minute.",
            ),
            models.CheckConstraint(
                condition=Q(place__isnull=False) | ~Q(online_url=""),
                name="events_session_place_or_link",
                violation_error_message="Une séance a lieu dans un lieu ou en ligne (lien de connexion).",
            ),
        ]

    def __str__(self):
        when = timezone.localtime(self.starts_at).strftime("%d/%m/%Y %H:%M")
        return f"{self.title or self.event.title} — {when}"

    def get_absolute_url(self):
        return reverse("events:register", args=[self.pk])

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_online(self):
        return bool(self.online_url)


class RelaySiteQuerySet(models.QuerySet):
    def active(self):
        """The relay sites still broadcasting (a withdrawn one is kept only for the registrations it had)."""
        return self.filter(status=RelaySite.Status.ACTIVE)


class RelaySite(models.Model):
    """A place that broadcasts a webinar on site, with its own seats and host. Removed by its organisers: deleted
    when no registration ever named it, otherwise withdrawn (its registrations cancelled, the rows kept)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Ouvert"
        WITHDRAWN = "withdrawn", "Retiré"

    session = models.ForeignKey(Session, verbose_name="séance", on_delete=models.CASCADE, related_name="relay_sites")
    place = models.ForeignKey("places.Place", verbose_name="lieu", on_delete=models.PROTECT, related_name="+")
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="personne qui accueille",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    capacity = models.PositiveIntegerField("places")
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField("ajouté le", auto_now_add=True)

    objects = RelaySiteQuerySet.as_manager()

    class Meta:
        verbose_name = "lieu relais"
        verbose_name_plural = "lieux relais"
        ordering = ["place__commune_name", "place__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "place"],
                condition=Q(status="active"),
                name="events_relaysite_unique_place",
                violation_error_message="Ce lieu relaie déjà cette séance.",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=0),
                name="events_relaysite_capacity_not_negative",
                violation_error_message="Le nombre de places ne peut pas être négatif.",
            ),
        ]

    def __str__(self):
        return f"{self.place.name} ({self.place.commune_name})"


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Registration.Status.CANCELLED)

    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def waitlisted(self):
        return self.filter(status=Registration.Status.WAITLISTED)

    def in_pool(self, session, relay_site=None):
        """The registrations sharing the seats of `relay_site` (or of the session itself when None)."""
        return self.filter(session=session, relay_site=relay_site)

    def waiting_order(self):
        return self.order_by("queued_at", "pk")


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmée"
        WAITLISTED = "waitlisted", "Sur liste d'attente"
        CANCELLED = "cancelled", "Annulée"

    session = models.ForeignKey(Session, verbose_name="séance", on_delete=models.CASCADE, related_name="registrations")
    relay_site = models.ForeignKey(
        RelaySite,
        verbose_name="lieu relais",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
    )
    # A person record is never deleted (it is anonymised): PROTECT keeps the identity constraint below true.
    person = models.ForeignKey(
        "people.Person",
        verbose_name="personne accompagnée",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    email = models.EmailField("adresse e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="inscrit par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField("statut", max_length=10, choices=Status.choices)
    created_at = models.DateTimeField("inscrit le", default=timezone.now)
    # Rank in the waiting list (first come, first served); a registration moved back to the list when places are
    # reduced gets a rank before everyone waiting.
    queued_at = models.DateTimeField("rang dans la liste d'attente", default=timezone.now)
    confirmed_at = models.DateTimeField("confirmée le", null=True, blank=True)
    cancelled_at = models.DateTimeField("annulée le", null=True, blank=True)
    cancel_token = models.CharField("jeton d'annulation", max_length=40, default=new_cancel_token, unique=True)
    # Attendance (filled by the host at check-in): None = not recorded yet.
    attended = models.BooleanField("présent", null=True, blank=True)
    checked_in_at = models.DateTimeField("pointé le", null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="pointé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Reminders (send_event_reminders): when each was sent, so that it is sent once.
    reminder_2d_sent_at = models.DateTimeField("rappel J-2 envoyé le", null=True, blank=True)
    reminder_2h_sent_at = models.DateTimeField("rappel H-2 envoyé le", null=True, blank=True)
    # After the session (events.attendance, events.surveys): when each was sent, so that it is sent once.
    certificate_sent_at = models.DateTimeField("attestation envoyée le", null=True, blank=True)
    survey_sent_at = models.DateTimeField("questionnaire de satisfaction envoyé le", null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = "inscription"
        verbose_name_plural = "inscriptions"
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["session", "relay_site", "status", "queued_at"], name="events_reg_pool_idx"),
            models.Index(fields=["person"], name="events_reg_person_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=Q(person__isnull=False) & ~Q(status="cancelled"),
                name="events_registration_unique_person",
                violation_error_message="Cette personne est déjà inscrite à cette séance.",
            ),
            models.UniqueConstraint(
                fields=["session", "email"],
                condition=~Q(email="") & ~Q(status="cancelled"),
                name="events_registration_unique_email",
                violation_error_message="Cette adresse e-mail est déjà inscrite à cette séance.",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | (~Q(first_name="") & (~Q(email="") | ~Q(phone=""))),
                name="events_registration_identified",
                violation_error_message=(
                    "Une inscription désigne une personne accompagnée, ou un prénom avec une adresse e-mail ou un "
                    "numéro de téléphone."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status="confirmed", confirmed_at__isnull=False) | ~Q(status="confirmed"),
                name="events_registration_confirmed_has_date",
                violation_error_message="Une inscription confirmée a une date de confirmation.",
            ),
            models.CheckConstraint(
                condition=Q(status="cancelled", cancelled_at__isnull=False) | ~Q(status="cancelled"),
                name="events_registration_cancelled_has_date",
                violation_error_message="Une inscription annulée a une date d'annulation.",
            ),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(attended=True),
                name="events_registration_checked_in_attended",
                violation_error_message="Une personne pointée à l'arrivée est présente.",
            ),
        ]

    def __str__(self):
        return f"Inscription n° {self.pk} — {self.session}"

    @property
    def display_name(self):
        """« Camille M. » for a public registrant or a person; never more than the initial of the last name."""
        if self.person_id and not self.first_name:
            person = self.person
            first, last = person.first_name, person.last_name
        else:
            first, last = self.first_name, self.last_name
        initial = f"{last[:1]}." if last else ""
        return " ".join(part for part in (first, initial) if part) or f"Inscription n° {self.pk}"

    @property
    def contact_email(self):
        if self.email:
            return self.email
        if self.person_id and not self.person.no_direct_contact:
            return self.person.email
        return ""

    @property
    def contact_phone(self):
        if self.phone:
            return self.phone
        if self.person_id and not self.person.no_direct_contact:
            return self.person.phone
        return ""


class SurveyAnswer(models.Model):
    """The answers to the short satisfaction survey sent after a session: one per registration (answered once),
    nothing else about the person."""

    class Useful(models.TextChoices):
        YES = "yes", "Oui, beaucoup"
        SOMEWHAT = "somewhat", "Un peu"
        NO = "no", "Non"

    registration = models.OneToOneField(
        Registration, verbose_name="inscription", on_delete=models.CASCADE, related_name="survey_answer"
    )
    rating = models.PositiveSmallIntegerField("note (de 1 à 5)")
    useful = models.CharField("utile ?", max_length=10, choices=Useful.choices)
    would_recommend = models.BooleanField("recommanderait ?")
    comment = models.TextField("commentaire", blank=True, max_length=2000)
    answered_at = models.DateTimeField("répondu le", default=timezone.now)

    class Meta:
        verbose_name = "réponse au questionnaire de satisfaction"
        verbose_name_plural = "réponses au questionnaire de satisfaction"
        ordering = ["answered_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5),
                name="events_surveyanswer_rating_1_to_5",
                violation_error_message="La note va de 1 à 5.",
            ),
            models.CheckConstraint(
                condition=Q(useful__in=["yes", "somewhat", "no"]),
                name="events_surveyanswer_useful_valid",
                violation_error_message="Réponse inconnue à « utile ? ».",
            ),
        ]

    def __str__(self):
        return f"Avis sur l'inscription n° {self.registration_id}"
