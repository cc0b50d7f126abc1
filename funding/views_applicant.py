"""The applicant's side: « Mes candidatures », the draft (project, budget lines, co-funding, indicators, documents),
submission, withdrawal, and the grant's final report.

Rules: an application is read through `Application.objects.visible_to(user)` (outside it: 404); writing needs the
applicant side (`acts_for_applicant`: 403); every write is one service call, whose refusal is shown in French."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from core.pagination import paginate
from funding import services
from funding.forms import (
    LINE_FORMS,
    LINE_TITLES,
    ApplicationForm,
    DocumentForm,
    FinalReportForm,
    NewApplicationForm,
    WithdrawForm,
)
from funding.models import ZERO, Application, ApplicationDocument, Call, FinalReport, Grant
from funding.permissions import acts_for_applicant, applicant_organizations, can_apply, manages_fund


def form_page(request, form, *, title, breadcrumbs, submit_label, cancel_url, intro="", multipart=False, danger=False):
    return render(
        request,
        "funding/form_page.html",
        {
            "form": form,
            "title": title,
            "intro": intro,
            "breadcrumbs": breadcrumbs,
            "submit_label": submit_label,
            "cancel_url": cancel_url,
            "multipart": multipart,
            "danger": danger,
        },
    )


def _application(request, pk, *, applicant=False):
    application = get_object_or_404(
        Application.objects.visible_to(request.user).select_related("call", "organization"), pk=pk
    )
    if applicant and not acts_for_applicant(request.user, application):
        raise PermissionDenied
    return application


def _breadcrumbs(request, application=None):
    if manages_fund(request.user):
        links = [("Fonds départemental", reverse("funding:ledger"))]
        if application is not None:
            links.append((application.call.title, reverse("funding:call_manage", args=[application.call_id])))
    else:
        links = [("Mes candidatures", reverse("funding:my_applications"))]
    if application is not None:
        links.append((str(application), reverse("funding:application_detail", args=[application.pk])))
    return links


def my_applications(request):
    """The applications of the user's structures, newest first, and their grants."""
    if not can_apply(request.user):
        raise PermissionDenied
    applications = (
        Application.objects.visible_to(request.user)
        .filter(organization__in=applicant_organizations(request.user))
        .select_related("call", "organization")
        .annotate(grant_pk=F("grant__pk"))
    )
    page = paginate(request, applications, per_page=25)
    return render(
        request,
        "funding/applicant/list.html",
        {"page": page, "open_calls": Call.objects.published().filter(status=Call.Status.PUBLISHED)[:10]},
    )


def application_create(request, call_pk):
    if not can_apply(request.user):
        raise PermissionDenied
    call = get_object_or_404(Call.objects.published(), pk=call_pk)
    form = NewApplicationForm(request.POST or None, organizations=applicant_organizations(request.user))
    if not call.is_open():
        form = None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            application = services.create_application(
                acting_user=request.user,
                call=call,
                organization=form.cleaned_data["organization"],
                project_title=form.cleaned_data["project_title"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Brouillon créé : complétez-le puis déposez-le.")
            return redirect("funding:application_detail", pk=application.pk)
    if form is None:
        messages.error(request, "Cet appel à projets n'est pas ouvert aux candidatures.")
        return redirect("funding:call_public", pk=call.pk)
    return form_page(
        request,
        form,
        title=f"Candidater à « {call.title} »",
        intro=(
            f"Votre brouillon est enregistré : vous le compléterez et le déposerez avant le {call.closes_on:%d/%m/%Y}."
        ),
        breadcrumbs=[("Mes candidatures", reverse("funding:my_applications"))],
        submit_label="Créer le brouillon",
        cancel_url=reverse("funding:call_public", args=[call.pk]),
    )


def application_detail(request, pk):
    """Everything about the application; its editable parts for the applicant side while it is editable."""
    application = _application(request, pk)
    budget_lines = list(application.budget_lines.all())
    cofundings = list(application.cofundings.all())
    is_applicant = acts_for_applicant(request.user, application)
    editable = is_applicant and application.is_editable
    decision = application.decisions.filter(is_current=True).first()
    return render(
        request,
        "funding/applicant/detail.html",
        {
            "application": application,
            "budget_lines": budget_lines,
            "budget_total": sum((line.amount for line in budget_lines), ZERO),
            "cofundings": cofundings,
            "cofunding_total": sum((line.amount for line in cofundings), ZERO),
            "indicators": application.indicators.all(),
            "documents": application.documents.all(),
            "reviews": application.reviews.select_related("reviewer") if manages_fund(request.user) else [],
            "decision": decision,
            "grant": Grant.objects.filter(application=application).first(),
            "missing": services.missing_parts(application) if editable else [],
            "editable": editable,
            "is_applicant": is_applicant,
            "can_withdraw": is_applicant
            and services.ApplicationWorkflow.can_go(application.status, Application.Status.WITHDRAWN),
            "manages": manages_fund(request.user),
            "breadcrumbs": _breadcrumbs(request),
        },
    )


def application_edit(request, pk):
    application = _application(request, pk, applicant=True)
    if not application.is_editable:
        raise PermissionDenied
    form = ApplicationForm(
        request.POST or None,
        initial={
            "project_title": application.project_title,
            "project_description": application.project_description,
            "amount_requested": application.amount_requested,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_application(application, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Projet enregistré.")
            return redirect("funding:application_detail", pk=application.pk)
    return form_page(
        request,
        form,
        title="Décrire le projet",
        breadcrumbs=_breadcrumbs(request, application),
        submit_label="Enregistrer",
        cancel_url=reverse("funding:application_detail", args=[application.pk]),
    )


def application_add_line(request, pk, kind):
    if kind not in LINE_FORMS:
        raise Http404
    application = _application(request, pk, applicant=True)
    if not application.is_editable:
        raise PermissionDenied
    form = LINE_FORMS[kind](request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_line(application, acting_user=request.user, kind=kind, values=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Ligne ajoutée.")
            return redirect("funding:application_detail", pk=application.pk)
    return form_page(
        request,
        form,
        title=LINE_TITLES[kind],
        breadcrumbs=_breadcrumbs(request, application),
        submit_label="Ajouter",
        cancel_url=reverse("funding:application_detail", args=[application.pk]),
    )


@require_POST
def application_remove_line(request, pk, kind, line_pk):
    if kind not in LINE_FORMS:
        raise Http404
    application = _application(request, pk, applicant=True)
    try:
        services.remove_line(application, acting_user=request.user, kind=kind, line_pk=line_pk)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    except services.LINE_MODELS[kind].DoesNotExist:
        raise Http404 from None
    else:
        messages.success(request, "Ligne retirée.")
    return redirect("funding:application_detail", pk=application.pk)


def document_add(request, pk):
    application = _application(request, pk, applicant=True)
    if not application.is_editable:
        raise PermissionDenied
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_document(
                application,
                acting_user=request.user,
                kind=form.cleaned_data["kind"],
                uploaded_file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, "Document ajouté.")
            return redirect("funding:application_detail", pk=application.pk)
    return form_page(
        request,
        form,
        title="Joindre un document",
        breadcrumbs=_breadcrumbs(request, application),
        submit_label="Joindre",
        cancel_url=reverse("funding:application_detail", args=[application.pk]),
        multipart=True,
    )


@require_POST
def document_remove(request, pk, document_pk):
    application = _application(request, pk, applicant=True)
    try:
        services.remove_document(application, acting_user=request.user, document_pk=document_pk)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    except ApplicationDocument.DoesNotExist:
        raise Http404 from None
    else:
        messages.success(request, "Document retiré.")
    return redirect("funding:application_detail", pk=application.pk)


def document_download(request, pk, document_pk):
    """A document, only to those who see the application; never from MEDIA_URL."""
    application = _application(request, pk)
    document = get_object_or_404(application.documents, pk=document_pk)
    try:
        with document.file.open("rb") as handle:
            content = handle.read()
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = HttpResponse(content, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=document.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def application_submit(request, pk):
    """GET: what is missing, or a confirmation. POST: submit; a refusal lists what is missing."""
    application = _application(request, pk, applicant=True)
    missing = services.missing_parts(application)
    if request.method == "POST":
        try:
            services.submit_application(application, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, "Candidature déposée : la coordination départementale va l'instruire.")
            return redirect("funding:application_detail", pk=application.pk)
    refusal = ""
    try:
        services.ApplicationWorkflow.action(application.status, Application.Status.SUBMITTED)
    except ValidationError as error:
        refusal = error.messages[0]
    return render(
        request,
        "funding/applicant/submit.html",
        {
            "application": application,
            "missing": missing,
            "refusal": refusal,
            "breadcrumbs": _breadcrumbs(request, application),
        },
    )


def application_withdraw(request, pk):
    application = _application(request, pk, applicant=True)
    if not services.ApplicationWorkflow.can_go(application.status, Application.Status.WITHDRAWN):
        raise PermissionDenied
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_application(application, acting_user=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Candidature retirée.")
            return redirect("funding:application_detail", pk=application.pk)
    return form_page(
        request,
        form,
        title="Retirer la candidature",
        intro="Une candidature retirée ne peut plus être déposée.",
        breadcrumbs=_breadcrumbs(request, application),
        submit_label="Retirer la candidature",
        cancel_url=reverse("funding:application_detail", args=[application.pk]),
        danger=True,
    )


# Grants ------------------------------------------------------------------------------------------------------


def _grant(request, pk):
    return get_object_or_404(
        Grant.objects.visible_to(request.user)
        .with_figures()
        .with_people_followed()
        .select_related("application__organization", "application__call", "decision"),
        pk=pk,
    )


def grants(request):
    """The grants the user sees (all for the coordination, their structures' for applicants), with leverage."""
    from funding.ledger import leverage_overall, ratio

    if not (manages_fund(request.user) or can_apply(request.user)):
        raise PermissionDenied
    queryset = Grant.objects.visible_to(request.user)
    page = paginate(
        request,
        queryset.with_figures().select_related("application__organization").order_by("-agreement_date", "-pk"),
        per_page=25,
    )
    for grant in page.object_list:
        grant.leverage = ratio(grant.cofunding_obtained, grant.amount)
    cofunding, granted, leverage = leverage_overall(queryset)
    return render(
        request,
        "funding/grants.html",
        {
            "page": page,
            "cofunding": cofunding,
            "granted": granted,
            "leverage": leverage,
            "paid": queryset.filter(payments__paid_at__isnull=False).aggregate(total=Sum("payments__amount"))["total"]
            or ZERO,
            "manages": manages_fund(request.user),
        },
    )


def grant_detail(request, pk):
    from funding.forms import PaymentForm
    from funding.ledger import ratio

    grant = _grant(request, pk)
    payments = list(grant.payments.order_by("due_on", "pk"))
    manages = manages_fund(request.user)
    report = FinalReport.objects.filter(grant=grant).first()
    for payment in payments:
        payment.form = PaymentForm(payment=payment) if manages and payment.paid_at is None else None
    return render(
        request,
        "funding/grant.html",
        {
            "grant": grant,
            "application": grant.application,
            "payments": payments,
            "earmark_lines": grant.decision.earmark_lines.select_related("earmark__contribution__funder"),
            "indicators": grant.application.indicators.all(),
            "report": report,
            "leverage": ratio(grant.cofunding_obtained, grant.amount),
            "manages": manages,
            "is_applicant": acts_for_applicant(request.user, grant.application),
            "breadcrumbs": [("Subventions", reverse("funding:grants"))],
        },
    )


def grant_agreement_pdf(request, pk):
    from funding.exporting import agreement_pdf

    grant = _grant(request, pk)
    response = FileResponse(
        iter([agreement_pdf(grant)]), content_type="application/pdf", filename=f"convention-{grant.reference}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def final_report(request, pk):
    grant = _grant(request, pk)
    if not acts_for_applicant(request.user, grant.application):
        raise PermissionDenied
    if FinalReport.objects.filter(grant=grant).exists():
        messages.info(request, "Le bilan final est déjà déposé.")
        return redirect("funding:grant_detail", pk=grant.pk)
    form = FinalReportForm(request.POST or None, indicators=grant.application.indicators.all())
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_final_report(
                grant, acting_user=request.user, narrative=form.cleaned_data["narrative"], achieved=form.achieved()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Bilan final déposé : le solde peut être versé.")
            return redirect("funding:grant_detail", pk=grant.pk)
    return form_page(
        request,
        form,
        title="Déposer le bilan final",
        intro=f"Attendu le {grant.report_due_on:%d/%m/%Y}. Le solde de la subvention est versé sur ce bilan.",
        breadcrumbs=[
            ("Subventions", reverse("funding:grants")),
            (str(grant), reverse("funding:grant_detail", args=[grant.pk])),
        ],
        submit_label="Déposer le bilan",
        cancel_url=reverse("funding:grant_detail", args=[grant.pk]),
    )
