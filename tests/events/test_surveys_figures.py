"""The satisfaction survey (sending the day after, once; answering once; results), the figures and their exports,
and the sessions the diagnostic suggests."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import figures, suggestions, surveys
from events.models import Audience, Event, Registration, SurveyAnswer
from geo.models import Commune
from orientation import diagnostic
from tests.events.factories import EventFactory, RegistrationFactory, RelaySiteFactory, SessionFactory

R = Registration.Status


def held(days_ago=1, **extra):
    return SessionFactory(starts_at=timezone.now() - timedelta(days=days_ago), **extra)


# Survey ---------------------------------------------------------------------------------------------------------


def test_surveys_go_the_day_after_to_people_present_once(django_capture_on_commit_callbacks):
    yesterday = held(1)
    present = RegistrationFactory(session=yesterday, attended=True)
    RegistrationFactory(session=yesterday, attended=False)
    RegistrationFactory(session=held(0), attended=True)  # today: not yet
    RegistrationFactory(session=held(30), attended=True)  # too old
    assert [r.pk for r, _ in surveys.send_surveys()] == [present.pk]  # dry run
    assert Registration.objects.get(pk=present.pk).survey_sent_at is None
    with django_capture_on_commit_callbacks(execute=True):
        report = surveys.send_surveys(wet_run=True)
    assert [(r.pk, sent) for r, sent in report] == [(present.pk, True)]
    assert len(mail.outbox) == 1 and "/evenements/avis/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert surveys.send_surveys(wet_run=True) == []
    assert len(mail.outbox) == 1


def test_the_command_is_a_dry_run_unless_told(django_capture_on_commit_callbacks):
    RegistrationFactory(session=held(1), attended=True)
    out = io.StringIO()
    call_command("send_event_surveys", stdout=out)
    assert "simulation" in out.getvalue() and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_event_surveys", "--wet-run", stdout=out)
    assert len(mail.outbox) == 1


def test_the_survey_is_answered_once(client):
    registration = RegistrationFactory(session=held(1), attended=True)
    url = reverse("events:survey", args=[surveys.token_for(registration)])
    response = client.get(url)
    assert response.status_code == 200 and "Quelle note" in response.content.decode()
    response = client.post(url, {"rating": "4", "useful": "yes", "would_recommend": "oui", "comment": " Bien "})
    assert "Merci pour votre réponse" in response.content.decode()
    answer = SurveyAnswer.objects.get()
    assert (answer.rating, answer.useful, answer.would_recommend, answer.comment) == (4, "yes", True, "Bien")
    client.post(url, {"rating": "1", "useful": "no", "would_recommend": "non"})
    assert SurveyAnswer.objects.get().rating == 4
    with pytest.raises(ValidationError, match="déjà répondu"):
        surveys.answer_survey(registration, rating=2, useful="no", would_recommend=False)


def test_survey_errors_in_french_and_forged_links(client):
    registration = RegistrationFactory(session=held(1), attended=True)
    response = client.post(reverse("events:survey", args=[surveys.token_for(registration)]), {})
    assert "Choisissez une note de 1 à 5." in response.content.decode()
    assert not SurveyAnswer.objects.exists()
    assert client.get(reverse("events:survey", args=["abc"])).status_code == 404
    absent = RegistrationFactory(session=registration.session, attended=False)
    assert client.get(reverse("events:survey", args=[surveys.token_for(absent)])).status_code == 404


def test_the_database_keeps_ratings_between_1_and_5():
    registration = RegistrationFactory(attended=True)
    with pytest.raises(ValidationError, match="de 1 à 5"):
        surveys.answer_survey(registration, rating=6, useful="yes", would_recommend=True)


def test_results_per_session_for_the_organiser(client_for):
    organiser = client_for("org_admin")
    session = held(2, event__organizer=organiser.user.memberships.get().organization)
    for rating, useful, recommend in [(5, "yes", True), (3, "somewhat", False)]:
        registration = RegistrationFactory(session=session, attended=True, survey_sent_at=timezone.now())
        surveys.answer_survey(registration, rating=rating, useful=useful, would_recommend=recommend, comment="Top")
    response = organiser.get(reverse("events:survey_results", args=[session.pk]))
    results = response.context["results"]
    assert results.answers == 2 and results.average_rating == 4.0 and results.response_rate == 100
    assert results.recommend_yes == 1 and "Top" in response.content.decode()
    assert client_for("org_admin").get(reverse("events:survey_results", args=[session.pk])).status_code == 404


# Figures --------------------------------------------------------------------------------------------------------


@pytest.fixture
def activity(user_with_role):
    """A held session (3 confirmed: 2 present, 1 no-show; 1 waiting; 1 cancelled) and a relayed webinar."""
    session = held(3)
    RegistrationFactory(session=session, attended=True)
    RegistrationFactory(session=session, attended=True)
    RegistrationFactory(session=session)
    RegistrationFactory(session=session, status=R.WAITLISTED, confirmed_at=None)
    RegistrationFactory(session=session, status=R.CANCELLED, cancelled_at=timezone.now())
    site = RelaySiteFactory(session=SessionFactory(online=True, event__webinar=True))
    RegistrationFactory(session=site.session, relay_site=site)
    SessionFactory(event__draft=True)
    return session, site


def test_figures_by_session_and_totals(activity):
    session, site = activity
    registrations = Registration.objects.all()
    rows = list(figures.table(registrations, "seance"))
    held_row = next(r for r in rows if r["g_session_id"] == session.pk)
    assert (held_row["registered"], held_row["present"], held_row["no_shows"]) == (3, 2, 1)
    assert (held_row["waitlisted"], held_row["cancelled"], figures.rate(held_row)) == (1, 1, 67)
    relay_row = next(r for r in rows if r["g_session_id"] == site.session_id)
    assert relay_row["g_pool"] == site.place.name and figures.rate(relay_row) is None  # not held yet
    by_commune = {r["g_name"]: r["registered"] for r in figures.table(registrations, "commune")}
    assert session.place.commune_name == site.place.commune_name  # the factories' commune
    assert by_commune == {session.place.commune_name: 4}
    by_place = {r["g_name"]: r["registered"] for r in figures.table(registrations, "lieu")}
    assert by_place == {session.place.name: 3, site.place.name: 1}


def test_figures_page_and_exports(client_for, activity):
    client = client_for("coordinator")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("events:figures"), {"by": "organisation"})
    assert response.status_code == 200 and len(queries) <= 12
    assert response.context["total"]["registered"] == 4
    response = client.get(reverse("events:figures_csv"), {"by": "commune"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Commune" and rows[-1][:2] == ["Total", "4"]
    response = client.get(reverse("events:figures_xlsx"))
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Seance", "Lieu", "Organisation", "Commune"]


def test_partners_see_aggregates_only_and_others_nothing(client_for, activity):
    partner = client_for("partner_viewer")
    response = partner.get(reverse("events:figures"))
    assert response.status_code == 200 and response.context["total"]["registered"] == 4
    assert "/gestion/seances/" not in response.content.decode()
    assert client_for("mediator").get(reverse("events:figures")).status_code == 403


def test_an_org_admin_counts_the_events_of_their_organisation(client_for, activity):
    organiser = client_for("org_admin")
    RegistrationFactory(session=held(1, event__organizer=organiser.user.memberships.get().organization))
    assert organiser.get(reverse("events:figures")).context["total"]["registered"] == 1


# Diagnostic -----------------------------------------------------------------------------------------------------


@pytest.fixture
def commune():
    from geo.models import Departement

    departement, _ = Departement.objects.get_or_create(code="47", defaults={"name": "Lot-et-Garonne"})
    return Commune.objects.create(
        insee_code="47001", name="Agen", departement=departement, latitude=44.2, longitude=0.62
    )


def test_the_diagnostic_suggests_public_sessions_with_free_seats(commune):
    workshop = SessionFactory(event__kind=Event.Kind.WORKSHOP, event__audience=Audience.PUBLIC)
    workshop.place.latitude, workshop.place.longitude = 44.21, 0.63
    workshop.place.save()
    webinar = SessionFactory(online=True, event__webinar=True)
    SessionFactory(event__kind=Event.Kind.TRAINING, event__audience=Audience.PROFESSIONALS)  # for aidants
    SessionFactory(event__kind=Event.Kind.FORUM, event__audience=Audience.PUBLIC)  # not for beginners
    full = SessionFactory(event__kind=Event.Kind.WORKSHOP, event__audience=Audience.PUBLIC, capacity=1)
    RegistrationFactory(session=full)
    SessionFactory(
        event__kind=Event.Kind.WORKSHOP, event__audience=Audience.PUBLIC, starts_at=timezone.now() + timedelta(days=90)
    )
    far = SessionFactory(event__kind=Event.Kind.WORKSHOP, event__audience=Audience.PUBLIC)
    far.place.latitude, far.place.longitude = 48.85, 2.35
    far.place.save()
    found = {s.pk for s in suggestions.suggested_sessions("debutant", commune)}
    assert workshop.pk in found and webinar.pk in found
    assert far.pk not in found and full.pk not in found and len(found) == 2
    assert far.pk in {s.pk for s in suggestions.suggested_sessions("debutant", None)}


def test_the_diagnostic_result_shows_the_sessions(client, commune):
    session = SessionFactory(online=True, event__webinar=True, event__title="Faire ses démarches CAF")
    answers = {code: "no" for code in diagnostic.QUESTION_CODES}
    response = client.get(reverse("orientation:diagnostic_result"), {**answers, "commune": commune.pk})
    html = response.content.decode()
    assert "Prochains ateliers" in html and "Faire ses démarches CAF" in html
    assert session.get_absolute_url() in html


def test_no_event_no_suggestion(commune):
    EventFactory()
    assert suggestions.sessions_for_diagnostic("debutant", commune) == []


def test_survey_answers_are_exported_and_their_comment_erased_with_the_person():
    from people import extensions
    from tests.people.factories import PersonFactory

    person = PersonFactory()
    registration = RegistrationFactory(person=person, first_name="", email="", attended=True)
    surveys.answer_survey(registration, rating=5, useful="yes", would_recommend=True, comment="Merci Julie")
    from events import personal_data_attendance

    assert personal_data_attendance.export_survey_answers(person)[0]["commentaire"] == "Merci Julie"
    extensions.erase(person)
    answer = SurveyAnswer.objects.get()
    assert answer.comment == "" and answer.rating == 5
