"""Issue 9 end to end, in Chromium with axe on every page: the coordination publishes a call; a structure applies
(draft, budget, co-funding, indicator, document) and submits; the coordination scores it and the committee
decides, drawing on two funders' earmarks; the grant is paid in two instalments (advance, then the balance on the
final report); the funder's report adds up to the ledger."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from funding import ledger
from funding.models import Application, Call, Payment
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.browser.axe import format_violations, run_axe
from tests.browser.conftest import MOBILE
from tests.funding.factories import PDF_BYTES, FunderFactory, funded_earmark, siret

pytestmark = pytest.mark.browser

D = Decimal


def assert_clean(page, where):
    violations = run_axe(page)
    assert not violations, f"{where} :\n{format_violations(violations)}"
    assert not page.console_errors, f"{where} : {page.console_errors}"


def as_user(page, log_in_browser, user):
    page.context.clear_cookies()
    log_in_browser(user)


@pytest.fixture
def fund(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    caf = FunderFactory(name="CAF")
    msa = FunderFactory(name="MSA")
    year = timezone.localdate().year
    caf_earmark = funded_earmark("10000.00", funder=caf, year=year)
    msa_earmark = funded_earmark("5000.00", funder=msa, year=year)
    structure = OrganizationFactory(name="Espace numérique de Nérac", siret=siret(4247))
    return {
        "coordinator": UserFactory(coordinator=True, totp=True, email="coordination@example.org"),
        "applicant": UserFactory(role=Role.ORG_ADMIN, organization=structure, email="structure@example.org"),
        "caf": caf,
        "caf_earmark": caf_earmark,
        "msa_earmark": msa_earmark,
        "year": year,
    }


def test_a_call_goes_from_publication_to_the_funder_report(page, log_in_browser, fund, tmp_path):
    coordinator, applicant = fund["coordinator"], fund["applicant"]
    today = timezone.localdate()

    # The coordination writes the call, adds a criterion and publishes it.
    as_user(page, log_in_browser, coordinator)
    page.goto("/fonds/")
    assert_clean(page, "solde du fonds")
    page.get_by_role("link", name="Appels à projets", exact=True).click()
    page.get_by_role("link", name="Nouvel appel à projets").click()
    assert_clean(page, "nouvel appel")
    page.get_by_label("Titre").fill("Inclusion numérique des seniors")
    page.get_by_label("Année").fill(str(fund["year"]))
    page.get_by_label("Objectifs").fill("Accompagner les seniors vers l'autonomie numérique.")
    page.get_by_label("Qui peut candidater").fill("Les structures du réseau départemental.")
    page.get_by_label("Enveloppe").fill("15000")
    page.get_by_label("Ouvert le").fill(today.isoformat())
    page.get_by_label("Clos le").fill(today.replace(year=today.year + 1).isoformat())
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    assert_clean(page, "appel en brouillon")
    page.get_by_role("textbox", name="Critère").fill("Nombre de seniors accompagnés")
    page.get_by_label("Poids (1 à 10)").fill("3")
    page.get_by_role("button", name="Ajouter le critère").click()
    page.get_by_role("button", name="Publier l'appel").click()
    call = Call.objects.get(title="Inclusion numérique des seniors")
    assert call.status == Call.Status.PUBLISHED

    # Anyone reads it on the public page.
    page.context.clear_cookies()
    page.goto("/fonds/appels/")
    assert_clean(page, "appels publics")
    page.get_by_role("link", name="Inclusion numérique des seniors").click()
    assert_clean(page, "appel public")

    # The structure applies: a draft, then every part, then submission.
    as_user(page, log_in_browser, applicant)
    page.goto(f"/fonds/appels/{call.pk}/")
    page.get_by_role("link", name="Candidater pour ma structure").click()
    assert_clean(page, "nouvelle candidature")
    page.get_by_label("Titre du projet").fill("Ateliers tablettes en EHPAD")
    page.get_by_role("button", name="Créer le brouillon").click()
    assert_clean(page, "brouillon")
    application = Application.objects.get(project_title="Ateliers tablettes en EHPAD")
    page.get_by_role("link", name="Déposer la candidature").click()
    assert "Il manque" in page.content()
    page.goto(f"/fonds/candidatures/{application.pk}/")
    page.get_by_role("link", name="Décrire le projet et le montant demandé").click()
    page.get_by_label("Description du projet").fill("Douze ateliers dans trois EHPAD du Néracais.")
    page.get_by_label("Montant demandé au fonds").fill("6000")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("link", name="Ajouter une dépense").click()
    assert_clean(page, "ligne de budget")
    page.get_by_label("Poste de dépense").fill("Animation des ateliers")
    page.get_by_label("Montant de la dépense").fill("9000")
    page.get_by_role("button", name="Ajouter").click()
    page.get_by_role("link", name="Ajouter un cofinancement").click()
    assert_clean(page, "cofinancement")
    page.get_by_label("Origine").select_option("state")
    page.get_by_label("Financeur ou dispositif").fill("Conseiller numérique (État)")
    page.get_by_label("Montant du cofinancement").fill("3000")
    page.get_by_label("Obtenu").check()
    page.get_by_role("button", name="Ajouter").click()
    page.get_by_role("link", name="Ajouter un indicateur").click()
    page.get_by_label("Indicateur", exact=True).select_option("people")
    page.get_by_label("Valeur visée").fill("90")
    page.get_by_role("button", name="Ajouter").click()
    page.get_by_role("link", name="Joindre un document").click()
    assert_clean(page, "document")
    page.get_by_label("Type de document").select_option("bank")
    rib = tmp_path / "rib.pdf"
    rib.write_bytes(PDF_BYTES)
    page.get_by_label("Fichier").set_input_files(str(rib))
    page.get_by_role("button", name="Joindre").click()
    assert_clean(page, "candidature complète")
    assert "La candidature est complète" in page.content()
    page.get_by_role("link", name="Déposer la candidature").click()
    assert_clean(page, "confirmer le dépôt")
    page.get_by_role("button", name="Déposer la candidature").click()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED

    # The coordination scores it and the committee decides, on two funders' earmarks.
    as_user(page, log_in_browser, coordinator)
    page.goto(f"/fonds/candidatures/{application.pk}/")
    assert_clean(page, "candidature côté coordination")
    page.get_by_role("link", name="Instruire").click()
    page.get_by_role("button", name="Commencer l'instruction").click()
    assert_clean(page, "instruction")
    page.get_by_label(re.compile("Nombre de seniors accompagnés")).fill("4")
    page.get_by_label("Favorable", exact=True).check()
    page.get_by_role("button", name="Enregistrer mon avis").click()
    page.get_by_role("link", name="Décision du comité").click()
    assert_clean(page, "décision")
    page.get_by_label("Accorder une subvention").check()
    page.get_by_label("Montant accordé").fill("6000")
    page.get_by_label("Référence de la délibération").fill("CP-2026-07")
    page.get_by_label(re.compile("CAF")).fill("4000")
    page.get_by_label(re.compile("MSA")).fill("2000")
    page.get_by_role("button", name="Enregistrer la décision").click()
    assert_clean(page, "décision enregistrée")
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED
    grant = application.grant

    # Two instalments: the advance now, the balance on the final report.
    page.get_by_role("link", name=re.compile("Voir la subvention")).click()
    assert_clean(page, "subvention")
    page.get_by_role("button", name=re.compile("Enregistrer le versement : avance")).click()
    assert grant.payments.get(kind=Payment.Kind.ADVANCE).paid_at == today

    as_user(page, log_in_browser, applicant)
    page.goto(f"/fonds/subventions/{grant.pk}/")
    assert_clean(page, "subvention côté structure")
    page.get_by_role("link", name="Déposer le bilan final").click()
    assert_clean(page, "bilan final")
    page.get_by_label("Bilan de l'action").fill("Douze ateliers tenus, 96 résidents accompagnés.")
    page.get_by_label(re.compile("valeur atteinte")).fill("96")
    page.get_by_role("button", name="Déposer le bilan").click()

    as_user(page, log_in_browser, coordinator)
    page.goto(f"/fonds/subventions/{grant.pk}/")
    page.get_by_role("button", name=re.compile("Enregistrer le versement : solde")).click()
    assert_clean(page, "subvention soldée")
    assert not grant.payments.filter(paid_at__isnull=True).exists()

    # The CAF's report adds up to the ledger, at 320 px too.
    page.set_viewport_size(MOBILE)
    page.goto(f"/fonds/financeurs/{fund['caf'].pk}/rapport/")
    assert_clean(page, "rapport au financeur")
    figures = ledger.year_figures(funder=fund["caf"])[fund["year"]]
    assert (figures.received, figures.drawn, figures.paid, figures.balance) == (
        D("10000.00"),
        D("4000.00"),
        D("4000.00"),
        D("6000.00"),
    )
    content = page.content()
    assert "4\u202f000,00 €" in content and "6\u202f000,00 €" in content
    assert "Personnes accompagnées : 64" in content  # 96 people × 4000/6000: the CAF's share
    assert page.evaluate("() => document.documentElement.scrollWidth") <= MOBILE["width"]
