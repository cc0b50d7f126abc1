"""The demo events: the « jeudis » series (one session held with its attendance, certificates and survey, two to
come, one with a waiting list) and a webinar relayed in two places; seeding twice adds nothing."""

import pytest

from demo.events import SERIES_NAME, create_events
from demo.seed import seed_demo
from events.models import Event, Registration, RelaySite, Session, SurveyAnswer
from geo.testing import load_test_territory


@pytest.fixture
def territory():
    load_test_territory()


def test_demo_events_run_end_to_end_and_seed_once(territory):
    summary = seed_demo()
    training = Event.objects.get(series__name=SERIES_NAME)
    assert training.status == Event.Status.PUBLISHED and training.sessions.count() == 3
    held = training.sessions.order_by("starts_at").first()
    assert held.registrations.filter(attended=True).count() == 5
    assert held.registrations.filter(certificate_sent_at__isnull=False).count() == 5
    assert SurveyAnswer.objects.filter(registration__session=held).count() == 3
    assert Registration.objects.filter(status=Registration.Status.WAITLISTED).exists()
    webinar = Event.objects.get(kind=Event.Kind.WEBINAR)
    assert RelaySite.objects.filter(session__event=webinar, host__isnull=False).count() == 2
    assert summary["events"] == Registration.objects.count()
    assert create_events() == summary["events"]
    assert Session.objects.count() == 4
