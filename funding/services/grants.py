"""The committee's decision (earmarks locked and checked), its revision, the grant and its payments, the final
report and the reminders."""

from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.history import record
from funding import permissions
from funding.models import (
    CENT,
    ZERO,
    Decision,
    DecisionEarmark,
    Earmark,
    FinalReport,
    Grant,
    Payment,
    PaymentEarmark,
)
from funding.services.applications import ApplicationWorkflow, _lock, _move
from funding.services.common import (
    REMINDER_INTERVAL_DAYS,
    REPORT_DELAY_DAYS,
    S,
    _notify_applicants,
    _require,
    euros,
)


def _draw(earmark_amounts, total):
    """Lock the earmarks (in a fixed order) and check each has enough left; the lines must add up to `total`."""
    lines = {earmark.pk: amount for earmark, amount in earmark_amounts.items() if amount}
    if sum(lines.values(), ZERO) != total:
        raise ValidationError(
            f"Les montants pris sur les fléchages ({euros(sum(lines.values(), ZERO))}) doivent faire le montant "
            f"attribué ({euros(total)}).",
            code="earmarks_total",
        )
    locked = list(Earmark.objects.select_for_update().filter(pk__in=sorted(lines)).order_by("pk"))
    figures = {
        e.pk: e for e in Earmark.objects.filter(pk__in=lines).with_ledger().select_related("contribution__funder")
    }
    for earmark in locked:
        current = figures[earmark.pk]
        wanted = lines[earmark.pk]
        if wanted > current.available:
            raise ValidationError(
                f"Le fléchage « {current} » n'a plus que {euros(current.available)} disponibles "
                f"(fléché : {euros(current.amount)}, déjà engagé ou versé : {euros(current.drawn)}) ; "
                f"vous demandez {euros(wanted)}.",
                code="over_earmark",
            )
    return lines


def _schedule(grant, advance_percent):
    advance = (grant.amount * Decimal(advance_percent) / 100).quantize(CENT, rounding=ROUND_DOWN)
    if advance:
        Payment.objects.create(grant=grant, kind=Payment.Kind.ADVANCE, due_on=grant.agreement_date, amount=advance)
    if grant.amount - advance:
        Payment.objects.create(
            grant=grant, kind=Payment.Kind.BALANCE, due_on=grant.report_due_on, amount=grant.amount - advance
        )


def _create_grant(application, decision, *, ends_on, advance_percent):
    today = timezone.localdate()
    grant = Grant(
        application=application,
        decision=decision,
        reference=f"FDIN-{application.call.year}-{application.pk:05d}",
        amount=decision.amount,
        agreement_date=today,
        starts_on=today,
        ends_on=ends_on,
        report_due_on=ends_on + timedelta(days=REPORT_DELAY_DAYS),
    )
    grant.full_clean()
    grant.save()
    _schedule(grant, advance_percent)
    return grant


@transaction.atomic
def decide_application(
    application,
    *,
    acting_user,
    accepted,
    amount=ZERO,
    reason="",
    reference="",
    earmark_amounts=None,
    ends_on=None,
    advance_percent=50,
):
    """The committee's decision on an application in review. Accepted: the amount, drawn on earmarks
    (`{earmark: amount}`, checked against what is left on each, rows locked), makes a grant with its payment
    schedule (an advance of `advance_percent` %, the balance on the final report). Rejected: a reason."""
    application = _lock(application)
    _require(permissions.can_decide(acting_user))
    target = S.ACCEPTED if accepted else S.REJECTED
    if application.status in (S.ACCEPTED, S.REJECTED):
        raise ValidationError(
            "Cette candidature a déjà une décision : révisez-la en donnant un motif.", code="decided"
        )
    ApplicationWorkflow.action(application.status, target)
    amount = amount if accepted else ZERO
    lines = _draw(earmark_amounts or {}, amount) if accepted else {}
    decision = Decision(
        application=application,
        accepted=accepted,
        amount=amount,
        reason=reason,
        reference=reference,
        decided_by=acting_user,
    )
    decision.full_clean()
    decision.save()
    for earmark_pk, line_amount in lines.items():
        DecisionEarmark.objects.create(decision=decision, earmark_id=earmark_pk, amount=line_amount)
    if accepted:
        _create_grant(
            application,
            decision,
            ends_on=ends_on or timezone.localdate() + timedelta(days=365),
            advance_percent=advance_percent,
        )
        message = f"Le fonds départemental accorde {euros(amount)} au projet « {application.project_title} »."
    else:
        message = f"La candidature « {application.project_title} » n'est pas retenue. Motif : {reason}"
    _move(
        application,
        target,
        acting_user=acting_user,
        note=reason,
        notify=("Décision sur votre candidature", message),
    )
    return decision


@transaction.atomic
def revise_decision(
    application, *, acting_user, accepted, revision_reason, amount=ZERO, reason="", earmark_amounts=None
):
    """Replace the current decision with a new one that names it and says why. Possible while nothing has been
    paid; the grant and its unpaid schedule follow the new amount (a grant is kept for the record when refused)."""
    application = _lock(application)
    _require(permissions.can_decide(acting_user))
    target = S.ACCEPTED if accepted else S.REJECTED
    ApplicationWorkflow.action(application.status, target)
    if not revision_reason.strip():
        raise ValidationError("Donnez le motif de la révision.", code="revision_reason")
    current = application.decisions.select_for_update().get(is_current=True)
    grant = Grant.objects.select_for_update().filter(application=application).first()
    if grant is not None and grant.payments.filter(paid_at__isnull=False).exists():
        raise ValidationError("Un versement a déjà été fait : la décision ne peut plus être révisée.", code="paid")
    current.is_current = False
    current.save(update_fields=["is_current"])
    amount = amount if accepted else ZERO
    lines = _draw(earmark_amounts or {}, amount) if accepted else {}
    decision = Decision(
        application=application,
        accepted=accepted,
        amount=amount,
        reason=reason,
        reference=current.reference,
        decided_by=acting_user,
        revises=current,
        revision_reason=revision_reason,
    )
    decision.full_clean()
    decision.save()
    for earmark_pk, line_amount in lines.items():
        DecisionEarmark.objects.create(decision=decision, earmark_id=earmark_pk, amount=line_amount)
    if grant is not None:
        grant.payments.all().delete()
        if accepted:
            grant.decision = decision
            grant.amount = amount
            grant.save(update_fields=["decision", "amount"])
            _schedule(grant, 50)
        else:
            grant.delete()
    elif accepted:
        _create_grant(application, decision, ends_on=timezone.localdate() + timedelta(days=365), advance_percent=50)
    record(
        application,
        "fund_decision_revised",
        acting_user=acting_user,
        changes={"montant": [str(current.amount), str(amount)], "acceptée": [current.accepted, accepted]},
        message=revision_reason,
    )
    if application.status != target:
        before = application.status
        application.status = target
        application.save(update_fields=["status"])
        record(application, "fund_decision_revised", acting_user=acting_user, changes={"status": [before, target]})
    _notify_applicants(
        application,
        subject="Décision révisée sur votre candidature",
        body=f"La décision sur « {application.project_title} » est révisée. Motif : {revision_reason}",
    )
    return decision


# Grants and payments ---------------------------------------------------------------------------------------


def _split(amount, lines):
    """`amount` shared pro rata between `lines` ({earmark_pk: drawn}), cents down, the remainder on the last."""
    total = sum(lines.values(), ZERO)
    shares = {}
    for earmark_pk, drawn in lines.items():
        shares[earmark_pk] = (amount * drawn / total).quantize(CENT, rounding=ROUND_DOWN)
    last = list(lines)[-1]
    shares[last] += amount - sum(shares.values(), ZERO)
    return shares


@transaction.atomic
def record_payment(payment, *, acting_user, paid_on):
    """Record that a scheduled payment was made. The balance waits for the final report. The payment is taken
    from the decision's earmarks pro rata."""
    _require(permissions.manages_fund(acting_user))
    payment = Payment.objects.select_for_update().select_related("grant__decision").get(pk=payment.pk)
    grant = payment.grant
    if payment.paid_at is not None:
        raise ValidationError("Ce versement est déjà enregistré.", code="paid")
    if payment.kind == Payment.Kind.BALANCE and not FinalReport.objects.filter(grant=grant).exists():
        raise ValidationError("Le solde se verse sur le bilan final, qui n'est pas encore déposé.", code="report")
    lines = dict(grant.decision.earmark_lines.order_by("pk").values_list("earmark_id", "amount"))
    for earmark_pk, share in _split(payment.amount, lines).items():
        PaymentEarmark.objects.create(payment=payment, earmark_id=earmark_pk, amount=share)
    payment.paid_at = paid_on
    payment.save(update_fields=["paid_at"])
    record(
        grant,
        "fund_payment_recorded",
        acting_user=acting_user,
        changes={payment.get_kind_display(): str(payment.amount), "versé le": str(paid_on)},
    )
    _notify_applicants(
        grant.application,
        subject="Versement de votre subvention",
        body=f"{payment.get_kind_display()} de {euros(payment.amount)} versé le {paid_on:%d/%m/%Y} ({grant}).",
    )
    return payment


@transaction.atomic
def submit_final_report(grant, *, acting_user, narrative, achieved):
    """The applicant's final report: what was done, and the value reached for each indicator (`{indicator: n}`)."""
    grant = Grant.objects.select_for_update().select_related("application").get(pk=grant.pk)
    _require(permissions.acts_for_applicant(acting_user, grant.application))
    if FinalReport.objects.filter(grant=grant).exists():
        raise ValidationError("Le bilan final est déjà déposé.", code="exists")
    if not narrative.strip():
        raise ValidationError("Décrivez ce qui a été fait.", code="narrative")
    indicators = {indicator.pk: indicator for indicator in grant.application.indicators.all()}
    if {indicator.pk for indicator in achieved} != set(indicators):
        raise ValidationError("Donnez la valeur atteinte pour chaque indicateur.", code="indicators")
    for indicator, value in achieved.items():
        indicator = indicators[indicator.pk]
        indicator.achieved = value
        indicator.save(update_fields=["achieved"])
    report = FinalReport.objects.create(grant=grant, narrative=narrative, submitted_by=acting_user)
    record(
        grant,
        "fund_final_report_submitted",
        acting_user=acting_user,
        changes={str(indicators[i.pk]): v for i, v in achieved.items()},
    )
    return report


def send_report_reminders(*, today=None, wet_run=False):
    """Remind the applicants of every grant whose final report is due and missing, at most once every
    REMINDER_INTERVAL_DAYS days (so running it twice a day sends nothing more). Returns the grants concerned;
    writes nothing unless `wet_run`."""
    from accounts.emails import absolute_url

    today = today or timezone.localdate()
    since = today - timedelta(days=REMINDER_INTERVAL_DAYS)
    due = (
        Grant.objects.report_due(today)
        .exclude(last_reminder_on__gt=since)
        .select_related("application__organization")
        .order_by("report_due_on", "pk")
    )
    grants = list(due)
    if not wet_run:
        return grants
    for grant in grants:
        with transaction.atomic():
            locked = Grant.objects.select_for_update().get(pk=grant.pk)
            if locked.last_reminder_on and locked.last_reminder_on > since:
                continue
            locked.last_reminder_on = today
            locked.save(update_fields=["last_reminder_on"])
            record(
                locked,
                "fund_report_reminder_sent",
                acting_user=None,
                changes={"bilan attendu le": str(grant.report_due_on)},
            )
            _notify_applicants(
                grant.application,
                subject="Bilan final attendu",
                body=(
                    f"Le bilan final de la {grant} (« {grant.application.project_title} ») était attendu le "
                    f"{grant.report_due_on:%d/%m/%Y}. Déposez-le pour recevoir le solde : "
                    f"{absolute_url(reverse('funding:final_report', args=[grant.pk]))}"
                ),
            )
    return grants
