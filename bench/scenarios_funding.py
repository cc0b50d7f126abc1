"""Fonds départemental benchmarks, on a fund of 20 funders × 3 years (60 contributions, 120 earmarks) and 5,000
grants (each with its decision lines, two payments, co-funding and indicators), created once with bulk inserts and
reused. Registered lazily in bench/run.py:

- `funding_ledger` — the ledger per year, every earmark with its figures, the overall leverage, one funder's report
  (page data, PDF, XLSX) and the SCDL open-data CSV of every grant (targets: ledger < 200 ms, report < 2 s,
  CSV < 5 s);
- `funding_decide` — `decide_application` (earmark rows locked, balances checked, grant and schedule created) on
  fresh applications, p50/p95 (target p95 < 100 ms), and the refusal of an over-commitment.
"""

import datetime
import statistics
import time
from decimal import Decimal

FUNDERS = 20
YEARS = 3
EARMARKS_PER_CONTRIBUTION = 2
GRANTS = 5_000
DECISIONS = 100
MARKER = "Mesure : financeur 0"
BATCH = 2_000


def _log(message):
    import sys

    print(message, file=sys.stderr, flush=True)


def ensure_fund():
    """The measured fund, created once (returns the seconds its creation took, 0 when reused)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from accounts.models import Membership, Organization, Role
    from funding.models import (
        Application,
        Call,
        CoFunding,
        Contribution,
        ContributionReceipt,
        Criterion,
        Decision,
        DecisionEarmark,
        Earmark,
        Funder,
        Grant,
        Indicator,
        Payment,
        PaymentEarmark,
    )

    User = get_user_model()
    coordinator, _ = User.objects.get_or_create(email="mesure-fonds@example.org", defaults={"first_name": "Mesure"})
    org, _ = Organization.objects.get_or_create(name="Mesure : coordination du fonds")
    Membership.objects.get_or_create(user=coordinator, organization=org, role=Role.COORDINATOR)
    if Funder.objects.filter(name=MARKER).exists():
        return coordinator, 0.0
    _log("Fonds de mesure : création…")
    started = time.perf_counter()
    this_year = datetime.date.today().year
    with transaction.atomic():
        funders = Funder.objects.bulk_create(Funder(name=f"Mesure : financeur {i}") for i in range(FUNDERS))
        contributions = Contribution.objects.bulk_create(
            Contribution(funder=funder, year=this_year - y, pledged=Decimal("1000000.00"))
            for funder in funders
            for y in range(YEARS)
        )
        ContributionReceipt.objects.bulk_create(
            ContributionReceipt(contribution=c, received_on=datetime.date(c.year, 3, 1), amount=c.pledged)
            for c in contributions
        )
        earmarks = Earmark.objects.bulk_create(
            Earmark(contribution=c, label=f"Fléchage {k}", amount=Decimal("500000.00"))
            for c in contributions
            for k in range(EARMARKS_PER_CONTRIBUTION)
        )
        call = Call.objects.create(
            title="Mesure : appel",
            year=this_year,
            objectives="Mesure.",
            eligibility="Mesure.",
            budget=Decimal("10000000.00"),
            opens_on=datetime.date(this_year - YEARS, 1, 1),
            closes_on=datetime.date(this_year + 1, 12, 31),
            status=Call.Status.PUBLISHED,
        )
        Criterion.objects.create(call=call, label="Public touché", weight=3)
        structures = Organization.objects.bulk_create(Organization(name=f"Mesure : structure {i}") for i in range(200))
        applications = Application.objects.bulk_create(
            Application(
                call=call,
                organization=structures[i % len(structures)],
                project_title=f"Projet mesuré {i}",
                project_description="Mesure.",
                amount_requested=Decimal("2000.00"),
                status=Application.Status.ACCEPTED,
            )
            for i in range(GRANTS)
        )
        CoFunding.objects.bulk_create(
            CoFunding(application=a, source="state", label="État", amount=Decimal("3000.00"), status="obtained")
            for a in applications
        )
        Indicator.objects.bulk_create(
            Indicator(application=a, kind="people", expected=50, achieved=45) for a in applications
        )
        decisions = Decision.objects.bulk_create(
            Decision(application=a, accepted=True, amount=Decimal("2000.00"), decided_by=coordinator)
            for a in applications
        )
        DecisionEarmark.objects.bulk_create(
            (
                DecisionEarmark(
                    decision=d, earmark=earmarks[(2 * i + half) % len(earmarks)], amount=Decimal("1000.00")
                )
                for i, d in enumerate(decisions)
                for half in (0, 1)
            ),
            batch_size=BATCH,
        )
        today = datetime.date.today()
        grants = Grant.objects.bulk_create(
            Grant(
                application=a,
                decision=d,
                reference=f"MES-{a.pk:06d}",
                amount=d.amount,
                agreement_date=today,
                starts_on=today,
                ends_on=today + datetime.timedelta(days=365),
                report_due_on=today + datetime.timedelta(days=425),
            )
            for a, d in zip(applications, decisions, strict=True)
        )
        payments = Payment.objects.bulk_create(
            (
                Payment(
                    grant=g,
                    kind=kind,
                    due_on=g.agreement_date if kind == "advance" else g.report_due_on,
                    amount=Decimal("1000.00"),
                    paid_at=g.agreement_date if kind == "advance" else None,
                )
                for g in grants
                for kind in ("advance", "balance")
            ),
            batch_size=BATCH,
        )
        lines = {d.pk: [] for d in decisions}
        for i, d in enumerate(decisions):
            lines[d.pk] = [earmarks[(2 * i) % len(earmarks)], earmarks[(2 * i + 1) % len(earmarks)]]
        PaymentEarmark.objects.bulk_create(
            (
                PaymentEarmark(payment=p, earmark=e, amount=Decimal("500.00"))
                for p in payments
                if p.paid_at
                for e in lines[p.grant.decision_id]
            ),
            batch_size=BATCH,
        )
    from django.db import connection

    if connection.vendor == "postgresql":  # fresh statistics after bulk inserts, as autovacuum would leave them
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    creation = time.perf_counter() - started
    _log(f"Fonds de mesure créé en {creation:.1f} s.")
    return coordinator, creation


def ledger_scenario():
    from funding import exporting, ledger
    from funding.models import Earmark, Funder, Grant

    _coordinator, creation = ensure_fund()
    timings = {}
    started = time.perf_counter()
    years = ledger.year_figures()
    timings["ledger_per_year_s"] = time.perf_counter() - started
    started = time.perf_counter()
    earmarks = list(Earmark.objects.with_ledger())
    timings["earmarks_with_ledger_s"] = time.perf_counter() - started
    started = time.perf_counter()
    leverage = ledger.leverage_overall()
    timings["leverage_overall_s"] = time.perf_counter() - started
    funder = Funder.objects.get(name=MARKER)
    started = time.perf_counter()
    report = ledger.funder_report(funder)
    timings["funder_report_s"] = time.perf_counter() - started
    started = time.perf_counter()
    pdf = exporting.funder_report_pdf(report)
    timings["funder_report_pdf_s"] = time.perf_counter() - started
    started = time.perf_counter()
    xlsx = exporting.funder_report_xlsx(report)
    timings["funder_report_xlsx_s"] = time.perf_counter() - started
    started = time.perf_counter()
    grants = Grant.objects.select_related("application__organization", "decision").prefetch_related("payments")
    csv_text = exporting.scdl_csv(grants.order_by("agreement_date", "pk"))
    timings["scdl_csv_s"] = time.perf_counter() - started
    total = ledger.total(years.values())
    return {
        "fund_creation_s": round(creation, 1),
        "grants": Grant.objects.count(),
        "earmarks": len(earmarks),
        "balance": str(total.balance),
        "leverage": str(leverage[2]),
        "funder_report_grants": len(report.lines),
        "pdf_bytes": len(pdf),
        "xlsx_bytes": len(xlsx),
        "csv_lines": csv_text.count("\n"),
        **{key: round(value, 3) for key, value in timings.items()},
    }


def decide_scenario():
    from django.core.exceptions import ValidationError

    from accounts.models import Organization
    from funding import services
    from funding.models import Application, Call, Earmark

    coordinator, creation = ensure_fund()
    call = Call.objects.get(title="Mesure : appel")
    structure = Organization.objects.filter(name__startswith="Mesure : structure").first()
    earmark = max(Earmark.objects.with_ledger(), key=lambda e: (e.available, -e.pk))
    durations = []
    created = []
    for i in range(DECISIONS):
        application = Application.objects.create(
            call=call,
            organization=structure,
            project_title=f"Décision mesurée {i}",
            amount_requested=Decimal("500.00"),
            status=Application.Status.UNDER_REVIEW,
        )
        created.append(application.pk)
        started = time.perf_counter()
        services.decide_application(
            application,
            acting_user=coordinator,
            accepted=True,
            amount=Decimal("500.00"),
            earmark_amounts={earmark: Decimal("500.00")},
        )
        durations.append((time.perf_counter() - started) * 1000)
    refused = Application.objects.create(
        call=call,
        organization=structure,
        project_title="Décision refusée mesurée",
        status=Application.Status.UNDER_REVIEW,
    )
    created.append(refused.pk)
    started = time.perf_counter()
    try:
        services.decide_application(
            refused,
            acting_user=coordinator,
            accepted=True,
            amount=Decimal("99999999.00"),
            earmark_amounts={earmark: Decimal("99999999.00")},
        )
        refusal = "accepted?!"
    except ValidationError as error:
        refusal = error.code
    refusal_ms = (time.perf_counter() - started) * 1000
    _cleanup(created)
    durations.sort()
    return {
        "fund_creation_s": round(creation, 1),
        "decisions": len(durations),
        "decide_p50_ms": round(statistics.median(durations), 2),
        "decide_p95_ms": round(durations[int(len(durations) * 0.95) - 1], 2),
        "over_commitment_refusal": refusal,
        "over_commitment_refusal_ms": round(refusal_ms, 2),
    }


def _cleanup(application_pks):
    """Remove what the decision scenario created, so the fund stays the same size between runs."""
    from funding.models import Application, Decision, DecisionEarmark, Grant, Payment

    grants = Grant.objects.filter(application_id__in=application_pks)
    Payment.objects.filter(grant__in=grants).delete()
    grants.delete()
    DecisionEarmark.objects.filter(decision__application_id__in=application_pks).delete()
    Decision.objects.filter(application_id__in=application_pks).delete()
    Application.objects.filter(pk__in=application_pks).delete()
