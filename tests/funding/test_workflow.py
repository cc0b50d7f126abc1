"""The application's workflow: completeness on submission, the transition table, every step in the history with
its actor, applicants notified, decisions revised only with a reason, the final report and the reminders."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import HistoryEntry
from funding import services
from funding.models import Application, Decision, Grant, Payment
from tests.accounts.factories import UserFactory
from tests.funding.factories import (
    ApplicationFactory,
    accepted_grant,
    applicant_for,
    funded_earmark,
)

S = Application.Status
D = Decimal


@pytest.fixture
def coordinator():
    return UserFactory(coordinator=True)


def test_an_incomplete_application_says_what_is_missing():
    application = ApplicationFactory(project_description="", amount_requested=D("0"))
    applicant = applicant_for(application)
    with pytest.raises(ValidationError) as error:
        services.submit_application(application, acting_user=applicant)
    message = error.value.messages[0]
    for part in ("la description du projet", "le montant demandé", "ligne de budget", "indicateur", "RIB"):
        assert part in message
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_a_budget_smaller_than_the_request_is_missing():
    application = ApplicationFactory(complete=True, amount_requested=D("9000.00"))
    assert any("budget au moins égal" in part for part in services.missing_parts(application))


def test_the_whole_path_is_logged_with_its_actors_and_the_applicants_are_told(
    coordinator, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(complete=True)
    applicant = applicant_for(application)
    mail.outbox.clear()
    with pytest.raises(PermissionDenied):
        services.submit_application(application, acting_user=UserFactory(mediator=True))
    services.submit_application(application, acting_user=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_information(application, acting_user=coordinator, note="Précisez les communes.")
    application.refresh_from_db()
    assert application.status == S.INFO_REQUESTED and application.is_editable
    services.add_line(
        application, acting_user=applicant, kind="budget", values={"label": "Transport", "amount": D("100.00")}
    )
    services.submit_application(application, acting_user=applicant)
    services.start_review(application, acting_user=coordinator)
    criteria = list(application.call.criteria.all())
    review = services.add_review(
        application,
        acting_user=coordinator,
        opinion="favourable",
        comment="Solide.",
        scores={criteria[0]: 5, criteria[1]: 1},
    )
    assert review.weighted_score == D("4.00")  # (5×3 + 1×1) ÷ 4
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_application(
            application,
            acting_user=coordinator,
            accepted=True,
            amount=D("4000.00"),
            earmark_amounts={funded_earmark(): D("4000.00")},
            reference="CP-2026-12",
        )
    application.refresh_from_db()
    assert application.status == S.ACCEPTED
    actions = list(
        HistoryEntry.objects.filter(object_id=str(application.pk), action__startswith="fund_application")
        .order_by("pk")
        .values_list("action", "actor")
    )
    assert actions == [
        ("fund_application_submitted", applicant.pk),
        ("fund_application_info_requested", coordinator.pk),
        ("fund_application_line_added", applicant.pk),
        ("fund_application_resubmitted", applicant.pk),
        ("fund_application_review_started", coordinator.pk),
        ("fund_application_accepted", coordinator.pk),
    ]
    subjects = [message.subject for message in mail.outbox if applicant.email in message.to]
    assert any("Compléments demandés" in subject for subject in subjects)
    assert any("Décision sur votre candidature" in subject for subject in subjects)
    grant = application.grant
    assert grant.amount == D("4000.00")
    assert list(grant.payments.order_by("due_on").values_list("kind", "amount")) == [
        (Payment.Kind.ADVANCE, D("2000.00")),
        (Payment.Kind.BALANCE, D("2000.00")),
    ]


def test_transitions_outside_the_table_are_refused(coordinator):
    application = ApplicationFactory(complete=True)
    with pytest.raises(ValidationError, match="ne peut pas passer"):
        services.start_review(application, acting_user=coordinator)
    services.withdraw_application(application, acting_user=applicant_for(application))
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    with pytest.raises(ValidationError):
        services.submit_application(application, acting_user=applicant_for(application))


def test_a_rejection_needs_a_reason_and_a_decision_is_revised_only_with_one(coordinator):
    application = ApplicationFactory(complete=True)
    services.submit_application(application, acting_user=applicant_for(application))
    services.start_review(application, acting_user=coordinator)
    with pytest.raises(ValidationError):
        services.decide_application(application, acting_user=coordinator, accepted=False, reason="")
    services.decide_application(application, acting_user=coordinator, accepted=False, reason="Hors du champ.")
    with pytest.raises(ValidationError, match="révisez-la"):
        services.decide_application(application, acting_user=coordinator, accepted=False, reason="Encore.")
    earmark = funded_earmark()
    with pytest.raises(ValidationError, match="motif de la révision"):
        services.revise_decision(
            application,
            acting_user=coordinator,
            accepted=True,
            amount=D("1000.00"),
            revision_reason=" ",
            earmark_amounts={earmark: D("1000.00")},
        )
    services.revise_decision(
        application,
        acting_user=coordinator,
        accepted=True,
        amount=D("1000.00"),
        revision_reason="Pièce manquante reçue après le comité.",
        earmark_amounts={earmark: D("1000.00")},
    )
    application.refresh_from_db()
    assert application.status == S.ACCEPTED
    current = application.decisions.get(is_current=True)
    assert current.revises.reason == "Hors du champ." and current.amount == D("1000.00")
    assert application.grant.amount == D("1000.00")
    assert HistoryEntry.objects.filter(action="fund_decision_revised", message__contains="Pièce manquante").exists()


def test_the_database_refuses_two_current_decisions_and_a_revision_without_reason(coordinator):
    grant = accepted_grant(coordinator=coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(application=grant.application, accepted=False, reason="x", decided_by=coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            application=grant.application,
            accepted=False,
            reason="x",
            decided_by=coordinator,
            is_current=False,
            revises=grant.decision,
        )


def test_a_decision_is_no_longer_revised_once_money_is_paid(coordinator):
    grant = accepted_grant(coordinator=coordinator)
    services.record_payment(grant.payments.get(kind="advance"), acting_user=coordinator, paid_on=timezone.localdate())
    with pytest.raises(ValidationError, match="déjà été fait"):
        services.revise_decision(
            grant.application, acting_user=coordinator, accepted=False, reason="Non.", revision_reason="Erreur."
        )


def test_the_balance_waits_for_the_final_report(coordinator):
    grant = accepted_grant(coordinator=coordinator)
    balance = grant.payments.get(kind="balance")
    with pytest.raises(ValidationError, match="bilan final"):
        services.record_payment(balance, acting_user=coordinator, paid_on=timezone.localdate())
    applicant = applicant_for(grant.application)
    indicators = list(grant.application.indicators.all())
    with pytest.raises(ValidationError, match="chaque indicateur"):
        services.submit_final_report(grant, acting_user=applicant, narrative="Fait.", achieved={indicators[0]: 3})
    services.submit_final_report(
        grant, acting_user=applicant, narrative="Fait.", achieved={indicators[0]: 120, indicators[1]: 38}
    )
    services.record_payment(balance, acting_user=coordinator, paid_on=timezone.localdate())
    balance.refresh_from_db()
    assert balance.paid_at == timezone.localdate()
    with pytest.raises(ValidationError, match="déjà enregistré"):
        services.record_payment(balance, acting_user=coordinator, paid_on=timezone.localdate())


def test_only_the_coordination_decides_and_pays():
    grant = accepted_grant()
    applicant = applicant_for(grant.application)
    with pytest.raises(PermissionDenied):
        services.record_payment(grant.payments.first(), acting_user=applicant, paid_on=timezone.localdate())
    with pytest.raises(PermissionDenied):
        services.start_review(ApplicationFactory(complete=True), acting_user=applicant)


def test_documents_are_checked_by_their_first_bytes():
    from django.core.files.uploadedfile import SimpleUploadedFile

    application = ApplicationFactory()
    applicant = applicant_for(application, role="mediator")
    with pytest.raises(ValidationError, match="PDF, JPEG et PNG"):
        services.add_document(
            application,
            acting_user=applicant,
            kind="bank",
            uploaded_file=SimpleUploadedFile("rib.pdf", b"MZ\x90\x00 not a pdf"),
        )
    document = services.add_document(
        application,
        acting_user=applicant,
        kind="bank",
        uploaded_file=SimpleUploadedFile("rib.pdf", b"%PDF-1.4 tiny"),
    )
    assert document.content_type == "application/pdf" and document.file.name.endswith(".pdf")


def test_reminders_are_idempotent_and_dry_by_default(coordinator, django_capture_on_commit_callbacks):
    grant = accepted_grant(coordinator=coordinator)
    Grant.objects.filter(pk=grant.pk).update(report_due_on=timezone.localdate() - timedelta(days=1))
    mail.outbox.clear()
    out = StringIO()
    call_command("remind_grant_reports", stdout=out)
    assert "1 relance(s) à envoyer" in out.getvalue() and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_grant_reports", "--wet-run", stdout=StringIO())
    sent = len(mail.outbox)
    assert sent >= 1 and "Bilan final attendu" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_grant_reports", "--wet-run", stdout=StringIO())
    assert len(mail.outbox) == sent
    grant.refresh_from_db()
    assert grant.last_reminder_on == timezone.localdate()
