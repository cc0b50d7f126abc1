"""Every write of the diagnostic. A public diagnostic only adds one to the anonymous tally; a diagnostic run with a
person is attached to their record (with their consent), written to the history and counted too."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from core.history import record
from orientation import diagnostic
from orientation.models import DiagnosticResult, DiagnosticTally
from people import services as people_services
from people.models import Consent


def count_diagnostic(*, level, commune=None, today=None):
    """Add one diagnostic of `level` to the tally of `commune` (None: « commune inconnue ») for the current month.

    Safe under concurrency on SQLite and PostgreSQL: the increment is a single UPDATE … SET count = count + 1;
    when the row does not exist yet, it is created in a savepoint, and if another transaction created it first
    (the unique constraint refuses the second row), the UPDATE runs again on the row that now exists."""
    month = (today or timezone.localdate()).replace(day=1)
    rows = DiagnosticTally.objects.filter(commune=commune, month=month, level=level)
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            DiagnosticTally.objects.create(commune=commune, month=month, level=level, count=1)
    except IntegrityError:
        rows.update(count=F("count") + 1)


def has_accompaniment_consent(person):
    """The person has an active consent « Orientation et accompagnement »."""
    return person.consents.filter(purpose=Consent.Purpose.ACCOMPANIMENT, withdrawn_at__isnull=True).exists()


@transaction.atomic
def attach_diagnostic(person, *, acting_user, organization, answers, commune=None, consent_method=None):
    """Attach a diagnostic to `person`'s record. The person must have agreed: without an active consent
    « Orientation et accompagnement », `consent_method` (oral or written) is required and the consent is recorded
    first. One history row on the person; the anonymous tally is counted too (`commune`: where the diagnostic is
    counted, usually the person's)."""
    problem = diagnostic.answers_problem(answers)
    if problem:
        raise ValidationError(problem)
    if person.is_anonymized:
        raise ValidationError("Cette fiche est anonymisée : on ne peut plus y joindre de diagnostic.")
    if not has_accompaniment_consent(person):
        if consent_method not in Consent.Method.values:
            raise ValidationError("Indiquez comment la personne a donné son accord : par écrit ou à l'oral.")
        people_services.record_consent(
            person, acting_user=acting_user, purpose=Consent.Purpose.ACCOMPANIMENT, method=consent_method
        )
    outcome = diagnostic.evaluate(answers)
    result = DiagnosticResult(
        person=person,
        answers={code: answers[code] for code in diagnostic.QUESTION_CODES},
        level=outcome.level,
        autonomy=outcome.autonomy,
        recorded_by=acting_user,
        organization=organization,
    )
    result.full_clean()
    result.save()
    person.last_activity_at = result.created_at
    person.save(update_fields=["last_activity_at"])
    record(
        person,
        "diagnostic_attached",
        acting_user=acting_user,
        changes={"niveau": result.get_level_display(), "autonomie": result.get_autonomy_display()},
        message=f"Diagnostic numérique n° {result.pk}, par {organization.name}.",
    )
    count_diagnostic(level=outcome.level, commune=commune)
    return result


# The person record's hooks (registered in apps.py) ----------------------------------------------------------


def timeline_events(person, viewer):
    """The person's diagnostics in their timeline: part of the shared record, seen by whoever sees the person."""
    from people.timeline import TimelineEvent

    return [
        TimelineEvent(
            date=result.created_at,
            label=(
                f"Diagnostic numérique : niveau {result.get_level_display().lower()}"
                f" ({result.get_autonomy_display().lower()})"
            ),
            url=diagnostic.result_url(result.answers, result.person.commune, person),
            module="orientation",
        )
        for result in DiagnosticResult.objects.for_person(person).select_related("person__commune")
    ]


def export_diagnostics(person):
    """The person's diagnostics, for the access-right export."""
    labels = dict(diagnostic.ANSWER_CHOICES)
    return [
        {
            "fait_le": result.created_at.isoformat(),
            "par": result.organization.name if result.organization else None,
            "niveau": result.get_level_display(),
            "autonomie": result.get_autonomy_display(),
            "reponses": {
                question.text: labels.get(result.answers.get(question.code), "") for question in diagnostic.QUESTIONS
            },
        }
        for result in DiagnosticResult.objects.for_person(person).select_related("organization").reverse()
    ]


def move_diagnostics(duplicate, into, *, acting_user):
    """Merging two records: the duplicate's diagnostics move to the kept record."""
    return {"diagnostics": DiagnosticResult.objects.filter(person=duplicate).update(person=into)}
