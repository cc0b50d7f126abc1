"""Writes of the coordination on the fund itself: funders, contributions, receipts, earmarks, calls and their
criteria."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from core.history import diff, record, snapshot
from funding import permissions
from funding.models import (
    ZERO,
    Call,
    Contribution,
    ContributionReceipt,
    Criterion,
    Earmark,
    Funder,
)
from funding.services.common import (
    S,
    _require,
    euros,
)

# Funders, contributions, earmarks --------------------------------------------------------------------------


@transaction.atomic
def create_funder(*, acting_user, name, organization=None, siret=""):
    _require(permissions.manages_fund(acting_user))
    funder = Funder(name=name.strip(), organization=organization, siret=siret.replace(" ", ""))
    funder.full_clean()
    funder.save()
    record(funder, "fund_funder_created", acting_user=acting_user, changes={"nom": funder.name})
    return funder


@transaction.atomic
def create_contribution(*, acting_user, funder, year, pledged, conditions=""):
    _require(permissions.manages_fund(acting_user))
    contribution = Contribution(funder=funder, year=year, pledged=pledged, conditions=conditions)
    contribution.full_clean()
    contribution.save()
    record(
        contribution,
        "fund_contribution_created",
        acting_user=acting_user,
        changes={"année": year, "montant promis": str(pledged)},
    )
    return contribution


@transaction.atomic
def record_receipt(*, acting_user, contribution, received_on, amount, note=""):
    """Money received from the funder. The receipts may not exceed the pledge."""
    _require(permissions.manages_fund(acting_user))
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    received = contribution.receipts.aggregate(total=Sum("amount"))["total"] or ZERO
    if received + amount > contribution.pledged:
        raise ValidationError(
            f"Ce versement porterait les sommes reçues à {euros(received + amount)}, au-delà des "
            f"{euros(contribution.pledged)} promis (déjà reçu : {euros(received)}).",
            code="over_pledge",
        )
    receipt = ContributionReceipt(contribution=contribution, received_on=received_on, amount=amount, note=note)
    receipt.full_clean()
    receipt.save()
    record(
        contribution,
        "fund_receipt_recorded",
        acting_user=acting_user,
        changes={"reçu le": str(received_on), "montant": str(amount)},
    )
    return receipt


@transaction.atomic
def add_earmark(*, acting_user, contribution, label, amount, publics="", territories="", action_kinds=""):
    """Reserve part of a contribution. The earmarks of a contribution may not exceed its pledge."""
    _require(permissions.manages_fund(acting_user))
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    earmarked = contribution.earmarks.aggregate(total=Sum("amount"))["total"] or ZERO
    if earmarked + amount > contribution.pledged:
        raise ValidationError(
            f"Les fléchages atteindraient {euros(earmarked + amount)}, au-delà des {euros(contribution.pledged)} "
            f"promis (déjà fléché : {euros(earmarked)}, reste à flécher : {euros(contribution.pledged - earmarked)}).",
            code="over_pledge",
        )
    earmark = Earmark(
        contribution=contribution,
        label=label,
        amount=amount,
        publics=publics,
        territories=territories,
        action_kinds=action_kinds,
    )
    earmark.full_clean()
    earmark.save()
    record(contribution, "fund_earmark_added", acting_user=acting_user, changes={label: str(amount)})
    return earmark


# Calls -----------------------------------------------------------------------------------------------------

CALL_FIELDS = ["title", "year", "objectives", "eligibility", "budget", "opens_on", "closes_on"]


@transaction.atomic
def save_call(*, acting_user, call=None, **fields):
    """Create a call (a draft) or change it."""
    _require(permissions.manages_fund(acting_user))
    creating = call is None
    call = call or Call()
    before = snapshot(call, CALL_FIELDS)
    for name in CALL_FIELDS:
        setattr(call, name, fields[name])
    call.full_clean()
    call.save()
    record(
        call,
        "fund_call_created" if creating else "fund_call_updated",
        acting_user=acting_user,
        changes=diff(before, snapshot(call, CALL_FIELDS)),
    )
    return call


CALL_TRANSITIONS = {
    (Call.Status.DRAFT, Call.Status.PUBLISHED): "fund_call_published",
    (Call.Status.PUBLISHED, Call.Status.CLOSED): "fund_call_closed",
    (Call.Status.CLOSED, Call.Status.PUBLISHED): "fund_call_published",
}


@transaction.atomic
def set_call_status(call, *, acting_user, status):
    """Publish a draft (it needs at least one criterion), close a published call, reopen a closed one."""
    _require(permissions.manages_fund(acting_user))
    call = Call.objects.select_for_update().get(pk=call.pk)
    action = CALL_TRANSITIONS.get((call.status, status))
    if action is None:
        raise ValidationError(
            f"Un appel « {call.get_status_display().lower()} » ne peut pas devenir "
            f"« {Call.Status(status).label.lower()} ».",
            code="transition",
        )
    if status == Call.Status.PUBLISHED and not call.criteria.exists():
        raise ValidationError("Ajoutez au moins un critère de sélection avant de publier l'appel.", code="criteria")
    before = call.status
    call.status = status
    call.save(update_fields=["status"])
    record(call, action, acting_user=acting_user, changes={"status": [before, status]})
    return call


@transaction.atomic
def add_criterion(*, acting_user, call, label, weight):
    _require(permissions.manages_fund(acting_user))
    if call.applications.exclude(status=S.DRAFT).exists():
        raise ValidationError("Des candidatures sont déjà déposées : les critères ne changent plus.", code="locked")
    criterion = Criterion(call=call, label=label, weight=weight)
    criterion.full_clean()
    criterion.save()
    record(call, "fund_criterion_added", acting_user=acting_user, changes={label: weight})
    return criterion
