"""The demo data of the Pass Numérique, the reconditionnement and the fonds départemental: built through each
module's services (history rows, demo actors), idempotent, and the main pages answer for the right demo account."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.models import HistoryEntry
from demo.seed import seed_demo
from geo.testing import load_test_territory


@pytest.fixture
def seeded(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    load_test_territory(insee_codes=[])
    return seed_demo()


def client_as(log_in, email):
    client = Client()
    log_in(client, User.objects.get(email=email))
    return client


def test_seed_builds_the_demo_pass_numerique(seeded):
    from demo.vouchers import BOOK_COUNT, HANDED_OUT, ORDER_NAME, demo_statement, last_month_start
    from vouchers.models import Book, Order, Pass, Redemption, Shipment

    order = Order.objects.get(name=ORDER_NAME)
    assert seeded["passes"] == BOOK_COUNT * 10 == Pass.objects.filter(book__order=order).count()
    shares = {f.funder.typology: f.share_percent for f in order.funder_shares.select_related("funder")}
    assert shares == {"CAF": Decimal("50.00"), "CD": Decimal("50.00")}
    assert order.sponsor.memberships.filter(user__email="coordination@demo.test").exists()
    ccas = User.objects.get(email="prescripteur@demo.test").memberships.first().organization
    books = Book.objects.filter(order=order)
    assert books.filter(organization=ccas).count() == BOOK_COUNT
    assert books.filter(status=Book.Status.HANDED_OUT).count() == HANDED_OUT
    assert books.filter(status=Book.Status.RECEIVED).count() == BOOK_COUNT - HANDED_OUT
    assert Shipment.objects.get(organization=ccas).received_at is not None
    # The holders are persons of the demo referrals.
    holders = set(books.filter(status=Book.Status.HANDED_OUT).values_list("handed_to__first_name", flat=True))
    assert "Josiane" in holders
    redemptions = Redemption.objects.filter(pass_obj__book__order=order)
    assert redemptions.count() == 6
    place = redemptions.first().place
    assert place.is_pass_qualified
    assert place.organization.memberships.filter(user__email="mediation@demo.test").exists()
    month = last_month_start(timezone.localdate())
    assert all(r.at.date() >= month for r in redemptions)
    statement = demo_statement()
    assert statement.month == month
    assert statement.redemption_count == 6
    assert statement.total_cents == 6000
    for action in ["voucher_order_created", "voucher_book_handed_out", "voucher_pass_redeemed"]:
        assert HistoryEntry.objects.filter(action=action).exists(), action
    assert HistoryEntry.objects.filter(action="voucher_statement_built", object_id=str(statement.pk)).exists()


def test_seed_builds_the_demo_workshop(seeded):
    from devices.models import Delivery, Device, DeviceRequest, DeviceTransition, Donation, Erasure, Status, WorkLog

    refurbisher = User.objects.get(email="reconditionnement@demo.test")
    workshop = refurbisher.memberships.first().organization
    donation = Donation.objects.get(workshop=workshop)
    assert donation.donor.is_partner
    devices = Device.objects.filter(donation=donation)
    assert seeded["devices"] == devices.count() == donation.received_count == 12
    assert set(devices.values_list("status", flat=True)) == set(Status.values)
    # Every device past the reception, except one recycled on arrival, has its erasure evidence.
    for device in devices.exclude(status=Status.RECEIVED).select_related("erasure"):
        if device.status == Status.RECYCLED and not Erasure.objects.filter(device=device).exists():
            assert device.recycled_reason
            continue
        assert device.erasure.evidence and device.erasure.operator
    requests = DeviceRequest.objects.filter(requested_by__email="prescripteur@demo.test")
    assert set(requests.values_list("status", flat=True)) == {"reserved", "delivered"}
    assert Delivery.objects.filter(request__in=requests).count() == 1
    assert WorkLog.objects.filter(workshop=workshop).count() >= 3
    actors = set(DeviceTransition.objects.values_list("actor__email", flat=True))
    assert actors == {"reconditionnement@demo.test"}
    assert HistoryEntry.objects.filter(action="device_delivered").count() == 1


def test_seed_builds_the_demo_fund(seeded):
    from demo.funding import CALL_TITLE
    from funding.models import Application, Call, Contribution, DecisionEarmark, Funder, Grant, Payment

    funders = Funder.objects.all()
    assert funders.count() == 3
    assert all(f.organization.is_partner for f in funders)
    year = timezone.localdate().year
    contributions = Contribution.objects.filter(year=year)
    assert contributions.count() == 3
    assert contributions.filter(receipts__isnull=False).distinct().count() == 2
    assert contributions.filter(earmarks__isnull=False).distinct().count() == 3
    call = Call.objects.get(title=CALL_TITLE)
    assert call.status == Call.Status.PUBLISHED and call.is_open()
    assert sorted(call.criteria.values_list("weight", flat=True)) == [1, 2, 3]
    assert seeded["applications"] == 2
    statuses = dict(call.applications.values_list("organization__typology", "status"))
    assert statuses["MSAP"] == Application.Status.SUBMITTED
    assert statuses["BIB"] == Application.Status.ACCEPTED
    grant = Grant.objects.get(application__call=call)
    assert DecisionEarmark.objects.filter(decision=grant.decision).exists()
    advance = Payment.objects.get(grant=grant, kind=Payment.Kind.ADVANCE)
    assert advance.paid_at is not None
    assert Payment.objects.get(grant=grant, kind=Payment.Kind.BALANCE).paid_at is None
    for action in ["fund_call_published", "fund_review_added", "fund_payment_recorded", "fund_earmark_added"]:
        assert HistoryEntry.objects.filter(action=action).exists(), action


def test_a_second_run_creates_nothing(seeded):
    from demo.devices import create_devices
    from demo.funding import create_funding
    from demo.vouchers import create_vouchers
    from devices.models import Device, DeviceRequest
    from funding.models import Application, Contribution, Funder
    from vouchers.models import Book, Order, Redemption

    models = [Order, Book, Redemption, Device, DeviceRequest, Funder, Contribution, Application, HistoryEntry]
    before = {model: model.objects.count() for model in models}
    assert create_vouchers() == seeded["passes"]
    assert create_devices() == seeded["devices"]
    assert create_funding() == seeded["applications"]
    assert {model: model.objects.count() for model in models} == before


def test_seed_command_prints_the_module_counts(db, settings, tmp_path, capsys):
    settings.MEDIA_ROOT = str(tmp_path)
    load_test_territory(insee_codes=[])
    call_command("seed_demo")
    output = capsys.readouterr().out
    assert "200 Pass Numérique" in output
    assert "12 appareils" in output
    assert "2 candidatures au fonds" in output


@pytest.mark.parametrize(
    ("email", "names"),
    [
        (
            "coordination@demo.test",
            [
                "vouchers:orders",
                "vouchers:statements",
                "vouchers:redemptions",
                "vouchers:figures",
                "devices:queue",
                "devices:impact",
                "funding:ledger",
                "funding:contributions",
                "funding:calls_manage",
            ],
        ),
        ("prescripteur@demo.test", ["vouchers:my_stock", "devices:my_requests"]),
        ("mediation@demo.test", ["vouchers:redeem", "vouchers:statements", "funding:my_applications"]),
        ("reconditionnement@demo.test", ["devices:stock", "devices:donations", "devices:queue", "devices:work_logs"]),
        ("admin-structure@demo.test", ["funding:my_applications"]),
        ("partenaire@demo.test", ["vouchers:figures"]),
    ],
)
def test_main_pages_answer_for_the_demo_accounts(seeded, log_in, email, names):
    client = client_as(log_in, email)
    for name in names:
        response = client.get(reverse(name))
        assert response.status_code == 200, (email, name, response.status_code)


def test_detail_pages_of_the_demo_objects_answer(seeded, log_in):
    from demo.vouchers import ORDER_NAME
    from devices.models import Device, DeviceRequest
    from funding.models import Application, Call, Funder, Grant
    from vouchers.models import Order

    coordination = client_as(log_in, "coordination@demo.test")
    order = Order.objects.get(name=ORDER_NAME)
    call = Call.objects.get()
    accepted = Application.objects.get(status=Application.Status.ACCEPTED)
    for url in [
        reverse("vouchers:order_detail", args=[order.pk]),
        reverse("funding:call_manage", args=[call.pk]),
        reverse("funding:application_review", args=[accepted.pk]),
    ]:
        assert coordination.get(url).status_code == 200, url
    workshop = client_as(log_in, "reconditionnement@demo.test")
    delivered = DeviceRequest.objects.get(status="delivered")
    for url in [
        reverse("devices:device_detail", args=[Device.objects.filter(status="ready").first().pk]),
        reverse("devices:request_detail", args=[delivered.pk]),
    ]:
        assert workshop.get(url).status_code == 200, url
    mediator = client_as(log_in, "mediation@demo.test")
    grant = Grant.objects.get()
    assert mediator.get(reverse("funding:grant_detail", args=[grant.pk])).status_code == 200
    assert mediator.get(reverse("funding:application_detail", args=[accepted.pk])).status_code == 200
    assert Client().get(reverse("funding:call_public", args=[call.pk])).status_code == 200
    # The CAF's partner account reads its own funder report.
    caf = Funder.objects.get(organization__typology="CAF")
    partner = client_as(log_in, "partenaire@demo.test")
    assert partner.get(reverse("funding:funder_report", args=[caf.pk])).status_code == 200
