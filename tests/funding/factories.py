"""Factories for the fund. `CallFactory(published=True)` has two criteria and is open today;
`ApplicationFactory(complete=True)` has everything submission needs (budget, indicator, bank document, SIRET);
`funded_earmark(amount)` is a received contribution with one earmark; `accepted_grant()` goes all the way to a
grant through the services."""

import datetime
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.validators import luhn_complete
from funding import services
from funding.models import (
    Application,
    ApplicationDocument,
    BudgetLine,
    Call,
    CoFunding,
    Contribution,
    ContributionReceipt,
    Criterion,
    Earmark,
    Funder,
    Indicator,
)
from tests.accounts.factories import OrganizationFactory, UserFactory

PDF_BYTES = b"%PDF-1.4\n% test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def siret(n):
    return luhn_complete(f"{n:013d}")


class FunderFactory(DjangoModelFactory):
    class Meta:
        model = Funder

    name = factory.Sequence(lambda n: f"Caisse partenaire {n}")


class ContributionFactory(DjangoModelFactory):
    class Meta:
        model = Contribution

    funder = factory.SubFactory(FunderFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    pledged = Decimal("10000.00")


class EarmarkFactory(DjangoModelFactory):
    class Meta:
        model = Earmark

    contribution = factory.SubFactory(ContributionFactory)
    label = factory.Sequence(lambda n: f"Fléchage {n}")
    amount = Decimal("10000.00")
    publics = "seniors"
    territories = "tout le département"


def funded_earmark(amount="10000.00", *, funder=None, year=None):
    """A contribution fully received with one earmark of its whole amount."""
    amount = Decimal(amount)
    contribution = ContributionFactory(
        pledged=amount, year=year or timezone.localdate().year, **({"funder": funder} if funder else {})
    )
    ContributionReceipt.objects.create(contribution=contribution, received_on=timezone.localdate(), amount=amount)
    return EarmarkFactory(contribution=contribution, amount=amount)


class CallFactory(DjangoModelFactory):
    class Meta:
        model = Call
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Appel à projets {n}")
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    objectives = "Aider les habitants à se servir du numérique."
    eligibility = "Les structures du réseau départemental."
    budget = Decimal("50000.00")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))

    class Params:
        published = factory.Trait(status=Call.Status.PUBLISHED)

    @factory.post_generation
    def criteria(call, create, extracted, **kwargs):
        if create:
            for label, weight in extracted or [("Public touché", 3), ("Solidité du projet", 1)]:
                Criterion.objects.create(call=call, label=label, weight=weight)


class ApplicationFactory(DjangoModelFactory):
    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory, published=True)
    organization = factory.SubFactory(OrganizationFactory, siret=factory.Sequence(lambda n: siret(n + 1000)))
    project_title = factory.Sequence(lambda n: f"Ateliers numériques {n}")
    project_description = "Des ateliers hebdomadaires pour les seniors."
    amount_requested = Decimal("4000.00")

    @classmethod
    def _create(cls, model_class, *args, complete=False, **kwargs):
        application = super()._create(model_class, *args, **kwargs)
        if complete:
            add_complete_parts(application)
        return application


def add_complete_parts(application):
    BudgetLine.objects.create(application=application, label="Animateur", amount=Decimal("5000.00"))
    BudgetLine.objects.create(application=application, label="Matériel", amount=Decimal("1000.00"))
    CoFunding.objects.create(
        application=application,
        source=CoFunding.Source.STATE,
        label="France Services",
        amount=Decimal("6000.00"),
        status=CoFunding.Status.OBTAINED,
    )
    Indicator.objects.create(application=application, kind=Indicator.Kind.PEOPLE, expected=100)
    Indicator.objects.create(application=application, kind=Indicator.Kind.SESSIONS, expected=40)
    document = ApplicationDocument(
        application=application,
        kind=ApplicationDocument.Kind.BANK,
        original_name="rib.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
    )
    document.file.save("document.pdf", ContentFile(PDF_BYTES), save=True)
    return application


def applicant_for(application, role="org_admin"):
    return UserFactory(role=role, organization=application.organization)


def accepted_grant(*, amount="4000.00", earmarks=None, coordinator=None, application=None):
    """An application taken through submission, review and an accepting decision; returns the grant."""
    coordinator = coordinator or UserFactory(coordinator=True)
    application = application or ApplicationFactory(complete=True)
    applicant = applicant_for(application)
    services.submit_application(application, acting_user=applicant)
    services.start_review(application, acting_user=coordinator)
    earmarks = earmarks or {funded_earmark(): Decimal(amount)}
    services.decide_application(
        application, acting_user=coordinator, accepted=True, amount=Decimal(amount), earmark_amounts=earmarks
    )
    application.refresh_from_db()
    return application.grant
