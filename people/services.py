"""Every write on person records. Each function is atomic, takes `acting_user` and writes history rows; none sends
e-mails. The person's GDPR rights live here too: access (`export_person_data`), rectification (`update_person`),
erasure (`erase_person`) and the automatic anonymisation of inactive records (`inactive_people`)."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.history import diff, record, snapshot
from core.models import HistoryEntry
from people import extensions
from people.duplicates import duplicate_keys
from people.models import Consent, Involvement, Person

IDENTITY_FIELDS = [
    "first_name",
    "last_name",
    "phone",
    "email",
    "no_direct_contact",
    "commune",
    "birth_year",
    "languages",
    "other_languages",
    "specific_needs",
]


ANONYMIZED_FIELDS = [name for name in IDENTITY_FIELDS if name != "commune"]


def _touch(person, now=None):
    person.last_activity_at = now or timezone.now()
    person.save(update_fields=["last_activity_at"])


def _person_history(person):
    return HistoryEntry.objects.filter(content_type__app_label="people", content_type__model="person").filter(
        object_id=str(person.pk)
    )


@transaction.atomic
def create_person(*, acting_user, organization, consent_purpose, consent_method, **fields):
    """Create a person record, involve `organization` (the creator's) and record the consent given with it.
    A record is never created without a consent."""
    if not consent_purpose or not consent_method:
        raise ValidationError("Le consentement de la personne est obligatoire pour créer sa fiche.")
    now = timezone.now()
    person = Person(created_at=now, last_activity_at=now, **fields)
    duplicate_keys(person)
    person.full_clean()
    person.save()
    Involvement.objects.create(person=person, organization=organization, reason=Involvement.Reason.CREATED)
    Consent.objects.create(
        person=person, purpose=consent_purpose, method=consent_method, given_at=now, recorded_by=acting_user
    )
    record(
        person,
        "person_created",
        acting_user=acting_user,
        changes={"organisation": organization.name, "consentement": consent_purpose},
    )
    return person


@transaction.atomic
def register_person_from_public_form(*, consent_purposes, **fields):
    """A person who asked for help on the public site (« être rappelé »): no organisation is involved yet (the
    coordination sees the record; the place it is dispatched to will), and the consents ticked online are recorded
    with no professional (`recorded_by` empty, method « en ligne »)."""
    if not consent_purposes:
        raise ValidationError("Le consentement de la personne est obligatoire pour garder sa demande.")
    now = timezone.now()
    person = Person(created_at=now, last_activity_at=now, **fields)
    duplicate_keys(person)
    person.full_clean()
    person.save()
    for purpose in consent_purposes:
        Consent.objects.create(person=person, purpose=purpose, method=Consent.Method.ONLINE, given_at=now)
    record(person, "person_created", acting_user=None, changes={"origine": "demande de rappel (site public)"})
    return person


@transaction.atomic
def update_person(person, *, acting_user, **fields):
    """Rectification: change the given identity fields; the history keeps the diff."""
    before = snapshot(person, IDENTITY_FIELDS)
    for name, value in fields.items():
        if name not in IDENTITY_FIELDS:
            raise ValueError(f"Champ non modifiable : {name}")
        setattr(person, name, value)
    person.last_activity_at = timezone.now()
    person.full_clean()
    person.save(update_fields=[*fields, *duplicate_keys(person), "last_activity_at"])
    changes = diff(before, snapshot(person, IDENTITY_FIELDS))
    if changes:
        record(person, "person_updated", acting_user=acting_user, changes=changes)
    return person


@transaction.atomic
def record_consent(person, *, acting_user, purpose, method):
    consent = Consent.objects.create(person=person, purpose=purpose, method=method, recorded_by=acting_user)
    _touch(person)
    record(
        person,
        "person_consent_recorded",
        acting_user=acting_user,
        changes={"objet": consent.get_purpose_display(), "recueilli": consent.get_method_display()},
    )
    return consent


@transaction.atomic
def withdraw_consent(consent, *, acting_user):
    """Withdraw a consent (a withdrawn consent stays, dated, as a fact). Withdrawing twice does nothing."""
    if consent.withdrawn_at is not None:
        return consent
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    _touch(consent.person)
    record(
        consent.person,
        "person_consent_withdrawn",
        acting_user=acting_user,
        changes={"objet": consent.get_purpose_display()},
    )
    return consent


@transaction.atomic
def involve_organization(person, *, organization, acting_user, reason=Involvement.Reason.OTHER):
    """Make `organization` involved with `person` (it then sees the record). Involving it again changes nothing."""
    involvement, created = Involvement.objects.get_or_create(
        person=person, organization=organization, defaults={"reason": reason}
    )
    if created:
        _touch(person)
        record(
            person,
            "person_organization_involved",
            acting_user=acting_user,
            changes={"organisation": organization.name, "motif": involvement.get_reason_display()},
        )
    return involvement


def note_person_viewed(person, viewer):
    """Every view of a person record is written to the audit trail."""
    return record(person, "person_viewed", acting_user=viewer)


def export_person_data(person):
    """Everything the platform holds about `person`, as a JSON-ready dict (the access right)."""
    return {
        "personne": {
            "numero": person.pk,
            "prenom": person.first_name,
            "nom": person.last_name,
            "telephone": person.phone,
            "adresse_e_mail": person.email,
            "pas_de_contact_direct": person.no_direct_contact,
            "commune": person.commune.name if person.commune else None,
            "annee_de_naissance": person.birth_year,
            "langues": person.get_languages_display(),
            "besoins_specifiques": person.get_specific_needs_display(),
            "creee_le": person.created_at.isoformat(),
            "derniere_activite_le": person.last_activity_at.isoformat() if person.last_activity_at else None,
        },
        "consentements": [
            {
                "objet": c.get_purpose_display(),
                "recueilli": c.get_method_display(),
                "donne_le": c.given_at.isoformat(),
                "enregistre_par": str(c.recorded_by) if c.recorded_by else None,
                "retire_le": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in person.consents.select_related("recorded_by").order_by("given_at", "pk")
        ],
        "organisations_impliquees": [
            {"organisation": i.organization.name, "motif": i.get_reason_display(), "depuis_le": i.since.isoformat()}
            for i in person.involvements.select_related("organization")
        ],
        "historique": [
            {
                "date": e.created_at.isoformat(),
                "action": e.action,
                "auteur": e.actor_label,
                "modifications": e.changes,
            }
            for e in _person_history(person).order_by("created_at", "pk")
        ],
        **extensions.exports_for(person),
    }


def _anonymize(person, *, now):
    """Blank the personal fields and rewrite the history's labels; consents and involvements stay as anonymous
    facts (for the statistics)."""
    label = f"Personne anonymisée n° {person.pk}"
    _person_history(person).update(object_label=label, changes={})
    person.first_name = person.last_name = person.phone = person.email = person.other_languages = ""
    person.no_direct_contact = False
    person.birth_year = None
    person.languages = []
    person.specific_needs = []
    person.anonymized_at = now
    person.save(update_fields=[*ANONYMIZED_FIELDS, *duplicate_keys(person), "anonymized_at"])
    extensions.erase(person)


@transaction.atomic
def erase_person(person, *, acting_user, reason=""):
    """Erasure (right to be forgotten): personal fields blanked, `anonymized_at` set, the history rows about the
    person rewritten to « Personne anonymisée n° … » and their details dropped. Erasing twice does nothing.
    The commune is kept: it is what the territorial statistics need, and alone it identifies nobody."""
    if person.is_anonymized:
        return person
    _anonymize(person, now=timezone.now())
    record(person, "person_erased", acting_user=acting_user, message=reason)
    return person


@transaction.atomic
def merge_people(duplicate, into, *, acting_user):
    """Merge `duplicate` into `into` (coordinators): involvements and consents move to `into`, the duplicate is
    anonymised and points at `into`; both records get a history row."""
    if duplicate.pk == into.pk:
        raise ValidationError("Une fiche ne peut pas être fusionnée avec elle-même.")
    # Both records locked (in a fixed order) and read again: two merges, or a merge and an erasure, never interleave.
    locked = {
        p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[duplicate.pk, into.pk]).order_by("pk")
    }
    duplicate, into = locked[duplicate.pk], locked[into.pk]
    if duplicate.is_anonymized or into.is_anonymized:
        raise ValidationError("Une fiche anonymisée ne peut pas être fusionnée.")
    kept_organizations = set(into.involvements.values_list("organization_id", flat=True))
    moved = 0
    for involvement in duplicate.involvements.all():
        if involvement.organization_id in kept_organizations:
            involvement.delete()
        else:
            involvement.person = into
            involvement.save(update_fields=["person"])
            moved += 1
    consents = duplicate.consents.update(person=into)
    moved_elsewhere = extensions.merge_into(duplicate, into, acting_user=acting_user)
    into.last_activity_at = timezone.now()
    into.save(update_fields=["last_activity_at"])
    record(
        into,
        "person_merged",
        acting_user=acting_user,
        changes={"doublon": duplicate.pk, "consentements": consents, "organisations": moved, **moved_elsewhere},
        message=f"Doublon n° {duplicate.pk} fusionné dans cette fiche.",
    )
    _anonymize(duplicate, now=timezone.now())
    duplicate.merged_into = into
    duplicate.save(update_fields=["merged_into"])
    record(duplicate, "person_merged_into", acting_user=acting_user, changes={"fusionnee_dans": into.pk})
    return into


def inactive_people(*, now=None):
    """People not anonymised whose last activity (or creation, without activity) is older than
    `PERSON_RETENTION_MONTHS`."""
    now = now or timezone.now()
    limit = now - timedelta(days=30 * settings.PERSON_RETENTION_MONTHS)
    stale = Q(last_activity_at__lt=limit) | Q(last_activity_at__isnull=True, created_at__lt=limit)
    return Person.objects.active().filter(stale)
