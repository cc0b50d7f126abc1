"""Issue 4 end to end, in Chromium with axe on every page: a prescriber orients a person to a place; the place
handles it from its inbox (accept, first appointment, close with the outcome); the prescriber sees the outcome in
« Mes orientations ». A second referral is answered through the single-use link e-mailed to the place, which then
does nothing. The timers expire an old one. Finally the person's data is exported and erased."""

import io
import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role
from geo.models import Commune
from geo.testing import load_test_territory
from people.models import Person
from referrals.models import Referral
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.browser.axe import format_violations, run_axe
from tests.browser.conftest import MOBILE
from tests.people.factories import PersonFactory
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.browser

S = Referral.Status


def assert_clean(page, where):
    violations = run_axe(page)
    assert not violations, f"{where} :\n{format_violations(violations)}"
    assert not page.console_errors, f"{where} : {page.console_errors}"


def as_user(page, log_in_browser, user):
    page.context.clear_cookies()
    log_in_browser(user)


@pytest.fixture
def network(transactional_db):
    load_test_territory(departements=["47"], insee_codes=[])
    agen = Commune.objects.get(name="Agen")
    ccas = OrganizationFactory(name="CCAS de démonstration")
    mediatheque = OrganizationFactory(name="Médiathèque de démonstration")
    place = PlaceFactory(
        name="Médiathèque d'Agen",
        complete=True,
        published=True,
        organization=mediatheque,
        emails=["accueil@example.org"],
    )
    prescriber = UserFactory(role=Role.PRESCRIBER, organization=ccas, email="prescriptrice@example.org")
    mediator = UserFactory(role=Role.MEDIATOR, organization=mediatheque, email="mediateur@example.org")
    person = PersonFactory(first_name="Josiane", last_name="M.", commune=agen, phone="+33612345678", involved=ccas)
    return {"place": place, "prescriber": prescriber, "mediator": mediator, "person": person, "ccas": ccas}


def test_a_referral_goes_round_the_loop_in_the_browser(page, log_in_browser, network):
    person, place = network["person"], network["place"]

    # The prescriber orients the person, choosing the place among the ranked ones.
    as_user(page, log_in_browser, network["prescriber"])
    page.goto(f"/personnes/{person.pk}/")
    page.get_by_role("link", name="Orienter cette personne").click()
    assert_clean(page, "nouvelle orientation")
    page.get_by_label("Aide aux démarches administratives").first.check()
    page.get_by_role("button", name="Voir les lieux adaptés").click()
    assert_clean(page, "lieux classés")
    assert "propose l'aide aux démarches administratives" in page.content()
    page.get_by_label(re.compile("Médiathèque d'Agen")).check()
    page.get_by_role("button", name="Envoyer l'orientation").click()
    assert_clean(page, "orientation envoyée")
    referral = Referral.objects.get(person=person)
    assert referral.target_place == place and referral.status == S.SENT

    # The place finds it in its inbox, accepts it, sets the appointment and closes it with the outcome.
    as_user(page, log_in_browser, network["mediator"])
    page.goto("/orientations/lieux/")
    assert page.url.endswith(f"/orientations/lieux/{place.pk}/")
    assert_clean(page, "boîte du lieu")
    page.get_by_role("link", name=re.compile("Josiane")).first.click()
    assert_clean(page, "orientation côté lieu")
    page.get_by_role("link", name="Accepter", exact=True).click()
    assert_clean(page, "accepter")
    page.get_by_role("button", name="Accepter l'orientation").click()
    page.get_by_role("link", name="Fixer le premier rendez-vous").click()
    assert_clean(page, "rendez-vous")
    page.get_by_label("Date du rendez-vous").fill((timezone.localdate() + timedelta(days=3)).isoformat())
    page.get_by_label("Heure du rendez-vous").fill("10:30")
    page.get_by_role("button", name="Enregistrer le rendez-vous").click()
    page.get_by_role("link", name="Terminer l'accompagnement").click()
    assert_clean(page, "terminer")
    page.get_by_label("Nombre de séances").fill("3")
    page.get_by_label("Aide aux démarches administratives").check()
    page.get_by_label("Autonome", exact=True).check()
    page.get_by_role("button", name="Terminer l'accompagnement").click()
    assert_clean(page, "orientation terminée")
    referral.refresh_from_db()
    assert referral.status == S.CLOSED and referral.sessions_count == 3 and referral.autonomy == "autonome"

    # The prescriber sees the outcome, at 320 px too.
    as_user(page, log_in_browser, network["prescriber"])
    page.set_viewport_size(MOBILE)
    page.goto("/orientations/")
    assert_clean(page, "mes orientations")
    assert "Terminée" in page.content() and "3 séance" in page.content()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= MOBILE["width"]


def test_the_place_answers_through_the_link_once(page, network, django_capture_on_commit_callbacks):
    from referrals import services

    with django_capture_on_commit_callbacks(execute=True):
        referral = services.send_referral(
            acting_user=network["prescriber"],
            person=network["person"],
            prescriber_organization=network["ccas"],
            needs=["Aide aux démarches administratives"],
            target_place=network["place"],
        )
    (message,) = [m for m in mail.outbox if m.to == ["accueil@example.org"]]
    link = re.search(r"https?://\S+/orientations/reponse/\S+/", message.body).group(0)
    path = link[link.index("/orientations/") :]

    page.goto(path)
    assert_clean(page, "lien de réponse")
    assert "Josiane" not in page.content()
    page.get_by_role("button", name="Accepter l'orientation").click()
    assert_clean(page, "réponse par le lien")
    assert "Josiane" in page.content()
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED

    response = page.goto(path)
    assert response.status == 410
    assert "Josiane" not in page.content()
    assert_clean(page, "lien déjà utilisé")


def test_timers_expire_and_the_person_is_exported_then_erased(page, log_in_browser, network):
    long_ago = timezone.now() - timedelta(days=40)
    old = Referral.objects.create(
        person=network["person"],
        prescriber=network["prescriber"],
        prescriber_organization=network["ccas"],
        target_place=network["place"],
        needs=["Aide aux démarches administratives"],
        free_text="Madame M. a besoin d'aide pour sa retraite.",
        created_at=long_ago,
        sent_at=long_ago,
    )
    call_command("referral_timers", "--wet-run", stdout=io.StringIO())
    old.refresh_from_db()
    assert old.status == S.EXPIRED

    as_user(page, log_in_browser, network["prescriber"])
    person = network["person"]
    with page.expect_download() as download:
        page.goto(f"/personnes/{person.pk}/")
        page.get_by_role("link", name="Télécharger ses données (JSON)").click()
    # A download is an aborted navigation for the browser: not a fault of the page.
    page.console_errors[:] = [error for error in page.console_errors if "/export/" not in error]
    with open(download.value.path(), encoding="utf-8") as handle:
        exported = json.load(handle)
    assert exported["personne"]["prenom"] == "Josiane"
    assert exported["orientations"][0]["precisions"] == "Madame M. a besoin d'aide pour sa retraite."

    page.goto(f"/personnes/{person.pk}/effacer/")
    assert_clean(page, "effacement")
    page.get_by_label("Je confirme l'effacement définitif des données de cette personne").check()
    page.get_by_role("button", name="Effacer définitivement").click()
    person = Person.objects.get(pk=person.pk)
    old.refresh_from_db()
    assert person.is_anonymized and person.first_name == "" and old.free_text == ""
    assert old.status == S.EXPIRED  # the anonymous facts stay for the figures
