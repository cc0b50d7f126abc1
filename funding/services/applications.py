"""The application's workflow (`ApplicationWorkflow`) and every write on an application before the decision:
the draft, its lines and documents, submission, withdrawal, instruction."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.history import diff, record, snapshot
from core.uploads import check_upload, save_with_file
from core.workflow import Workflow
from funding import permissions
from funding.models import (
    CENT,
    ZERO,
    Application,
    ApplicationDocument,
    BudgetLine,
    CoFunding,
    Indicator,
    Review,
    ReviewScore,
)
from funding.services.common import (
    DOCUMENT_MAX_MB,
    S,
    _notify_applicants,
    _require,
    euros,
)

# Applications: the applicant's side ------------------------------------------------------------------------


class ApplicationWorkflow(Workflow):
    """The allowed status changes of an application: (from, to) → history action. Anything else is refused.
    A decision can later be revised (accepted ↔ rejected, or a new amount), always with a logged reason."""

    STATUS = S
    SUBJECT = "Une candidature"
    LOWERCASE_LABELS = True
    TRANSITIONS = {
        (S.DRAFT, S.SUBMITTED): "fund_application_submitted",
        (S.INFO_REQUESTED, S.SUBMITTED): "fund_application_resubmitted",
        (S.SUBMITTED, S.UNDER_REVIEW): "fund_application_review_started",
        (S.SUBMITTED, S.INFO_REQUESTED): "fund_application_info_requested",
        (S.UNDER_REVIEW, S.INFO_REQUESTED): "fund_application_info_requested",
        (S.UNDER_REVIEW, S.ACCEPTED): "fund_application_accepted",
        (S.UNDER_REVIEW, S.REJECTED): "fund_application_rejected",
        (S.ACCEPTED, S.ACCEPTED): "fund_decision_revised",
        (S.ACCEPTED, S.REJECTED): "fund_decision_revised",
        (S.REJECTED, S.ACCEPTED): "fund_decision_revised",
        (S.DRAFT, S.WITHDRAWN): "fund_application_withdrawn",
        (S.SUBMITTED, S.WITHDRAWN): "fund_application_withdrawn",
        (S.UNDER_REVIEW, S.WITHDRAWN): "fund_application_withdrawn",
        (S.INFO_REQUESTED, S.WITHDRAWN): "fund_application_withdrawn",
    }


def _lock(application):
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "organization")
        .get(pk=application.pk)
    )


def _move(application, target, *, acting_user, note="", notify=None):
    action = ApplicationWorkflow.action(application.status, target)
    before = application.status
    application.status = target
    fields = ["status"]
    if note:
        application.status_note = note
        fields.append("status_note")
    if target == S.SUBMITTED:
        application.submitted_at = timezone.now()
        fields.append("submitted_at")
    application.save(update_fields=fields)
    record(application, action, acting_user=acting_user, changes={"status": [before, target]}, message=note)
    if notify:
        _notify_applicants(application, subject=notify[0], body=notify[1])
    return application


@transaction.atomic
def create_application(*, acting_user, call, organization, project_title):
    """A new draft for `organization`, on an open call."""
    _require(permissions.applicant_organizations(acting_user).filter(pk=organization.pk).exists())
    if not call.is_open():
        raise ValidationError("Cet appel à projets n'est pas ouvert aux candidatures.", code="closed")
    application = Application(
        call=call, organization=organization, project_title=project_title, created_by=acting_user
    )
    application.full_clean()
    application.save()
    record(application, "fund_application_created", acting_user=acting_user, changes={"appel": call.title})
    return application


APPLICATION_FIELDS = ["project_title", "project_description", "amount_requested"]


def _editable(application, acting_user):
    application = _lock(application)
    _require(permissions.acts_for_applicant(acting_user, application))
    if not application.is_editable:
        raise ValidationError(
            f"Une candidature « {application.get_status_display().lower()} » ne se modifie plus.", code="locked"
        )
    return application


@transaction.atomic
def update_application(application, *, acting_user, **fields):
    application = _editable(application, acting_user)
    before = snapshot(application, APPLICATION_FIELDS)
    for name in APPLICATION_FIELDS:
        setattr(application, name, fields[name])
    application.full_clean()
    application.save(update_fields=APPLICATION_FIELDS)
    changes = diff(before, snapshot(application, APPLICATION_FIELDS))
    if changes:
        record(application, "fund_application_updated", acting_user=acting_user, changes=changes)
    return application


LINE_MODELS = {"budget": BudgetLine, "cofinancement": CoFunding, "indicateur": Indicator}


@transaction.atomic
def add_line(application, *, acting_user, kind, values):
    """Add a budget line, a co-funding line or an expected indicator (`kind`: a key of LINE_MODELS; `values`: its
    fields) to an editable application."""
    application = _editable(application, acting_user)
    line = LINE_MODELS[kind](application=application, **values)
    line.full_clean()
    line.save()
    record(application, "fund_application_line_added", acting_user=acting_user, changes={kind: str(line)})
    return line


@transaction.atomic
def remove_line(application, *, acting_user, kind, line_pk):
    application = _editable(application, acting_user)
    line = LINE_MODELS[kind].objects.get(application=application, pk=line_pk)
    label = str(line)
    line.delete()
    record(application, "fund_application_line_removed", acting_user=acting_user, changes={kind: label})


@transaction.atomic
def add_document(application, *, acting_user, kind, uploaded_file):
    """Join a PDF, JPEG or PNG (checked by its first bytes) of at most DOCUMENT_MAX_MB Mo."""
    application = _editable(application, acting_user)
    name, content_type, extension = check_upload(uploaded_file, max_mb=DOCUMENT_MAX_MB)
    document = ApplicationDocument(
        application=application,
        kind=kind,
        original_name=name,
        content_type=content_type,
        size=uploaded_file.size,
        uploaded_by=acting_user,
    )
    return save_with_file(
        document,
        uploaded_file,
        f"document{extension}",
        after_save=lambda: record(
            application, "fund_document_added", acting_user=acting_user, changes={"document": name}
        ),
    )


@transaction.atomic
def remove_document(application, *, acting_user, document_pk):
    """Remove a document from an editable application (its file is deleted after commit)."""
    application = _editable(application, acting_user)
    document = ApplicationDocument.objects.get(application=application, pk=document_pk)
    name, storage, label = document.file.name, document.file.storage, document.original_name
    document.delete()
    record(application, "fund_document_removed", acting_user=acting_user, changes={"document": label})
    transaction.on_commit(lambda: storage.delete(name))


def missing_parts(application):
    """What the application still lacks before it can be submitted, in French (empty when complete)."""
    missing = []
    if not application.project_description.strip():
        missing.append("la description du projet")
    if application.amount_requested <= 0:
        missing.append("le montant demandé")
    budget_lines = list(application.budget_lines.all())
    if not budget_lines:
        missing.append("au moins une ligne de budget")
    elif application.amount_requested > sum((line.amount for line in budget_lines), ZERO):
        missing.append(
            f"un budget au moins égal au montant demandé (budget : {euros(sum(line.amount for line in budget_lines))},"
            f" demandé : {euros(application.amount_requested)})"
        )
    if not application.indicators.exists():
        missing.append("au moins un indicateur attendu (personnes accompagnées, ateliers…)")
    kinds = set(application.documents.values_list("kind", flat=True))
    for kind in ApplicationDocument.REQUIRED_KINDS:
        if kind not in kinds:
            missing.append(f"le document « {ApplicationDocument.Kind(kind).label} »")
    if not application.organization.siret:
        missing.append("le SIRET de la structure (à renseigner sur la fiche de l'organisation)")
    return missing


@transaction.atomic
def submit_application(application, *, acting_user):
    """Submit (or resubmit after a request for information) a complete application to an open call."""
    application = _lock(application)
    _require(permissions.acts_for_applicant(acting_user, application))
    ApplicationWorkflow.action(application.status, S.SUBMITTED)
    if application.status == S.DRAFT and not application.call.is_open():
        raise ValidationError(
            "Cet appel à projets est clos : la candidature ne peut plus être déposée.", code="closed"
        )
    missing = missing_parts(application)
    if missing:
        raise ValidationError(
            "La candidature ne peut pas être déposée. Il manque : %(missing)s.",
            code="incomplete",
            params={"missing": " ; ".join(missing)},
        )
    return _move(
        application,
        S.SUBMITTED,
        acting_user=acting_user,
        notify=("Candidature déposée", f"La candidature « {application.project_title} » est déposée."),
    )


@transaction.atomic
def withdraw_application(application, *, acting_user, note=""):
    application = _lock(application)
    _require(permissions.acts_for_applicant(acting_user, application))
    return _move(application, S.WITHDRAWN, acting_user=acting_user, note=note)


# Instruction -----------------------------------------------------------------------------------------------


@transaction.atomic
def start_review(application, *, acting_user):
    application = _lock(application)
    _require(permissions.can_review(acting_user))
    return _move(
        application,
        S.UNDER_REVIEW,
        acting_user=acting_user,
        notify=("Candidature en instruction", f"La candidature « {application.project_title} » est en instruction."),
    )


@transaction.atomic
def request_information(application, *, acting_user, note):
    application = _lock(application)
    _require(permissions.can_review(acting_user))
    if not note.strip():
        raise ValidationError("Dites ce qu'il faut compléter.", code="note")
    return _move(
        application,
        S.INFO_REQUESTED,
        acting_user=acting_user,
        note=note,
        notify=(
            "Compléments demandés pour votre candidature",
            f"Des compléments sont demandés pour « {application.project_title} » :\n{note}\n"
            "Complétez la candidature puis déposez-la à nouveau.",
        ),
    )


def weighted_score(scores):
    """The weighted mean of `{criterion: score}` on 5, two decimals."""
    total_weight = sum(criterion.weight for criterion in scores)
    if not total_weight:
        return ZERO
    total = sum(Decimal(criterion.weight * score) for criterion, score in scores.items())
    return (total / total_weight).quantize(CENT)


@transaction.atomic
def add_review(application, *, acting_user, opinion, comment, scores):
    """A reviewer's scores (one per criterion of the call, 0 to 5) and opinion, on an application in review."""
    application = _lock(application)
    _require(permissions.can_review(acting_user))
    if application.status != S.UNDER_REVIEW:
        raise ValidationError("On ne donne un avis que sur une candidature en instruction.", code="status")
    criteria = set(application.call.criteria.all())
    if set(scores) != criteria:
        raise ValidationError("Notez chacun des critères de l'appel.", code="scores")
    review = Review(
        application=application,
        reviewer=acting_user,
        opinion=opinion,
        comment=comment,
        weighted_score=weighted_score(scores),
    )
    review.full_clean()
    review.save()
    for criterion, score in scores.items():
        ReviewScore(review=review, criterion=criterion, score=score).full_clean(exclude=["review"])
        ReviewScore.objects.create(review=review, criterion=criterion, score=score)
    record(
        application,
        "fund_review_added",
        acting_user=acting_user,
        changes={"avis": review.get_opinion_display(), "note": str(review.weighted_score)},
    )
    return review
