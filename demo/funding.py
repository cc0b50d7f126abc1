"""Demo fonds départemental: three demo partners (the CAF, the MSA and the CPAM when they are there) fund it for the
current year, with receipts and earmarks; one published call with three weighted criteria; the demo organisation
admin's France Services has submitted an application, the demo mediator's médiathèque has been accepted by the
committee (the amount drawn on the CAF's earmark) and its grant's advance is paid.

Everything goes through `funding.services` on a demo clock, so each step has its history row with the demo users as
actors. Idempotent: nothing is done when the demo call exists."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Organization, User
from demo.clock import demo_clock
from funding import services
from funding.models import ApplicationDocument, Call, Contribution, Indicator, Payment, Review

CALL_TITLE = "Appel à projets « Numérique pour tous » — démonstration"
# (partner typology, pledged, received, earmark label, earmark amount, publics, territories)
FUNDERS = [
    ("CAF", "60000", "30000", "Parentalité et familles", "25000", "Familles allocataires", ""),
    ("MSA", "25000", "25000", "Territoires ruraux", "15000", "", "Communes de moins de 2 000 habitants"),
    ("CPAM", "15000", "0", "Accès aux droits en santé", "10000", "Assurés sociaux éloignés du numérique", ""),
]
CRITERIA = [
    ("Besoins du territoire et publics touchés", 3),
    ("Qualité de l'accompagnement proposé", 2),
    ("Budget réaliste et cofinancements", 1),
]
# A tiny but real PDF header: the documents are checked by their first bytes.
DEMO_PDF = (
    b"%PDF-1.4\n% Document de demonstration\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def _moment(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def create_funding():
    """Seed the demo fund once. Returns the number of applications to the demo call."""
    call = Call.objects.filter(title=CALL_TITLE).first()
    if call is not None:
        return call.applications.count()
    coordinator = User.objects.get(email="coordination@demo.test")
    org_admin = User.objects.get(email="admin-structure@demo.test")
    mediator = User.objects.get(email="mediation@demo.test")
    today = timezone.localdate()
    year = today.year

    def on(days_ago, service, *args, **kwargs):
        with demo_clock(_moment(today - timedelta(days=days_ago))):
            return service(*args, **kwargs)

    earmarks = []
    partners = Organization.objects.partners().order_by("pk")
    for typology, pledged, received, label, amount, publics, territories in FUNDERS:
        partner = partners.filter(typology=typology, funder__isnull=True).first()
        if partner is None:
            continue
        funder = on(60, services.create_funder, acting_user=coordinator, name=partner.name, organization=partner)
        contribution = on(
            60,
            services.create_contribution,
            acting_user=coordinator,
            funder=funder,
            year=year,
            pledged=Decimal(pledged),
            conditions="Convention annuelle ; bilan des actions financées demandé en fin d'année.",
        )
        if Decimal(received):
            on(
                45,
                services.record_receipt,
                acting_user=coordinator,
                contribution=contribution,
                received_on=today - timedelta(days=45),
                amount=Decimal(received),
                note="Virement reçu.",
            )
        earmarks.append(
            on(
                59,
                services.add_earmark,
                acting_user=coordinator,
                contribution=contribution,
                label=label,
                amount=Decimal(amount),
                publics=publics,
                territories=territories,
            )
        )
    call = on(
        50,
        services.save_call,
        acting_user=coordinator,
        title=CALL_TITLE,
        year=year,
        objectives="Soutenir les ateliers et permanences de médiation numérique au plus près des habitants.",
        eligibility="Structures du réseau départemental : associations, communes, CCAS, France Services.",
        budget=Decimal("80000"),
        opens_on=today - timedelta(days=40),
        closes_on=today + timedelta(days=30),
    )
    criteria = [
        on(50, services.add_criterion, acting_user=coordinator, call=call, label=label, weight=weight)
        for label, weight in CRITERIA
    ]
    call = on(40, services.set_call_status, call, acting_user=coordinator, status=Call.Status.PUBLISHED)

    _apply(
        on,
        org_admin,
        call,
        days_ago=20,
        title="Permanences numériques itinérantes",
        description="Une conseillère numérique tient une permanence dans quatre mairies du canton chaque mois.",
        amount=Decimal("8000"),
        budget=[("Frais de déplacement", "3000"), ("Temps de médiation", "7000")],
        people=120,
    )
    accepted = _apply(
        on,
        mediator,
        call,
        days_ago=30,
        title="Ateliers « Premiers pas » à la médiathèque",
        description="Douze cycles de quatre ateliers pour les débutants, avec prêt de tablettes pendant le cycle.",
        amount=Decimal("6000"),
        budget=[("Animation des ateliers", "5000"), ("Tablettes de prêt", "2500")],
        people=90,
    )
    on(15, services.start_review, accepted, acting_user=coordinator)
    on(
        14,
        services.add_review,
        accepted,
        acting_user=coordinator,
        opinion=Review.Opinion.FAVOURABLE,
        comment="Projet clair, public débutant bien ciblé, budget cohérent.",
        scores=dict(zip(criteria, [5, 4, 4], strict=True)),
    )
    if earmarks:
        on(
            10,
            services.decide_application,
            accepted,
            acting_user=coordinator,
            accepted=True,
            amount=Decimal("5000"),
            reference=f"Comité du fonds, séance de démonstration {year}",
            earmark_amounts={earmarks[0]: Decimal("5000")},
        )
        advance = Payment.objects.filter(grant__application=accepted, kind=Payment.Kind.ADVANCE).first()
        if advance is not None:
            on(5, services.record_payment, advance, acting_user=coordinator, paid_on=today - timedelta(days=5))
    return call.applications.count()


def _apply(on, user, call, *, days_ago, title, description, amount, budget, people):
    organization = user.memberships.select_related("organization").first().organization
    application = on(
        days_ago,
        services.create_application,
        acting_user=user,
        call=call,
        organization=organization,
        project_title=title,
    )
    on(
        days_ago,
        services.update_application,
        application,
        acting_user=user,
        project_title=title,
        project_description=description,
        amount_requested=amount,
    )
    for label, line_amount in budget:
        on(
            days_ago,
            services.add_line,
            application,
            acting_user=user,
            kind="budget",
            values={"label": label, "amount": Decimal(line_amount)},
        )
    on(
        days_ago,
        services.add_line,
        application,
        acting_user=user,
        kind="indicateur",
        values={"kind": Indicator.Kind.PEOPLE, "label": "Habitants accompagnés", "expected": people},
    )
    on(
        days_ago,
        services.add_document,
        application,
        acting_user=user,
        kind=ApplicationDocument.Kind.BANK,
        uploaded_file=SimpleUploadedFile("rib-demonstration.pdf", DEMO_PDF, content_type="application/pdf"),
    )
    return on(days_ago - 1, services.submit_application, application, acting_user=user)


def demo_contributions():
    return Contribution.objects.filter(earmarks__isnull=False).distinct()
