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


def _order(user):
    from tests.vouchers.factories import OrderFactory

    return {"pk": OrderFactory().pk}


def _person(user):
    from tests.people.factories import PersonFactory

    membership = user.memberships.first() if user is not None else None
    person = PersonFactory(involved=membership.organization) if membership else PersonFactory()
    if membership:
        from tests.vouchers.factories import BookFactory

        BookFactory(received=True, organization=membership.organization)
    return {"person_pk": person.pk}


def _book(user):
    from tests.vouchers.factories import BookFactory

    membership = user.memberships.first() if user is not None else None
    book = BookFactory(handed_out=True, organization=membership.organization if membership else None)
    return {"pk": book.pk}


def _redemption(user):
    from tests.vouchers.factories import BookFactory, first_pass
    from vouchers.models import Redemption

    book = BookFactory(handed_out=True)
    redemption = Redemption.objects.create(
        pass_obj=first_pass(book),
        place=qualified_place(),
        service="Aide aux démarches administratives",
        amount_cents=1000,
    )
    return {"pk": redemption.pk}


SAMPLES = {
    "vouchers:statement_csv": _statement,
    "vouchers:statement_pdf": _statement,
    "vouchers:order_detail": _order,
    "vouchers:order_edit": _order,
    "vouchers:order_import": _order,
    "vouchers:order_import_sample": _order,
    "vouchers:order_import_mapping": _order,
    "vouchers:order_import_preview": _order,
    "vouchers:order_allocate": _order,
    "vouchers:order_ship": _order,
    "vouchers:hand_out": _person,
    "vouchers:letter": _book,
    "vouchers:redemption_detail": _redemption,
}

STATUS_ONLY = {
    "vouchers:order_import_sample": "CSV à télécharger",
    "vouchers:order_import_mapping": "redirige vers l'envoi du fichier sans fichier envoyé",
    "vouchers:order_import_preview": "redirige vers l'envoi du fichier sans fichier envoyé",
    "vouchers:figures_csv": "CSV à télécharger",
    "vouchers:figures_xlsx": "XLSX à télécharger",
    "vouchers:statement_csv": "CSV à télécharger",
    "vouchers:statement_pdf": "PDF à télécharger",
}

SKIP = {
    "vouchers:statements_build": "POST seulement",
    "vouchers:order_generate": "POST seulement",
    "vouchers:order_import_cancel": "POST seulement",
    "vouchers:shipment_receive": "POST seulement",
    "vouchers:statement_validate": "POST seulement",
    "vouchers:statement_pay": "POST seulement",
}

# Without a file sent in this session, the import's later steps send the coordination back to the upload step.
_IMPORT_STEP = {"coordinator": {302}, "administrator": {302}, "*": {403}}
EXPECTED_STATUS = {
    "vouchers:order_import_mapping": _IMPORT_STEP,
    "vouchers:order_import_preview": _IMPORT_STEP,
}
