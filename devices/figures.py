"""The stock and impact figures: a handful of aggregate queries, no personal data (people are counted, never
named), so the page and its exports are the same for everyone allowed to see them."""

import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

from devices.models import (
    IN_STOCK_STATUSES,
    CO2Factor,
    Delivery,
    Device,
    DeviceRequest,
    Kind,
    RequestStatus,
    Status,
    WorkLog,
)


@dataclass
class Impact:
    stock_rows: list = field(default_factory=list)  # [(kind label, {status: count}, total)]
    stock_statuses: list = field(default_factory=list)  # [(value, label)]
    grade_rows: list = field(default_factory=list)  # [(grade, count)] for devices in stock
    second_life: int = 0
    recycled: int = 0
    in_stock: int = 0
    people_equipped: int = 0
    by_commune: list = field(default_factory=list)  # [(commune, count)]
    by_organization: list = field(default_factory=list)  # [(organisation, count)]
    co2_rows: list = field(default_factory=list)  # [(kind label, delivered, factor, kg)]
    co2_total_kg: Decimal = Decimal(0)
    work_hours: Decimal = Decimal(0)
    median_days_in_workshop: float | None = None
    median_days_waiting: float | None = None
    queued_requests: int = 0


def _days(start, end):
    return (end - start).total_seconds() / 86400


def _median(values):
    return round(statistics.median(values), 1) if values else None


def impact():
    result = Impact()
    kinds = dict(Kind.choices)
    counts = {}
    grades = {}
    for status, kind, grade, total in (
        Device.objects.order_by().values_list("status", "kind", "grade").annotate(total=Count("pk"))
    ):
        counts.setdefault(kind, {}).setdefault(status, 0)
        counts[kind][status] += total
        if status in IN_STOCK_STATUSES:
            result.in_stock += total
            key = grade or "à classer"
            grades[key] = grades.get(key, 0) + total
        if status == Status.DELIVERED:
            result.second_life += total
        elif status == Status.RECYCLED:
            result.recycled += total
    result.stock_statuses = list(Status.choices)
    result.stock_rows = [
        (label, [counts[kind].get(status, 0) for status, _ in Status.choices], sum(counts[kind].values()))
        for kind, label in kinds.items()
        if kind in counts
    ]
    result.grade_rows = sorted(grades.items())

    delivered = DeviceRequest.objects.filter(status=RequestStatus.DELIVERED)
    result.people_equipped = delivered.values("person").distinct().count()
    result.by_commune = [
        (name or "Commune non renseignée", total)
        for name, total in delivered.order_by()
        .values_list("person__commune__name")
        .annotate(total=Count("person", distinct=True))
        .order_by("-total", "person__commune__name")[:50]
    ]
    result.by_organization = list(
        delivered.order_by()
        .values_list("organization__name")
        .annotate(total=Count("person", distinct=True))
        .order_by("-total", "organization__name")[:50]
    )
    result.queued_requests = DeviceRequest.objects.filter(status=RequestStatus.QUEUED).count()

    factors = {factor.kind: factor.kg_co2e for factor in CO2Factor.objects.all()}
    delivered_by_kind = dict(
        Device.objects.filter(status=Status.DELIVERED).order_by().values_list("kind").annotate(total=Count("pk"))
    )
    for kind, label in kinds.items():
        total = delivered_by_kind.get(kind, 0)
        factor = factors.get(kind, Decimal(0))
        if total:
            result.co2_rows.append((label, total, factor, factor * total))
    result.co2_total_kg = sum((row[3] for row in result.co2_rows), Decimal(0))
    result.work_hours = WorkLog.objects.aggregate(total=Sum("hours"))["total"] or Decimal(0)

    deliveries = Delivery.objects.values_list("device__received_at", "request__created_at", "delivered_at")
    in_workshop, waiting = [], []
    for received_at, requested_at, delivered_at in deliveries.iterator(chunk_size=5000):
        in_workshop.append(_days(received_at, delivered_at))
        waiting.append(_days(requested_at, delivered_at))
    result.median_days_in_workshop = _median(in_workshop)
    result.median_days_waiting = _median(waiting)
    return result


def impact_rows(result):
    """The figures as (section, label, value) rows, for the CSV and XLSX exports."""
    rows = [
        ("Synthèse", "Appareils en stock", result.in_stock),
        ("Synthèse", "Appareils remis (seconde vie)", result.second_life),
        ("Synthèse", "Appareils recyclés", result.recycled),
        ("Synthèse", "Personnes équipées", result.people_equipped),
        ("Synthèse", "Demandes en attente", result.queued_requests),
        ("Synthèse", "Délai médian de la réception à la remise (jours)", result.median_days_in_workshop or ""),
        ("Synthèse", "Attente médiane de la demande à la remise (jours)", result.median_days_waiting or ""),
        ("Synthèse", "Heures de travail d'insertion", float(result.work_hours)),
        ("Synthèse", "CO2e évité estimé (kg)", float(result.co2_total_kg)),
    ]
    statuses = [label for _value, label in result.stock_statuses]
    for kind_label, values, _total in result.stock_rows:
        for status_label, value in zip(statuses, values, strict=True):
            if value:
                rows.append(("Stock par type et étape", f"{kind_label} — {status_label}", value))
    rows += [("Stock par état", f"État {grade}", total) for grade, total in result.grade_rows]
    rows += [("Personnes équipées par commune", name, total) for name, total in result.by_commune]
    rows += [("Personnes équipées par prescripteur", name, total) for name, total in result.by_organization]
    rows += [("CO2e évité par type (kg)", label, float(kg)) for label, _n, _f, kg in result.co2_rows]
    return rows
