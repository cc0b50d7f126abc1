"""The end of an order, run each day by `manage.py voucher_lifecycle` (dry-run unless `--wet-run`):

- D-30 (`Order.alert_date`): the sponsor's and the prescriber organisations' contacts get an alert with the
  order's figures (`alert_sent_at`);
- D-15 (`Order.stop_handing_out_date`): handing out stops — `hand_out_book` refuses from that day whatever happens
  here; the prescribers are told once (`handing_out_stopped_at`);
- after the validity date plus the tolerance (`Order.expired_since`): the passes not used become « expirés », their
  count is kept for the sponsor's credit note (`expired_pass_count`), and the sponsor is told (`expired_at`).

Each step is done once (its date field is the proof), in its own transaction, with a history row: running the
command twice changes nothing the second time."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from core.history import record
from vouchers import emails
from vouchers.figures import book_figures
from vouchers.models import Book, Order, Pass, euros
from vouchers.services import french_date

ALERT, STOP, EXPIRE = "alert", "stop", "expire"
LABELS = {
    ALERT: "alerte J-30 au commanditaire et aux prescripteurs",
    STOP: "arrêt des remises (J-15), prescripteurs prévenus",
    EXPIRE: "expiration des pass non utilisés (avoir au commanditaire)",
}


@dataclass(frozen=True)
class Step:
    order: Order
    action: str

    def __str__(self):
        return f"{self.order} (n° {self.order.pk}) : {LABELS[self.action]}"


def due_steps(today):
    """The steps due on `today`, in order; none for an order already expired."""
    steps = []
    for order in Order.objects.not_expired().select_related("sponsor").order_by("valid_until", "pk"):
        if today > order.last_redemption_date:
            steps.append(Step(order, EXPIRE))
            continue
        if today >= order.alert_date and order.alert_sent_at is None:
            steps.append(Step(order, ALERT))
        if today >= order.stop_handing_out_date and order.handing_out_stopped_at is None:
            steps.append(Step(order, STOP))
    return steps


def _date_context(order):
    return {
        "valid_until": french_date(order.valid_until, with_year=True),
        "stop_date": french_date(order.stop_handing_out_date, with_year=True),
        "last_day": french_date(order.last_redemption_date, with_year=True),
        "expired_since": french_date(order.expired_since, with_year=True),
    }


def _prescriber_organization_ids(order):
    return set(order.books.filter(organization__isnull=False).values_list("organization_id", flat=True).distinct())


@transaction.atomic
def _alert(order, now):
    order = Order.objects.select_for_update().select_related("sponsor").get(pk=order.pk)
    if order.alert_sent_at is not None:
        return False
    figures = book_figures(Book.objects.filter(order=order))
    recipients = emails.sponsor_addresses(order) | emails.prescriber_addresses(_prescriber_organization_ids(order))
    emails.send_order_email(
        "end_alert.txt",
        subject=f"Pass Numérique : la commande « {order.name} » arrive à échéance",
        order=order,
        recipients=recipients,
        context={**_date_context(order), "figures": figures},
    )
    order.alert_sent_at = now
    order.save(update_fields=["alert_sent_at"])
    record(order, "voucher_order_end_alert", acting_user=None, changes={"destinataires": len(recipients)})
    return True


@transaction.atomic
def _stop(order, now):
    order = Order.objects.select_for_update().select_related("sponsor").get(pk=order.pk)
    if order.handing_out_stopped_at is not None:
        return False
    recipients = emails.prescriber_addresses(_prescriber_organization_ids(order))
    emails.send_order_email(
        "stop_handing_out.txt",
        subject=f"Pass Numérique : ne remettez plus de carnets de la commande « {order.name} »",
        order=order,
        recipients=recipients,
        context=_date_context(order),
    )
    order.handing_out_stopped_at = now
    order.save(update_fields=["handing_out_stopped_at"])
    record(order, "voucher_order_handing_out_stopped", acting_user=None, changes={"destinataires": len(recipients)})
    return True


@transaction.atomic
def _expire(order, now):
    order = Order.objects.select_for_update().select_related("sponsor").get(pk=order.pk)
    if order.expired_at is not None:
        return False
    passes = Pass.objects.filter(book__order=order)
    passes.filter(status=Pass.Status.AVAILABLE).update(status=Pass.Status.EXPIRED, expired_at=now)
    expired = passes.filter(status=Pass.Status.EXPIRED).count()
    redeemed = passes.filter(status=Pass.Status.REDEEMED).count()
    order.expired_at = now
    order.expired_pass_count = expired
    order.save(update_fields=["expired_at", "expired_pass_count"])
    credit = euros(expired * order.face_value_cents)
    emails.send_order_email(
        "expired.txt",
        subject=f"Pass Numérique : fin de la commande « {order.name} »",
        order=order,
        recipients=emails.sponsor_addresses(order),
        context={**_date_context(order), "expired": expired, "redeemed": redeemed, "credit": credit},
    )
    record(
        order,
        "voucher_order_expired",
        acting_user=None,
        changes={"pass_expires": expired, "pass_utilises": redeemed, "avoir": credit},
    )
    return True


ACTIONS = {ALERT: _alert, STOP: _stop, EXPIRE: _expire}


def run(today=None, *, wet_run=False):
    """Do (or, by default, only list) the steps due on `today`. Returns the steps due and whether each was done."""
    today = today or timezone.localdate()
    steps = due_steps(today)
    if not wet_run:
        return [(step, False) for step in steps]
    now = timezone.now()
    return [(step, ACTIONS[step.action](step.order, now)) for step in steps]
