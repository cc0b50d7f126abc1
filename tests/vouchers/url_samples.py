"""What the URL walker (tests/site_map.py) needs for the Pass Numérique pages: a statement of a qualified place run
by the user's organisation (so its people get the downloads; the others get 404)."""

from django.utils import timezone

from tests.vouchers.factories import qualified_place
from vouchers.models import Statement


def _statement(user):
    membership = user.memberships.first() if user is not None else None
    place = qualified_place(organization=membership.organization) if membership else qualified_place()
    statement = Statement.objects.create(place=place, month=timezone.localdate().replace(day=1))
    return {"pk": statement.pk}


SAMPLES = {
    "vouchers:statement_csv": _statement,
    "vouchers:statement_pdf": _statement,
}

STATUS_ONLY = {
    "vouchers:statement_csv": "CSV à télécharger",
    "vouchers:statement_pdf": "PDF à télécharger",
}

SKIP = {"vouchers:statements_build": "POST seulement"}
