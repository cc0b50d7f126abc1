"""The diagnostic: scoring at each level boundary, the public page (only an anonymous tally is kept), the tally's
increment and its unique constraints, the professional's diagnostic with a person (scope, consent, history,
timeline, export, merge) and the weight of each page."""

import datetime
import gzip
import re
import threading

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from core.models import HistoryEntry
from geo.models import Commune
from geo.testing import load_test_territory
from orientation import diagnostic, services
from orientation.models import DiagnosticResult, DiagnosticTally, Level
from people import actions, timeline
from people.models import Consent, Person
from people.services import export_person_data, merge_people
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.orientation.factories import DiagnosticResultFactory, DiagnosticTallyFactory, answers
from tests.people.factories import ConsentFactory, PersonFactory
from tests.places.factories import PlaceFactory
from tests.roles import create_user_with_role, log_in

START_URL = reverse("orientation:diagnostic")
RESULT_URL = reverse("orientation:diagnostic_result")
FIRST_LOAD_BUDGET = 40 * 1024
CODES = diagnostic.QUESTION_CODES


@pytest.fixture
def agen():
    load_test_territory(departements=["47"], insee_codes=[])
    return Commune.objects.get(insee_code="47001")


def with_score(total):
    """Answers worth `total` points; the mouse is answered « alone » as soon as the score allows it, so that only
    the score decides."""
    pointer = diagnostic.ALONE if total >= 2 else diagnostic.NO
    rest = total - diagnostic.POINTS[pointer]
    others = [code for code in CODES if code != "pointer"]
    alone = max(0, rest - len(others))
    helped = rest - 2 * alone
    values = [diagnostic.ALONE] * alone + [diagnostic.WITH_HELP] * helped
    values += [diagnostic.NO] * (len(others) - len(values))
    result = {"pointer": pointer, **dict(zip(others, values, strict=True))}
    assert diagnostic.score(result) == total, result
    return result


def post_data(values, **extra):
    return {**values, "commune": "", **extra}


# Scoring ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "level", "autonomy"),
    [
        (0, Level.BEGINNER, "entierement_accompagne"),
        (12, Level.BEGINNER, "entierement_accompagne"),
        (13, Level.INTERMEDIATE, "partiellement_autonome"),
        (19, Level.INTERMEDIATE, "partiellement_autonome"),
        (20, Level.ADVANCED, "autonome"),
        (24, Level.ADVANCED, "autonome"),
    ],
)
def test_level_boundaries(total, level, autonomy):
    outcome = diagnostic.evaluate(with_score(total))
    assert (outcome.score, outcome.level, outcome.autonomy) == (total, level, autonomy)


def test_help_everywhere_is_still_guided():
    outcome = diagnostic.evaluate({code: diagnostic.WITH_HELP for code in CODES})
    assert outcome.score == 12
    assert outcome.level_label == "Débutant"
    assert outcome.autonomy_label == "Avec guidage"


def test_without_a_mouse_or_touch_screen_one_is_a_beginner_whatever_the_score():
    for answer in (diagnostic.NO, diagnostic.UNSURE):
        values = answers(Level.ADVANCED, pointer=answer)
        assert diagnostic.score(values) == 22
        assert diagnostic.level_for(values) == Level.BEGINNER


def test_skills_to_work_on_are_the_answers_other_than_alone():
    values = answers(Level.ADVANCED, spot_scam="no", franceconnect="unsure", pay_online="with_help")
    outcome = diagnostic.evaluate(values)
    assert [q.code for q in outcome.to_work_on] == ["spot_scam", "franceconnect", "pay_online"]
    assert outcome.themes == ["securite_numerique", "aide_aux_demarches_administratives", "banque_et_achats_en_ligne"]
    assert diagnostic.evaluate(answers(Level.ADVANCED)).to_work_on == ()


def test_twelve_questions_with_the_four_answers():
    assert len(diagnostic.QUESTIONS) == 12
    assert len(set(CODES)) == 12
    assert [label for _code, label in diagnostic.ANSWER_CHOICES] == [
        "Oui, seul(e)",
        "Oui, avec de l'aide",
        "Non",
        "Je ne sais pas",
    ]


def test_incomplete_or_unknown_answers_are_refused():
    assert diagnostic.answers_problem(answers()) is None
    incomplete = answers()
    del incomplete["turn_on"]
    assert "turn_on" in diagnostic.answers_problem(incomplete)
    assert "hack" in diagnostic.answers_problem({**answers(), "hack": "alone"})
    assert "browse" in diagnostic.answers_problem(answers(browse="maybe"))
    assert diagnostic.answers_problem(["alone"]) is not None


# The public questionnaire --------------------------------------------------------------------------------------


def test_public_questionnaire_in_plain_french(client):
    response = client.get(START_URL)
    assert response.status_code == 200
    text = response.text
    assert "<h1>Diagnostic numérique : où en êtes-vous ?</h1>" in text
    assert text.count('type="radio"') == 12 * 4
    assert text.count("<fieldset") == 12
    for question in diagnostic.QUESTIONS:
        assert question.text in text
    assert "Je ne sais pas" in text and "Oui, avec de l&#x27;aide" in text
    assert 'name="commune"' in text and "(facultatif)" in text
    assert "Nous ne gardons pas vos réponses." in text


def test_public_answer_counts_once_and_stores_nothing_else(client, agen):
    people, history, consents = Person.objects.count(), HistoryEntry.objects.count(), Consent.objects.count()
    values = answers(Level.INTERMEDIATE)
    response = client.post(START_URL, post_data(values, commune="Agen"))
    assert response.status_code == 302
    assert response["Location"] == diagnostic.result_url(values, agen)

    tally = DiagnosticTally.objects.get()
    assert (tally.commune, tally.level, tally.count) == (agen, Level.INTERMEDIATE, 1)
    assert tally.month == timezone.localdate().replace(day=1)
    assert not DiagnosticResult.objects.exists()
    assert (Person.objects.count(), HistoryEntry.objects.count(), Consent.objects.count()) == (
        people,
        history,
        consents,
    )
    # Reading (or reloading) the result counts nothing more.
    assert client.get(response["Location"]).status_code == 200
    assert client.get(response["Location"]).status_code == 200
    assert DiagnosticTally.objects.get().count == 1


def test_public_answer_without_commune_counts_as_unknown_commune(client):
    for _ in range(2):
        assert client.post(START_URL, post_data(answers(Level.BEGINNER))).status_code == 302
    tally = DiagnosticTally.objects.get()
    assert (tally.commune, tally.level, tally.count) == (None, Level.BEGINNER, 2)


def test_beyond_the_rate_limit_the_result_is_shown_but_not_counted(client, monkeypatch):
    monkeypatch.setattr("orientation.views_diagnostic.COUNT_LIMIT_PER_IP", (2, 3600))
    for _ in range(3):
        response = client.post(START_URL, post_data(answers()))
        assert response.status_code == 302
        assert response["Location"] == diagnostic.result_url(answers())
    assert DiagnosticTally.objects.get().count == 2


def test_errors_in_french_beside_each_field_and_in_a_summary(client):
    values = answers()
    del values["franceconnect"]
    response = client.post(START_URL, post_data(values))
    assert response.status_code == 200
    text = response.text
    assert "Le formulaire contient 1 erreur" in text
    assert 'href="#id_franceconnect_0"' in text
    assert text.count("Choisissez une réponse. Si vous hésitez, choisissez « Je ne sais pas ».") == 2
    assert "checked" in text  # the other answers are kept
    assert not DiagnosticTally.objects.exists()


def test_an_unknown_commune_suggests_close_names(client, agen):
    response = client.post(START_URL, post_data(answers(), commune="Agem"))
    assert response.status_code == 200
    assert "Aucune commune ne correspond à « Agem »" in response.text
    assert "Vouliez-vous dire : « Agmé (47350) », « Agen (47000) » ?" in response.text
    assert not DiagnosticTally.objects.exists()


def test_edit_my_answers_fills_the_questionnaire_back(client, agen):
    values = answers(Level.ADVANCED, passwords="no")
    response = client.get(f"{START_URL}?{diagnostic.result_query(values, agen)}")
    text = response.text
    assert re.search(r'value="no"[^>]*id="id_passwords_2"[^>]*checked', text)
    assert 'value="Agen (47000)"' in text


# The result page -----------------------------------------------------------------------------------------------


def test_result_without_answers_invites_to_answer(client):
    for query in ("", "?turn_on=alone", "?" + diagnostic.result_query(answers(browse="maybe"))):
        response = client.get(RESULT_URL + query)
        assert response.status_code == 200
        assert "Nous n'avons pas vos réponses." in response.text
        assert f'href="{START_URL}"' in response.text


def test_result_explains_the_level_the_skills_and_suggests_places(client, agen):
    near = PlaceFactory(
        published=True, complete=True, name="Médiathèque", services=["Utilisation sécurisée du numérique"]
    )
    PlaceFactory(published=True, complete=True, name="Atelier loisirs", services=["Loisirs et créations numériques"])
    values = answers(Level.ADVANCED, spot_scam="with_help", passwords="no")
    response = client.get(diagnostic.result_url(values, agen))
    text = response.text
    assert "<h1>Votre résultat : niveau avancé</h1>" in text
    assert "Autonome" in text and "Vous êtes à l&#x27;aise avec le numérique." in text
    assert "Reconnaître un message frauduleux" in text and "(avec de l&#x27;aide)" in text
    assert 'Retrouver ses mots de passe <span class="muted">(pas encore)</span>' in text
    places = [row["place"] for row in response.context["places"]]
    assert places[0] == near and len(places) == 2
    assert "propose l&#x27;utilisation sécurisée du numérique" in text
    assert "Prochains ateliers" not in text  # no events module yet


def test_result_tells_how_to_reach_the_network(client, settings):
    settings.PLATFORM_CONTACT_PHONE = ""
    settings.PLATFORM_CONTACT_EMAIL = "reseau@example.org"
    assert 'href="mailto:reseau@example.org"' in client.get(diagnostic.result_url(answers())).text
    settings.PLATFORM_CONTACT_PHONE = "+33553000000"
    text = client.get(diagnostic.result_url(answers())).text
    assert '<a href="tel:+33553000000">05 53 00 00 00</a>' in text


def test_result_without_commune_asks_for_it(client):
    response = client.get(diagnostic.result_url(answers()))
    assert "Indiquez votre commune pour voir les lieux proches de chez vous." in response.text
    assert response.context["places"] == []


def test_upcoming_sessions_come_from_the_registered_providers(client, agen):
    calls = []

    def provider(level, commune):
        calls.append((level, commune))
        return [("Atelier « Premiers pas »", datetime.date(2026, 12, 3), "/ateliers/1/")]

    diagnostic.register_sessions_provider(provider)
    try:
        response = client.get(diagnostic.result_url(answers(Level.BEGINNER), agen))
    finally:
        diagnostic.unregister_sessions_provider(provider)
    assert calls == [(Level.BEGINNER.value, agen)]
    assert "Prochains ateliers" in response.text
    assert '<a href="/ateliers/1/">Atelier « Premiers pas »</a>' in response.text
    assert diagnostic.upcoming_sessions(Level.BEGINNER, agen) == []


# The anonymous tally -------------------------------------------------------------------------------------------


def test_two_increments_count_two_and_months_are_apart(agen):
    november, december = datetime.date(2026, 11, 30), datetime.date(2026, 12, 2)
    services.count_diagnostic(level=Level.BEGINNER, commune=agen, today=november)
    services.count_diagnostic(level=Level.BEGINNER, commune=agen, today=november)
    services.count_diagnostic(level=Level.BEGINNER, commune=agen, today=december)
    services.count_diagnostic(level=Level.ADVANCED, commune=agen, today=november)
    services.count_diagnostic(level=Level.BEGINNER, commune=None, today=november)
    services.count_diagnostic(level=Level.BEGINNER, commune=None, today=november)
    rows = {(t.commune_id, t.month, t.level): t.count for t in DiagnosticTally.objects.all()}
    assert rows == {
        ("47001", datetime.date(2026, 11, 1), "debutant"): 2,
        ("47001", datetime.date(2026, 12, 1), "debutant"): 1,
        ("47001", datetime.date(2026, 11, 1), "avance"): 1,
        (None, datetime.date(2026, 11, 1), "debutant"): 2,
    }
    assert DiagnosticTally.objects.between(november, november).totals_by_level() == {
        "debutant": 4,
        "intermediaire": 0,
        "avance": 1,
    }


def test_the_database_refuses_a_second_row_for_the_same_commune_month_and_level(agen):
    DiagnosticTallyFactory(commune=agen)
    with pytest.raises(IntegrityError), transaction.atomic():
        DiagnosticTallyFactory(commune=agen)


def test_the_database_refuses_a_second_unknown_commune_row_despite_nulls_being_distinct():
    DiagnosticTallyFactory(commune=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        DiagnosticTallyFactory(commune=None)
    DiagnosticTallyFactory(commune=None, level=Level.ADVANCED)  # another level is another row


def test_constraint_messages_are_in_french(agen):
    DiagnosticTallyFactory(commune=None)
    with pytest.raises(ValidationError) as error:
        DiagnosticTally(commune=None, month=datetime.date(2026, 11, 1), level=Level.BEGINNER).full_clean()
    assert "Ce décompte existe déjà (commune inconnue, même mois, même niveau)." in str(error.value)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_increments_lose_nothing():
    load_test_territory(departements=[], insee_codes=["47001"])
    commune = Commune.objects.get(pk="47001")
    rounds, barrier, errors = 10, threading.Barrier(2), []

    def count(target):
        try:
            for _ in range(rounds):
                barrier.wait(timeout=10)
                with transaction.atomic():
                    services.count_diagnostic(level=Level.BEGINNER, commune=target)
        except Exception as error:  # reported by the assertion below
            errors.append(repr(error))
        finally:
            connection.close()

    for target in (commune, None):
        threads = [threading.Thread(target=count, args=(target,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors, errors
        assert DiagnosticTally.objects.get(commune=target).count == 2 * rounds


# With a person -------------------------------------------------------------------------------------------------


@pytest.fixture
def organization():
    return OrganizationFactory()


@pytest.fixture
def mediator(organization):
    return UserFactory(mediator=True, organization=organization)


@pytest.fixture
def person(organization, agen):
    return PersonFactory(involved=organization, commune=agen)


def person_url(person):
    return reverse("orientation:diagnostic_person", args=[person.pk])


def test_only_professionals_of_an_involved_organisation_run_it(client, person, mediator):
    assert client.get(person_url(person)).status_code == 302  # anonymous: to the login page
    log_in(client, mediator)
    assert client.get(person_url(person)).status_code == 200
    for role in ("prescriber", "org_admin"):
        log_in(client, create_user_with_role(role, organization=mediator.memberships.get().organization))
        assert client.get(person_url(person)).status_code == 200
    log_in(client, create_user_with_role("mediator"))  # another organisation's mediator
    assert client.get(person_url(person)).status_code == 404
    for role in ("partner_viewer", "refurbisher"):
        log_in(client, create_user_with_role(role, organization=mediator.memberships.get().organization))
        assert client.get(person_url(person)).status_code == 404
    log_in(client, create_user_with_role("coordinator"))
    assert client.get(person_url(person)).status_code == 403


def test_consent_is_required_and_nothing_is_stored_without_it(client, person, mediator):
    log_in(client, mediator)
    response = client.post(person_url(person), post_data(answers()))
    assert response.status_code == 200
    assert "Cochez cette case : la personne doit accepter que le diagnostic soit joint à sa fiche." in response.text
    assert "Indiquez comment la personne a donné son accord : par écrit ou à l&#x27;oral." in response.text
    assert "Le formulaire contient 2 erreurs" in response.text
    assert not DiagnosticResult.objects.exists() and not DiagnosticTally.objects.exists()
    assert not person.consents.exists()


def test_attaching_records_the_consent_the_result_the_history_and_the_tally(client, person, mediator, agen):
    log_in(client, mediator)
    values = answers(Level.BEGINNER)
    response = client.post(person_url(person), post_data(values, commune="Agen", consent="on", consent_method="oral"))
    assert response.status_code == 302
    assert response["Location"] == diagnostic.result_url(values, agen, person)

    consent = person.consents.get()
    assert (consent.purpose, consent.method, consent.recorded_by) == ("accompaniment", "oral", mediator)
    result = DiagnosticResult.objects.get()
    assert (result.person, result.level, result.autonomy) == (person, "debutant", "entierement_accompagne")
    assert result.answers == values
    assert (result.recorded_by, result.organization) == (mediator, mediator.memberships.get().organization)
    entry = HistoryEntry.objects.get(action="diagnostic_attached")
    assert entry.object_id == str(person.pk)
    assert entry.changes == {"niveau": "Débutant", "autonomie": "Avec guidage"}
    assert DiagnosticTally.objects.get().commune == agen

    page = client.get(response["Location"])
    assert "Le diagnostic est joint à la fiche de" in page.text
    assert f'href="{reverse("people:detail", args=[person.pk])}"' in page.text
    # The link back names the person only for whoever sees the record.
    log_in(client, create_user_with_role("mediator"))
    assert "Revenir à la fiche" not in client.get(response["Location"]).text
    client.logout()
    assert "Revenir à la fiche" not in client.get(response["Location"]).text


def test_an_existing_consent_is_not_recorded_again(client, person, mediator):
    ConsentFactory(person=person, purpose=Consent.Purpose.ACCOMPANIMENT)
    log_in(client, mediator)
    page = client.get(person_url(person))
    assert 'name="consent_method"' not in page.text
    response = client.post(person_url(person), post_data(answers(), consent="on"))
    assert response.status_code == 302
    assert person.consents.count() == 1
    assert DiagnosticResult.objects.filter(person=person).count() == 1


def test_a_withdrawn_consent_must_be_given_again(person, mediator):
    ConsentFactory(person=person, purpose=Consent.Purpose.ACCOMPANIMENT, withdrawn_at=person.created_at)
    organization = mediator.memberships.get().organization
    with pytest.raises(ValidationError):
        services.attach_diagnostic(person, acting_user=mediator, organization=organization, answers=answers())
    services.attach_diagnostic(
        person, acting_user=mediator, organization=organization, answers=answers(), consent_method="written"
    )
    assert person.consents.filter(withdrawn_at__isnull=True).count() == 1


def test_the_diagnostic_shows_in_the_timeline_and_the_person_page(client, person, mediator):
    DiagnosticResultFactory(person=person, answers=answers(Level.ADVANCED))
    events = [event for event in timeline.events_for(person, mediator) if event.module == "orientation"]
    assert [event.label for event in events] == ["Diagnostic numérique : niveau avancé (autonome)"]
    assert events[0].url.startswith(RESULT_URL + "?turn_on=alone")
    log_in(client, mediator)
    page = client.get(reverse("people:detail", args=[person.pk])).text
    assert "Diagnostic numérique : niveau avancé (autonome)" in page
    assert ("Faire le diagnostic numérique", person_url(person)) in actions.actions_for(mediator, person)
    assert ("Faire le diagnostic numérique", person_url(person)) not in actions.actions_for(
        create_user_with_role("coordinator"), person
    )


def test_export_and_merge_carry_the_diagnostics(person, mediator):
    DiagnosticResultFactory(person=person, organization=mediator.memberships.get().organization)
    exported = export_person_data(person)["diagnostics_numeriques"]
    assert exported[0]["niveau"] == "Intermédiaire"
    assert exported[0]["reponses"]["Savez-vous allumer un ordinateur ?"] == "Oui, seul(e)"
    duplicate = PersonFactory()
    DiagnosticResultFactory(person=duplicate)
    merge_people(duplicate, person, acting_user=create_user_with_role("coordinator"))
    assert DiagnosticResult.objects.filter(person=person).count() == 2


# Weight of the first load --------------------------------------------------------------------------------------


def first_load_size(response):
    """Gzipped HTML plus the gzipped CSS and JS the page links to."""
    html = response.content
    total = len(gzip.compress(html, compresslevel=9))
    assets = set(re.findall(rb'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="/static/([^"?]+)"', html))
    assert assets
    for asset in assets:
        with open(finders.find(asset.decode()), "rb") as handle:
            total += len(gzip.compress(handle.read(), compresslevel=9))
    return total


def test_each_page_stays_under_40_kb_gzipped(client, person, mediator, agen):
    PlaceFactory.create_batch(6, published=True, complete=True)
    assert first_load_size(client.get(START_URL)) <= FIRST_LOAD_BUDGET
    errors = client.post(START_URL, {"commune": "Agem"})
    assert first_load_size(errors) <= FIRST_LOAD_BUDGET
    result = client.get(diagnostic.result_url(answers(Level.BEGINNER), agen))
    assert len(result.context["places"]) == 5
    assert first_load_size(result) <= FIRST_LOAD_BUDGET
    log_in(client, mediator)
    assert first_load_size(client.get(person_url(person))) <= FIRST_LOAD_BUDGET
