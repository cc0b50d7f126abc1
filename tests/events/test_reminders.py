"""send_event_reminders: J-2 and H-2, e-mail and SMS to a mobile, dry run by default, never twice."""

from datetime import timedelta
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from core import sms
from events import services
from events.reminders import send_reminders
from tests.events.factories import SessionFactory


def test_dry_run_sends_nothing_and_wet_run_sends_once(django_capture_on_commit_callbacks):
    session = SessionFactory(starts_at=timezone.now() + timedelta(days=1))
    services.register(session, first_name="Ana", email="ana@example.org", phone="+33612345678")
    mail.outbox.clear()
    sms.outbox.clear()
    out = StringIO()
    call_command("send_event_reminders", stdout=out)
    assert "1 rappel à envoyer" in out.getvalue()
    assert mail.outbox == [] and sms.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_event_reminders", "--wet-run", stdout=StringIO())
    assert len(mail.outbox) == 1 and "Rappel" in mail.outbox[0].subject
    assert len(sms.outbox) == 1 and sms.outbox[0].to == "+33612345678"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_event_reminders", "--wet-run", stdout=StringIO())
    assert len(mail.outbox) == 1 and len(sms.outbox) == 1


def test_two_hours_before_only_h2_and_waitlisted_get_nothing():
    now = timezone.now()
    session = SessionFactory(starts_at=now + timedelta(hours=1), capacity=1)
    services.register(session, first_name="A", email="a@example.org", now=now - timedelta(days=3))
    services.register(session, first_name="B", email="b@example.org", now=now - timedelta(days=3))
    report = send_reminders(now=now, wet_run=True)
    assert [label for label, _r, _c in report] == ["H-2"]
    far = SessionFactory(starts_at=now + timedelta(days=5))
    services.register(far, first_name="C", email="c@example.org")
    assert send_reminders(now=now, wet_run=True) == []
