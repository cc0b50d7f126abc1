from django.urls import path

from funding import views_applicant as applicant
from funding import views_corrections as corrections
from funding import views_manage as manage
from funding import views_public as public

app_name = "funding"

urlpatterns = [
    # Public
    path("appels/", public.calls_public, name="calls_public"),
    path("appels/<int:pk>/", public.call_public, name="call_public"),
    path("subventions/donnees-ouvertes.csv", public.grants_open_data, name="grants_open_data"),
    path("appels/dispositifs-aide.json", public.calls_dispositif_aide, name="calls_dispositif_aide"),
    # Applicants
    path("appels/<int:call_pk>/candidater/", applicant.application_create, name="application_create"),
    path("candidatures/", applicant.my_applications, name="my_applications"),
    path("candidatures/<int:pk>/", applicant.application_detail, name="application_detail"),
    path("candidatures/<int:pk>/projet/", applicant.application_edit, name="application_edit"),
    path("candidatures/<int:pk>/ajouter/<slug:kind>/", applicant.application_add_line, name="application_add_line"),
    path(
        "candidatures/<int:pk>/retirer-ligne/<slug:kind>/<int:line_pk>/",
        applicant.application_remove_line,
        name="application_remove_line",
    ),
    path("candidatures/<int:pk>/documents/ajouter/", applicant.document_add, name="document_add"),
    path("candidatures/<int:pk>/documents/<int:document_pk>/", applicant.document_download, name="document_download"),
    path(
        "candidatures/<int:pk>/documents/<int:document_pk>/retirer/", applicant.document_remove, name="document_remove"
    ),
    path("candidatures/<int:pk>/deposer/", applicant.application_submit, name="application_submit"),
    path("candidatures/<int:pk>/retirer/", applicant.application_withdraw, name="application_withdraw"),
    # Grants (both sides)
    path("subventions/", applicant.grants, name="grants"),
    path("subventions/<int:pk>/", applicant.grant_detail, name="grant_detail"),
    path("subventions/<int:pk>/convention.pdf", applicant.grant_agreement_pdf, name="grant_agreement_pdf"),
    path("subventions/<int:pk>/bilan/", applicant.final_report, name="final_report"),
    path("subventions/<int:pk>/versements/<int:payment_pk>/", manage.payment_record, name="payment_record"),
    # Coordination
    path("", manage.ledger_page, name="ledger"),
    path("financeurs/nouveau/", manage.funder_create, name="funder_create"),
    path("financeurs/<int:pk>/modifier/", corrections.funder_edit, name="funder_edit"),
    path("financeurs/<int:pk>/rapport/", manage.funder_report, name="funder_report"),
    path("financeurs/<int:pk>/rapport.pdf", manage.funder_report_pdf, name="funder_report_pdf"),
    path("financeurs/<int:pk>/rapport.xlsx", manage.funder_report_xlsx, name="funder_report_xlsx"),
    path("contributions/", manage.contributions, name="contributions"),
    path("contributions/<int:pk>/", manage.contribution_detail, name="contribution_detail"),
    path("contributions/<int:pk>/modifier/", corrections.contribution_edit, name="contribution_edit"),
    path(
        "contributions/<int:pk>/versements/<int:receipt_pk>/modifier/", corrections.receipt_edit, name="receipt_edit"
    ),
    path("contributions/<int:pk>/flechages/<int:earmark_pk>/modifier/", corrections.earmark_edit, name="earmark_edit"),
    path("gestion/appels/", manage.calls_manage, name="calls_manage"),
    path("gestion/appels/nouveau/", manage.call_create, name="call_create"),
    path("gestion/appels/<int:pk>/", manage.call_manage, name="call_manage"),
    path("gestion/appels/<int:pk>/modifier/", manage.call_edit, name="call_edit"),
    path("gestion/appels/<int:pk>/statut/", manage.call_status, name="call_status"),
    path(
        "gestion/appels/<int:pk>/criteres/<int:criterion_pk>/modifier/",
        corrections.criterion_edit,
        name="criterion_edit",
    ),
    path("candidatures/<int:pk>/instruction/", manage.application_review, name="application_review"),
    path("candidatures/<int:pk>/instruire/", manage.application_start_review, name="application_start_review"),
    path("candidatures/<int:pk>/complements/", manage.application_request_info, name="application_request_info"),
    path("candidatures/<int:pk>/decision/", manage.application_decide, name="application_decide"),
]
