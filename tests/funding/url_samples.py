"""What the URL walker (tests/site_map.py) needs for the fund's pages: an application of the user's own structure
(so the applicant side gets its pages; the others get 403 or 404), at the status each page needs."""

from decimal import Decimal

from funding.models import Application
from tests.funding.factories import (
    ApplicationFactory,
    CallFactory,
    ContributionFactory,
    FunderFactory,
    accepted_grant,
    funded_earmark,
)


def _organization(user):
    membership = user.memberships.first() if user is not None else None
    return membership.organization if membership else None


def _application(user, **kwargs):
    organization = _organization(user)
    if organization is not None:
        if not organization.siret:
            from tests.funding.factories import siret

            organization.siret = siret(900000 + organization.pk)
            organization.save(update_fields=["siret"])
        kwargs["organization"] = organization
    return ApplicationFactory(complete=True, **kwargs)


def _draft(user):
    return {"pk": _application(user).pk}


def _under_review(user):
    application = _application(user)
    application.status = Application.Status.UNDER_REVIEW
    application.save(update_fields=["status"])
    return {"pk": application.pk}


def _grant(user):
    return {"pk": accepted_grant(application=_application(user)).pk}


def _document(user):
    application = _application(user)
    return {"pk": application.pk, "document_pk": application.documents.first().pk}


def _funder(user):
    organization = _organization(user)
    funder = FunderFactory(organization=organization) if organization else FunderFactory()
    earmark = funded_earmark("5000.00", funder=funder)
    accepted_grant(amount="1000.00", earmarks={earmark: Decimal("1000.00")})
    return {"pk": funder.pk}


def _receipt(user):
    receipt = funded_earmark("2000.00").contribution.receipts.get()
    return {"pk": receipt.contribution_id, "receipt_pk": receipt.pk}


def _earmark(user):
    earmark = funded_earmark("2000.00")
    return {"pk": earmark.contribution_id, "earmark_pk": earmark.pk}


def _criterion(user):
    call = CallFactory()
    return {"pk": call.pk, "criterion_pk": call.criteria.first().pk}


def _call(user):
    return {"pk": CallFactory(published=True).pk}


def _new_application(user):
    return {"call_pk": CallFactory(published=True).pk}


def _line(user):
    return {**_draft(user), "kind": "budget"}


SAMPLES = {
    "funding:call_public": _call,
    "funding:application_create": _new_application,
    "funding:application_detail": _draft,
    "funding:application_edit": _draft,
    "funding:application_add_line": _line,
    "funding:document_add": _draft,
    "funding:document_download": _document,
    "funding:application_submit": _draft,
    "funding:application_withdraw": _draft,
    "funding:application_review": _under_review,
    "funding:application_request_info": _under_review,
    "funding:application_decide": _under_review,
    "funding:grant_detail": _grant,
    "funding:grant_agreement_pdf": _grant,
    "funding:final_report": _grant,
    "funding:funder_report": _funder,
    "funding:funder_report_pdf": _funder,
    "funding:funder_report_xlsx": _funder,
    "funding:contribution_detail": lambda user: {"pk": ContributionFactory().pk},
    "funding:funder_edit": lambda user: {"pk": FunderFactory().pk},
    "funding:contribution_edit": lambda user: {"pk": ContributionFactory().pk},
    "funding:receipt_edit": _receipt,
    "funding:earmark_edit": _earmark,
    "funding:criterion_edit": _criterion,
    "funding:call_manage": _call,
    "funding:call_edit": _call,
}

PUBLIC = {
    "funding:calls_public": "appels à projets publiés du fonds départemental",
    "funding:call_public": "un appel à projets publié",
    "funding:grants_open_data": "données ouvertes des subventions (SCDL)",
    "funding:calls_dispositif_aide": "appels publiés au format dispositif-aide (données ouvertes)",
}

STATUS_ONLY = {
    "funding:grants_open_data": "CSV à télécharger",
    "funding:calls_dispositif_aide": "JSON",
    "funding:grant_agreement_pdf": "PDF à télécharger",
    "funding:document_download": "fichier à télécharger",
    "funding:funder_report_pdf": "PDF à télécharger",
    "funding:funder_report_xlsx": "tableur à télécharger",
}

SKIP = {
    "funding:application_remove_line": "POST seulement",
    "funding:application_start_review": "POST seulement",
    "funding:call_status": "POST seulement",
    "funding:payment_record": "POST seulement",
    "funding:document_remove": "POST seulement",
}
