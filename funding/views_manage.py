"""The coordination's side: the ledger, funders and contributions (receipts, earmarks), calls and their criteria,
instruction (review, scores, requests for information), the committee decision, payments, and the report per
funder (page, PDF, XLSX), for every year or one year. Corrections are in `views_corrections`.

Rules: every page here needs `manages_fund` (403), except the funder report, also open to the funder's own
members (`can_view_funder_report`); each write is one service call whose refusal is shown on the page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.pagination import paginate
from funding import ledger, services
from funding.forms import (
    CallForm,
    CallStatusForm,
    ContributionForm,
    CriterionForm,
    DecisionForm,
    EarmarkForm,
    FunderForm,
    NoteForm,
    PaymentForm,
    ReceiptForm,
    ReportYearForm,
    ReviewForm,
)
from funding.models import Application, Call, Contribution, Earmark, Funder, Payment
from funding.permissions import can_view_funder_report, manages_fund
from funding.views_applicant import form_page

S = Application.Status
HOME = ("Fonds départemental", "funding:ledger")


def _require_manager(request):
    if not manages_fund(request.user):
        raise PermissionDenied


def _home():
    return [(HOME[0], reverse(HOME[1]))]


def _post_form(request, form, perform, success, redirect_to):
    """On a valid POST, one service call; its refusal goes on the form. Returns a redirect or None."""
    if request.method == "POST" and form.is_valid():
        try:
            perform(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, success)
            return redirect(redirect_to)
    return None


# Ledger, funders, contributions -------------------------------------------------------------------------------


def ledger_page(request):
    """The fund at a glance: per year, promised, received, granted, committed, paid and the balance."""
    _require_manager(request)
    years = ledger.year_figures()
    cofunding, granted, leverage = ledger.leverage_overall()
    return render(
        request,
        "funding/manage/ledger.html",
        {
            "years": years.values(),
            "total": ledger.total(years.values()),
            "cofunding": cofunding,
            "granted": granted,
            "leverage": leverage,
            "funders": Funder.objects.all()[:100],
            "to_review": Application.objects.filter(status__in=[S.SUBMITTED, S.UNDER_REVIEW]).count(),
        },
    )


def funder_create(request):
    _require_manager(request)
    form = FunderForm(request.POST or None)
    response = _post_form(
        request,
        form,
        lambda data: services.create_funder(
            acting_user=request.user, name=data["name"], organization=data["organization"], siret=data["siret"]
        ),
        "Financeur enregistré.",
        "funding:contributions",
    )
    return response or form_page(
        request,
        form,
        title="Nouveau financeur",
        breadcrumbs=[*_home(), ("Contributions", reverse("funding:contributions"))],
        submit_label="Enregistrer le financeur",
        cancel_url=reverse("funding:contributions"),
    )


def contributions(request):
    """Every contribution with its receipts and earmarks totals; a form to add one."""
    _require_manager(request)
    form = ContributionForm(request.POST or None)
    created = {}

    def perform(data):
        created["contribution"] = services.create_contribution(acting_user=request.user, **data)

    if request.method == "POST" and form.is_valid():
        try:
            perform(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Contribution enregistrée : ajoutez ses versements et ses fléchages.")
            return redirect("funding:contribution_detail", pk=created["contribution"].pk)
    rows = Contribution.objects.with_totals().select_related("funder").order_by("-year", "funder__name")
    page = paginate(request, rows, per_page=50)
    return render(
        request,
        "funding/manage/contributions.html",
        {"page": page, "form": form, "breadcrumbs": _home(), "has_funders": Funder.objects.exists()},
    )


def contribution_detail(request, pk):
    _require_manager(request)
    contribution = get_object_or_404(Contribution.objects.select_related("funder"), pk=pk)
    receipt_form = ReceiptForm(request.POST if request.POST.get("form") == "receipt" else None, prefix="receipt")
    earmark_form = EarmarkForm(request.POST if request.POST.get("form") == "earmark" else None, prefix="earmark")
    here = reverse("funding:contribution_detail", args=[contribution.pk])
    response = _post_form(
        request,
        receipt_form,
        lambda data: services.record_receipt(acting_user=request.user, contribution=contribution, **data),
        "Versement reçu enregistré.",
        here,
    ) or _post_form(
        request,
        earmark_form,
        lambda data: services.add_earmark(acting_user=request.user, contribution=contribution, **data),
        "Fléchage ajouté.",
        here,
    )
    if response:
        return response
    return render(
        request,
        "funding/manage/contribution.html",
        {
            "contribution": contribution,
            "figures": ledger.year_figures(funder=contribution.funder).get(contribution.year, ledger.Figures()),
            "receipts": contribution.receipts.all(),
            "earmarks": Earmark.objects.filter(contribution=contribution).with_ledger(),
            "receipt_form": receipt_form,
            "earmark_form": earmark_form,
            "breadcrumbs": [*_home(), ("Contributions", reverse("funding:contributions"))],
        },
    )


# Calls ----------------------------------------------------------------------------------------------------------


def calls_manage(request):
    _require_manager(request)
    calls = Call.objects.annotate(
        application_count=Count("applications", filter=~Q(applications__status=S.DRAFT)),
    ).order_by("-opens_on", "pk")
    return render(
        request,
        "funding/manage/calls.html",
        {"page": paginate(request, calls, per_page=25), "breadcrumbs": _home()},
    )


def call_create(request):
    _require_manager(request)
    form = CallForm(request.POST or None)
    created = {}

    def perform(data):
        created["call"] = services.save_call(acting_user=request.user, **data)

    if request.method == "POST" and form.is_valid():
        try:
            perform(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Appel enregistré en brouillon : ajoutez ses critères puis publiez-le.")
            return redirect("funding:call_manage", pk=created["call"].pk)
    return form_page(
        request,
        form,
        title="Nouvel appel à projets",
        breadcrumbs=[*_home(), ("Appels à projets", reverse("funding:calls_manage"))],
        submit_label="Enregistrer le brouillon",
        cancel_url=reverse("funding:calls_manage"),
    )


def call_edit(request, pk):
    _require_manager(request)
    call = get_object_or_404(Call, pk=pk)
    form = CallForm(request.POST or None, initial={name: getattr(call, name) for name in services.CALL_FIELDS})
    response = _post_form(
        request,
        form,
        lambda data: services.save_call(acting_user=request.user, call=call, **data),
        "Appel enregistré.",
        reverse("funding:call_manage", args=[call.pk]),
    )
    return response or form_page(
        request,
        form,
        title=f"Modifier « {call.title} »",
        breadcrumbs=[*_home(), ("Appels à projets", reverse("funding:calls_manage"))],
        submit_label="Enregistrer",
        cancel_url=reverse("funding:call_manage", args=[call.pk]),
    )


def call_manage(request, pk):
    """A call: its text, its criteria (a form to add one), its status, and its applications."""
    _require_manager(request)
    call = get_object_or_404(Call, pk=pk)
    form = CriterionForm(request.POST or None)
    here = reverse("funding:call_manage", args=[call.pk])
    response = _post_form(
        request,
        form,
        lambda data: services.add_criterion(acting_user=request.user, call=call, **data),
        "Critère ajouté.",
        here,
    )
    if response:
        return response
    applications = call.applications.exclude(status=S.DRAFT).select_related("organization").order_by("pk")
    return render(
        request,
        "funding/manage/call.html",
        {
            "call": call,
            "criteria": call.criteria.all(),
            "form": form,
            "page": paginate(request, applications, per_page=50),
            "draft_count": call.applications.filter(status=S.DRAFT).count(),
            "next_statuses": [
                (target, Call.Status(target).label)
                for (current, target) in services.CALL_TRANSITIONS
                if current == call.status
            ],
            "breadcrumbs": [*_home(), ("Appels à projets", reverse("funding:calls_manage"))],
        },
    )


@require_POST
def call_status(request, pk):
    _require_manager(request)
    call = get_object_or_404(Call, pk=pk)
    form = CallStatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_call_status(call, acting_user=request.user, status=form.cleaned_data["status"])
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, f"Appel « {Call.Status(form.cleaned_data['status']).label.lower()} ».")
    return redirect("funding:call_manage", pk=call.pk)


# Instruction and decision ---------------------------------------------------------------------------------------


def _managed_application(request, pk):
    _require_manager(request)
    return get_object_or_404(Application.objects.select_related("call", "organization"), pk=pk)


def _application_crumbs(application):
    return [
        *_home(),
        (application.call.title, reverse("funding:call_manage", args=[application.call_id])),
        (str(application), reverse("funding:application_detail", args=[application.pk])),
    ]


@require_POST
def application_start_review(request, pk):
    application = _managed_application(request, pk)
    try:
        services.start_review(application, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Candidature en instruction : donnez votre avis.")
    return redirect("funding:application_review", pk=application.pk)


def application_request_info(request, pk):
    application = _managed_application(request, pk)
    form = NoteForm(request.POST or None)
    response = _post_form(
        request,
        form,
        lambda data: services.request_information(application, acting_user=request.user, note=data["note"]),
        "Compléments demandés : la structure est prévenue.",
        reverse("funding:application_detail", args=[application.pk]),
    )
    return response or form_page(
        request,
        form,
        title="Demander des compléments",
        intro="La structure est prévenue ; elle complète sa candidature puis la dépose à nouveau.",
        breadcrumbs=_application_crumbs(application),
        submit_label="Demander les compléments",
        cancel_url=reverse("funding:application_detail", args=[application.pk]),
    )


def application_review(request, pk):
    """The reviewers' page: the scores already given and a form to score each criterion and give an opinion."""
    application = _managed_application(request, pk)
    reviews = list(application.reviews.select_related("reviewer").prefetch_related("scores__criterion"))
    already = any(review.reviewer_id == request.user.pk for review in reviews)
    form = ReviewForm(request.POST or None, criteria=application.call.criteria.all())
    if request.method == "POST" and not already and form.is_valid():
        try:
            services.add_review(
                application,
                acting_user=request.user,
                opinion=form.cleaned_data["opinion"],
                comment=form.cleaned_data["comment"],
                scores=form.scores(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Avis enregistré.")
            return redirect("funding:application_review", pk=application.pk)
    return render(
        request,
        "funding/manage/review.html",
        {
            "application": application,
            "reviews": reviews,
            "form": None if already or application.status != S.UNDER_REVIEW else form,
            "can_start": application.status == S.SUBMITTED,
            "breadcrumbs": _application_crumbs(application),
        },
    )


def application_decide(request, pk):
    """The committee's decision (or its revision, with a reason): amount and the earmarks it draws on."""
    application = _managed_application(request, pk)
    current = application.decisions.filter(is_current=True).first()
    revising = current is not None
    if not revising and application.status != S.UNDER_REVIEW:
        messages.error(request, "Seule une candidature en instruction reçoit une décision.")
        return redirect("funding:application_detail", pk=application.pk)
    earmarks = (
        Earmark.objects.filter(contribution__year__lte=application.call.year)
        .with_ledger()
        .select_related("contribution__funder")
        .order_by("-contribution__year", "contribution__funder__name", "label")
    )
    form = DecisionForm(request.POST or None, earmarks=earmarks, revising=revising)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if revising:
                services.revise_decision(
                    application,
                    acting_user=request.user,
                    accepted=data["accepted"],
                    amount=data["amount"] or 0,
                    reason=data["reason"],
                    revision_reason=data["revision_reason"],
                    earmark_amounts=form.earmark_amounts(),
                )
            else:
                services.decide_application(
                    application,
                    acting_user=request.user,
                    accepted=data["accepted"],
                    amount=data["amount"] or 0,
                    reason=data["reason"],
                    reference=data["reference"],
                    earmark_amounts=form.earmark_amounts(),
                    ends_on=data["ends_on"],
                    advance_percent=data["advance_percent"],
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Décision enregistrée : la structure est prévenue.")
            return redirect("funding:application_detail", pk=application.pk)
    return render(
        request,
        "funding/manage/decide.html",
        {
            "application": application,
            "current": current,
            "form": form,
            "reviews": application.reviews.select_related("reviewer"),
            "breadcrumbs": _application_crumbs(application),
        },
    )


@require_POST
def payment_record(request, pk, payment_pk):
    _require_manager(request)
    payment = get_object_or_404(Payment.objects.select_related("grant"), grant_id=pk, pk=payment_pk)
    form = PaymentForm(request.POST, payment=payment)
    if form.is_valid():
        try:
            services.record_payment(payment, acting_user=request.user, paid_on=form.cleaned_data["paid_on"])
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, "Versement enregistré.")
    else:
        messages.error(request, "Indiquez la date du versement.")
    return redirect("funding:grant_detail", pk=pk)


# Funder reports -------------------------------------------------------------------------------------------------


def _funder(request, pk):
    funder = get_object_or_404(Funder, pk=pk)
    if not can_view_funder_report(request.user, funder):
        raise PermissionDenied
    return funder


def _report(request, funder):
    """The funder's report, for the year chosen in the GET form (every year by default), and that form."""
    years = funder.contributions.order_by("-year").values_list("year", flat=True)
    form = ReportYearForm(request.GET or None, years=years)
    return ledger.funder_report(funder, year=form.chosen_year()), form


def _report_file_name(report, extension):
    suffix = f"-{report.year}" if report.year else ""
    return f'attachment; filename="rapport-fonds-financeur-{report.funder.pk}{suffix}.{extension}"'


def funder_report(request, pk):
    funder = _funder(request, pk)
    report, form = _report(request, funder)
    return render(
        request,
        "funding/manage/funder_report.html",
        {
            "report": report,
            "funder": funder,
            "form": form,
            "query": f"?year={report.year}" if report.year else "",
            "drawn_total": sum((line.drawn for line in report.lines), 0),
            "can_edit": manages_fund(request.user),
            "breadcrumbs": _home() if manages_fund(request.user) else [],
        },
    )


def funder_report_pdf(request, pk):
    from funding.exporting import funder_report_pdf as build

    report, _form = _report(request, _funder(request, pk))
    response = HttpResponse(build(report), content_type="application/pdf")
    response["Content-Disposition"] = _report_file_name(report, "pdf")
    response["Cache-Control"] = "private, no-store"
    return response


def funder_report_xlsx(request, pk):
    from funding.exporting import funder_report_xlsx as build

    report, _form = _report(request, _funder(request, pk))
    response = HttpResponse(
        build(report), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = _report_file_name(report, "xlsx")
    response["Cache-Control"] = "private, no-store"
    return response
