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
    DecisionEarmark,
    Earmark,
    Funder,
)
from funding.services.common import (
    S,
    _require,
    euros,
)

# Funders, contributions, earmarks --------------------------------------------------------------------------


def _check_receipts(contribution, amount, *, replacing=None):
    """The receipts of a contribution may not exceed its pledge (`replacing`: the receipt being corrected)."""
    receipts = contribution.receipts.exclude(pk=replacing.pk) if replacing else contribution.receipts.all()
    received = receipts.aggregate(total=Sum("amount"))["total"] or ZERO
    others = "autres versements" if replacing else "déjà reçu"
    if received + amount > contribution.pledged:
        raise ValidationError(
            {
                "amount": f"Ce versement porterait les sommes reçues à {euros(received + amount)}, au-delà des "
                f"{euros(contribution.pledged)} promis ({others} : {euros(received)})."
            },
            code="over_pledge",
        )


def _check_earmarks(contribution, amount, *, replacing=None):
    """The earmarks of a contribution may not exceed its pledge (`replacing`: the earmark being corrected)."""
    earmarks = contribution.earmarks.exclude(pk=replacing.pk) if replacing else contribution.earmarks.all()
    earmarked = earmarks.aggregate(total=Sum("amount"))["total"] or ZERO
    others = "autres fléchages" if replacing else "déjà fléché"
    if earmarked + amount > contribution.pledged:
        raise ValidationError(
            {
                "amount": f"Les fléchages atteindraient {euros(earmarked + amount)}, au-delà des "
                f"{euros(contribution.pledged)} promis ({others} : {euros(earmarked)}, reste à flécher : "
                f"{euros(contribution.pledged - earmarked)})."
            },
            code="over_pledge",
        )


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
    _check_receipts(contribution, amount)
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
    _check_earmarks(contribution, amount)
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


# Corrections: the same rules as when the row was added, and nothing drawn or paid is left uncovered ----------

FUNDER_FIELDS = ["name", "organization", "siret"]
CONTRIBUTION_FIELDS = ["funder", "year", "pledged", "conditions"]
RECEIPT_FIELDS = ["received_on", "amount", "note"]
EARMARK_FIELDS = ["label", "amount", "publics", "territories", "action_kinds"]


def _save_changes(obj, fields, values, *, action, acting_user, history_on=None):
    """Set `values`, validate, save only `fields` and write one history row with what changed (before, after)."""
    before = snapshot(obj, fields)
    for name in fields:
        setattr(obj, name, values[name])
    obj.full_clean()
    changes = diff(before, snapshot(obj, fields))
    if changes:
        obj.save(update_fields=fields)
        record(history_on or obj, action, acting_user=acting_user, changes=changes, message=str(obj))
    return obj


@transaction.atomic
def update_funder(funder, *, acting_user, name, organization=None, siret=""):
    _require(permissions.manages_fund(acting_user))
    funder = Funder.objects.select_for_update().get(pk=funder.pk)
    values = {"name": name.strip(), "organization": organization, "siret": siret.replace(" ", "")}
    return _save_changes(funder, FUNDER_FIELDS, values, action="fund_funder_updated", acting_user=acting_user)


@transaction.atomic
def update_contribution(contribution, *, acting_user, funder, year, pledged, conditions=""):
    """The pledge may not fall below what was received or earmarked; the funder and the year stay as they are once
    a decision draws on the contribution (the grants and the ledger years depend on them)."""
    _require(permissions.manages_fund(acting_user))
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    errors = {}
    if DecisionEarmark.objects.filter(earmark__contribution=contribution).exists():
        if funder.pk != contribution.funder_id:
            errors["funder"] = "Des décisions puisent déjà dans cette contribution : son financeur ne change plus."
        if year != contribution.year:
            errors["year"] = "Des décisions puisent déjà dans cette contribution : son année ne change plus."
    received = contribution.receipts.aggregate(total=Sum("amount"))["total"] or ZERO
    earmarked = contribution.earmarks.aggregate(total=Sum("amount"))["total"] or ZERO
    if pledged < max(received, earmarked):
        errors["pledged"] = (
            f"Le montant promis ne peut pas descendre sous {euros(max(received, earmarked))} "
            f"(déjà reçu : {euros(received)}, déjà fléché : {euros(earmarked)})."
        )
    if errors:
        raise ValidationError(errors)
    values = {"funder": funder, "year": year, "pledged": pledged, "conditions": conditions}
    return _save_changes(
        contribution, CONTRIBUTION_FIELDS, values, action="fund_contribution_updated", acting_user=acting_user
    )


@transaction.atomic
def update_receipt(receipt, *, acting_user, received_on, amount, note=""):
    _require(permissions.manages_fund(acting_user))
    contribution = Contribution.objects.select_for_update().get(pk=receipt.contribution_id)
    receipt = ContributionReceipt.objects.get(pk=receipt.pk)
    _check_receipts(contribution, amount, replacing=receipt)
    values = {"received_on": received_on, "amount": amount, "note": note}
    return _save_changes(
        receipt,
        RECEIPT_FIELDS,
        values,
        action="fund_receipt_updated",
        acting_user=acting_user,
        history_on=contribution,
    )


@transaction.atomic
def update_earmark(earmark, *, acting_user, label, amount, publics="", territories="", action_kinds=""):
    """The earmarks stay within the pledge, and an earmark never falls below what current decisions draw on it
    (committed or already paid). Locks the contribution then the earmark, as decisions lock earmarks."""
    _require(permissions.manages_fund(acting_user))
    contribution = Contribution.objects.select_for_update().get(pk=earmark.contribution_id)
    Earmark.objects.select_for_update().filter(pk=earmark.pk).get()
    earmark = Earmark.objects.with_ledger().get(pk=earmark.pk)
    if amount < earmark.drawn:
        raise ValidationError(
            {
                "amount": f"Le montant fléché ne peut pas descendre sous {euros(earmark.drawn)}, déjà engagés ou "
                f"versés sur ce fléchage (engagé : {euros(earmark.committed)}, versé : {euros(earmark.paid)})."
            },
            code="under_drawn",
        )
    _check_earmarks(contribution, amount, replacing=earmark)
    values = {
        "label": label,
        "amount": amount,
        "publics": publics,
        "territories": territories,
        "action_kinds": action_kinds,
    }
    return _save_changes(
        earmark,
        EARMARK_FIELDS,
        values,
        action="fund_earmark_updated",
        acting_user=acting_user,
        history_on=contribution,
    )


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


@transaction.atomic
def update_criterion(criterion, *, acting_user, label, weight):
    """Like adding one: criteria change only until an application is submitted (reviews score them)."""
    _require(permissions.manages_fund(acting_user))
    criterion = Criterion.objects.select_for_update().select_related("call").get(pk=criterion.pk)
    if criterion.call.applications.exclude(status=S.DRAFT).exists():
        raise ValidationError("Des candidatures sont déjà déposées : les critères ne changent plus.", code="locked")
    values = {"label": label, "weight": weight}
    return _save_changes(
        criterion,
        ["label", "weight"],
        values,
        action="fund_criterion_updated",
        acting_user=acting_user,
        history_on=criterion.call,
    )
