"""Check-in (ticked list and QR code), who may check in, the sign-in sheet, the attendance certificates."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import HistoryEntry
from events import attendance, documents
from events.models import Event, Registration
from tests.events.factories import RegistrationFactory, RelaySiteFactory, SessionFactory

R = Registration.Status


def started_training(organization=None, **extra):
    fields = {"starts_at": timezone.now() - timedelta(hours=2)}
    if organization is not None:
        fields["event__organizer"] = organization
    return SessionFactory(**fields, **extra)


@pytest.fixture
def organiser(client_for):
    return client_for("org_admin")


@pytest.fixture
def session(organiser):
    return started_training(organiser.user.memberships.get().organization)


def test_check_in_is_idempotent_and_recorded_once(session, organiser):
    registration = RegistrationFactory(session=session)
    assert attendance.check_in(registration, acting_user=organiser.user) is True
    assert attendance.check_in(registration, acting_user=organiser.user) is False
    registration.refresh_from_db()
    assert registration.attended is True and registration.checked_in_by == organiser.user
    assert registration.checked_in_at is not None
    assert HistoryEntry.objects.filter(action="event_registration_checked_in").count() == 1


def test_only_confirmed_registrations_are_checked_in(session, organiser):
    waiting = RegistrationFactory(session=session, status=R.WAITLISTED, confirmed_at=None)
    with pytest.raises(ValidationError, match="confirmées"):
        attendance.check_in(waiting, acting_user=organiser.user)
    waiting.refresh_from_db()
    assert waiting.attended is None


def test_a_relay_site_host_checks_in_their_site_only(user_with_role):
    host = user_with_role("mediator")
    site = RelaySiteFactory(host=host)
    other_site = RelaySiteFactory(session=site.session)
    mine = RegistrationFactory(session=site.session, relay_site=site)
    theirs = RegistrationFactory(session=site.session, relay_site=other_site)
    on_line = RegistrationFactory(session=site.session)
    assert attendance.check_in(mine, acting_user=host)
    for registration in (theirs, on_line):
        with pytest.raises(PermissionDenied):
            attendance.check_in(registration, acting_user=host)


def test_ticked_list_is_the_whole_truth_for_the_pool(session, organiser):
    first, second, third = (RegistrationFactory(session=session) for _ in range(3))
    changed = attendance.record_attendance(session, acting_user=organiser.user, present_ids=[first.pk, second.pk])
    assert changed == 3  # two present, one absent
    changed = attendance.record_attendance(session, acting_user=organiser.user, present_ids=[first.pk])
    assert changed == 1
    states = dict(Registration.objects.values_list("pk", "attended"))
    assert states == {first.pk: True, second.pk: False, third.pk: False}
    assert Registration.objects.get(pk=second.pk).checked_in_at is None


def test_ticking_someone_outside_the_pool_changes_nothing(session, organiser):
    mine = RegistrationFactory(session=session)
    elsewhere = RegistrationFactory()
    with pytest.raises(ValidationError, match="pas inscrite"):
        attendance.record_attendance(session, acting_user=organiser.user, present_ids=[mine.pk, elsewhere.pk])
    assert Registration.objects.get(pk=mine.pk).attended is None


def test_check_in_page_lists_confirmed_first_and_saves_the_ticks(session, organiser):
    present = RegistrationFactory(session=session, first_name="Aline", last_name="Zola")
    absent = RegistrationFactory(session=session, first_name="Bruno", last_name="Abel")
    RegistrationFactory(session=session, first_name="Waiting", status=R.WAITLISTED, confirmed_at=None)
    url = reverse("events:check_in_list", args=[session.pk])
    with CaptureQueriesContext(connection) as queries:
        response = organiser.get(url)
    assert response.status_code == 200 and len(queries) <= 12
    html = response.content.decode()
    assert html.index("ABEL Bruno") < html.index("ZOLA Aline") < html.index("Sur liste d'attente")
    response = organiser.post(url, {"present": [str(present.pk)]})
    assert response.status_code == 302
    assert Registration.objects.get(pk=present.pk).attended is True
    assert Registration.objects.get(pk=absent.pk).attended is False


def test_check_in_pages_answer_404_or_403(client_for, session):
    site = RelaySiteFactory(session=session)
    mediator = client_for("mediator")
    assert mediator.get(reverse("events:check_in_list", args=[session.pk])).status_code == 404
    host = client_for("mediator")
    site.host = host.user
    site.save()
    other_site = RelaySiteFactory(session=session)
    assert host.get(reverse("events:check_in_list_site", args=[session.pk, site.pk])).status_code == 200
    assert host.get(reverse("events:check_in_list_site", args=[session.pk, other_site.pk])).status_code == 404
    assert host.get(reverse("events:check_in_list", args=[session.pk])).status_code == 403


def test_hosting_page_lists_what_the_user_hosts(client_for):
    host = client_for("mediator")
    site = RelaySiteFactory(host=host.user)
    RelaySiteFactory()  # someone else's
    response = host.get(reverse("events:hosting"))
    assert response.status_code == 200
    assert [line["session"].pk for line in response.context["lines"]] == [site.session_id]
    assert len(response.context["lines"][0]["pools"]) == 1
    assert client_for("partner_viewer").get(reverse("events:hosting")).status_code == 403


def test_the_qr_code_page_checks_in_with_one_button(client_for):
    host = client_for("mediator")
    site = RelaySiteFactory(host=host.user)
    registration = RegistrationFactory(session=site.session, relay_site=site)
    url = reverse("events:check_in_scan", args=[attendance.check_in_token(registration)])
    response = host.get(url)
    assert response.status_code == 200 and "Noter l'arrivée" in response.content.decode()
    assert Registration.objects.get(pk=registration.pk).attended is None  # opening the link records nothing
    response = host.post(url)
    assert response.status_code == 302
    assert Registration.objects.get(pk=registration.pk).attended is True
    assert host.post(url).status_code == 302  # idempotent
    assert HistoryEntry.objects.filter(action="event_registration_checked_in").count() == 1


def test_the_qr_code_is_refused_to_others_and_when_forged(client_for):
    site = RelaySiteFactory(host=client_for("mediator").user)
    registration = RegistrationFactory(session=site.session, relay_site=site)
    token = attendance.check_in_token(registration)
    stranger = client_for("mediator")
    assert stranger.get(reverse("events:check_in_scan", args=[token])).status_code == 404
    assert stranger.get(reverse("events:check_in_scan", args=[token[:-2] + "xx"])).status_code == 404
    # The cancellation link's token is not a check-in token (different salt).
    from events import links

    assert stranger.get(reverse("events:check_in_scan", args=[links.token_for(registration)])).status_code == 404


def test_the_confirmation_page_shows_the_qr_code(client):
    from events import links

    registration = RegistrationFactory()
    response = client.get(reverse("events:registration", args=[links.token_for(registration)]))
    html = response.content.decode()
    assert "<svg" in html and "Code QR à montrer à l'accueil" in html


def test_sign_in_sheet_pdf_lists_the_confirmed_registrants(session, organiser):
    RegistrationFactory(session=session, first_name="Aline", last_name="Zola")
    RegistrationFactory(session=session, first_name="Gone", status=R.CANCELLED, cancelled_at=timezone.now())
    response = organiser.get(reverse("events:sign_in_sheet", args=[session.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "emargement-seance" in response["Content-Disposition"]


def test_sign_in_sheet_of_a_relay_site_for_its_host(client_for):
    host = client_for("mediator")
    site = RelaySiteFactory(host=host.user)
    RegistrationFactory(session=site.session, relay_site=site)
    response = host.get(reverse("events:sign_in_sheet_site", args=[site.session_id, site.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert host.get(reverse("events:sign_in_sheet", args=[site.session_id])).status_code == 403


def test_full_name_puts_the_last_name_first():
    registration = RegistrationFactory.build(first_name="Camille", last_name="Martin")
    assert documents.full_name(registration) == "MARTIN Camille"


def test_certificates_are_sent_once_after_commit_with_the_pdf(session, organiser, django_capture_on_commit_callbacks):
    present = RegistrationFactory(session=session, attended=True)
    RegistrationFactory(session=session, attended=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser.post(reverse("events:certificates_send", args=[session.pk]))
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [present.email] and "attestation" in message.subject.lower()
    name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    with django_capture_on_commit_callbacks(execute=True):
        organiser.post(reverse("events:certificates_send", args=[session.pk]))
    assert len(mail.outbox) == 1
    assert HistoryEntry.objects.filter(action="event_certificate_sent").count() == 1


def test_certificates_only_for_trainings_that_took_place(session, organiser):
    with pytest.raises(ValidationError, match="formations"):
        Event.objects.filter(pk=session.event_id).update(kind=Event.Kind.WORKSHOP)
        attendance.send_certificates(session, acting_user=None)
    Event.objects.filter(pk=session.event_id).update(kind=Event.Kind.TRAINING)
    future = SessionFactory(event=session.event)
    with pytest.raises(ValidationError, match="pas encore eu lieu"):
        attendance.send_certificates(future, acting_user=None)


def test_certificate_download_for_the_organiser_only(session, organiser, client_for):
    present = RegistrationFactory(session=session, attended=True)
    absent = RegistrationFactory(session=session)
    response = organiser.get(reverse("events:certificate", args=[present.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert organiser.get(reverse("events:certificate", args=[absent.pk])).status_code == 404
    assert client_for("org_admin").get(reverse("events:certificate", args=[present.pk])).status_code == 404


def test_hosting_page_queries_stay_bounded(client_for):
    host = client_for("mediator")
    for _ in range(8):
        site = RelaySiteFactory(host=host.user)
        RegistrationFactory(session=site.session, relay_site=site)
    with CaptureQueriesContext(connection) as queries:
        response = host.get(reverse("events:hosting"))
    assert response.status_code == 200 and len(response.context["lines"]) == 8
    assert len(queries) <= 12
