"""The coordination corrects what it typed: a funder, a contribution, a receipt, an earmark, a criterion. Same rule
as the pages that add them (`manages_fund`, 403); each correction is one service call, which keeps the ledger's
rules (amounts within the pledge, nothing drawn or paid left uncovered) and says which field is wrong."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from funding import services
from funding.forms import ContributionForm, CriterionForm, EarmarkForm, FunderForm, ReceiptForm
from funding.models import Call, Contribution, ContributionReceipt, Criterion, Earmark, Funder
from funding.views_applicant import form_page
from funding.views_manage import _home, _post_form, _require_manager


def _values(obj, fields):
    return {name: getattr(obj, name) for name in fields}


def _correction_page(request, form, perform, *, title, back, crumbs):
    response = _post_form(request, form, perform, "Correction enregistrée.", back)
    return response or form_page(
        request, form, title=title, breadcrumbs=crumbs, submit_label="Enregistrer la correction", cancel_url=back
    )


def _contribution_crumbs(contribution):
    return [
        *_home(),
        ("Contributions", reverse("funding:contributions")),
        (str(contribution), reverse("funding:contribution_detail", args=[contribution.pk])),
    ]


def funder_edit(request, pk):
    _require_manager(request)
    funder = get_object_or_404(Funder, pk=pk)
    form = FunderForm(request.POST or None, funder=funder, initial=_values(funder, services.FUNDER_FIELDS))
    return _correction_page(
        request,
        form,
        lambda data: services.update_funder(funder, acting_user=request.user, **data),
        title=f"Corriger le financeur « {funder.name} »",
        back=reverse("funding:funder_report", args=[funder.pk]),
        crumbs=[*_home(), (funder.name, reverse("funding:funder_report", args=[funder.pk]))],
    )


def contribution_edit(request, pk):
    _require_manager(request)
    contribution = get_object_or_404(Contribution.objects.select_related("funder"), pk=pk)
    form = ContributionForm(request.POST or None, initial=_values(contribution, services.CONTRIBUTION_FIELDS))
    return _correction_page(
        request,
        form,
        lambda data: services.update_contribution(contribution, acting_user=request.user, **data),
        title=f"Corriger la contribution de {contribution.funder.name} pour {contribution.year}",
        back=reverse("funding:contribution_detail", args=[contribution.pk]),
        crumbs=_contribution_crumbs(contribution),
    )


def receipt_edit(request, pk, receipt_pk):
    _require_manager(request)
    receipt = get_object_or_404(
        ContributionReceipt.objects.select_related("contribution__funder"), contribution_id=pk, pk=receipt_pk
    )
    form = ReceiptForm(request.POST or None, initial=_values(receipt, services.RECEIPT_FIELDS))
    return _correction_page(
        request,
        form,
        lambda data: services.update_receipt(receipt, acting_user=request.user, **data),
        title=f"Corriger le versement reçu le {receipt.received_on:%d/%m/%Y}",
        back=reverse("funding:contribution_detail", args=[pk]),
        crumbs=_contribution_crumbs(receipt.contribution),
    )


def earmark_edit(request, pk, earmark_pk):
    _require_manager(request)
    earmark = get_object_or_404(
        Earmark.objects.select_related("contribution__funder"), contribution_id=pk, pk=earmark_pk
    )
    form = EarmarkForm(request.POST or None, initial=_values(earmark, services.EARMARK_FIELDS))
    return _correction_page(
        request,
        form,
        lambda data: services.update_earmark(earmark, acting_user=request.user, **data),
        title=f"Corriger le fléchage « {earmark.label} »",
        back=reverse("funding:contribution_detail", args=[pk]),
        crumbs=_contribution_crumbs(earmark.contribution),
    )


def criterion_edit(request, pk, criterion_pk):
    _require_manager(request)
    call = get_object_or_404(Call, pk=pk)
    criterion = get_object_or_404(Criterion, call=call, pk=criterion_pk)
    form = CriterionForm(request.POST or None, initial={"label": criterion.label, "weight": criterion.weight})
    return _correction_page(
        request,
        form,
        lambda data: services.update_criterion(criterion, acting_user=request.user, **data),
        title=f"Corriger le critère « {criterion.label} »",
        back=reverse("funding:call_manage", args=[call.pk]),
        crumbs=[
            *_home(),
            ("Appels à projets", reverse("funding:calls_manage")),
            (call.title, reverse("funding:call_manage", args=[call.pk])),
        ],
    )
