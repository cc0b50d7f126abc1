"""What the URL walker (tests/site_map.py) needs for the pilotage pages: an active share link, a year."""

from django.utils import timezone

from tests.roles import ANONYMOUS


def _link(user):
    from tests.dashboards.factories import ShareLinkFactory

    return {"token": ShareLinkFactory().token}


def _link_pk(user):
    from tests.dashboards.factories import ShareLinkFactory

    return {"pk": ShareLinkFactory().pk}


def _year(user):
    return {"year": timezone.localdate().year}


SAMPLES = {
    "dashboards:shared": _link,
    "dashboards:shared_csv": _link,
    "dashboards:shared_xlsx": _link,
    "dashboards:share_revoke": _link_pk,
    "dashboards:report": _year,
    "dashboards:report_pdf": _year,
}

PUBLIC = {
    "dashboards:shared": "tableau de bord partagé en lecture seule (lien signé révocable)",
    "dashboards:shared_csv": "export CSV d'un tableau de bord partagé",
    "dashboards:shared_xlsx": "export XLSX d'un tableau de bord partagé",
}

STATUS_ONLY = {
    "dashboards:export_csv": "CSV (sans paramètre table : 404)",
    "dashboards:export_xlsx": "XLSX",
    "dashboards:export_passes": "CSV",
    "dashboards:shared_csv": "CSV (sans paramètre table : 404)",
    "dashboards:shared_xlsx": "XLSX",
    "dashboards:coverage_csv": "CSV",
    "dashboards:report_pdf": "PDF",
    "dashboards:report_index": "redirection vers le bilan de l'année",
    "dashboards:share_create": "POST seulement : un GET reçoit 405",
    "dashboards:share_revoke": "POST seulement : un GET reçoit 405",
}

COORDINATORS_ONLY = {"coordinator": {200}, "administrator": {200}, "*": {403}}

EXPECTED_STATUS = {
    "dashboards:report": COORDINATORS_ONLY,
    "dashboards:report_pdf": COORDINATORS_ONLY,
    "dashboards:report_index": {"coordinator": {302}, "administrator": {302}, "*": {403}},
    "dashboards:export_passes": COORDINATORS_ONLY,
    "dashboards:share_create": {"*": {405}},
    "dashboards:share_revoke": {"*": {405}},
    "dashboards:shared_csv": {ANONYMOUS: {404}, "*": {404}},
    "dashboards:shared": {ANONYMOUS: {200}, "*": {200}},
}
