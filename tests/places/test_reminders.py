import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from core.models import HistoryEntry
from places.models import Place
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the command, sending the e-mails it queues after commit; return its output."""

    def run_command(*args):
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("remind_stale_places", *args, stdout=out)
        return out.getvalue()

    return run_command


@pytest.fixture
def stale_place():
    org = OrganizationFactory()
    UserFactory(mediator=True, organization=org, email="mediatrice@example.org")
    UserFactory(org_admin=True, organization=org, email="direction@example.org")
    UserFactory(prescriber=True, organization=org, email="prescriptrice@example.org")
    UserFactory(mediator=True, organization=org, email="partie@example.org", is_active=False)
    return PlaceFactory(
        published=True, organization=org, name="EPN de Marmande", confirmed_at=timezone.now() - timedelta(days=250)
    )


def test_dry_run_by_default(stale_place, run):
    output = run()
    assert "1 lieu(x) à rappeler, 2 e-mail(s) seraient envoyés" in output
    assert mail.outbox == []
    stale_place.refresh_from_db()
    assert stale_place.last_reminder_at is None


def test_wet_run_emails_editors_once(stale_place, client, run):
    PlaceFactory(published=True, organization=stale_place.organization, confirmed_at=timezone.now())  # fresh
    PlaceFactory(organization=stale_place.organization, confirmed_at=None)  # draft: not reminded
    output = run("--wet-run")
    assert "2 e-mail(s) envoyé(s) pour 1 lieu(x)" in output
    assert sorted(m.to[0] for m in mail.outbox) == ["direction@example.org", "mediatrice@example.org"]
    message = mail.outbox[0]
    assert message.subject == "Votre lieu « EPN de Marmande » est-il toujours exact ?"
    assert "EPN de Marmande" in message.body
    stale_place.refresh_from_db()
    assert stale_place.last_reminder_at is not None
    assert HistoryEntry.objects.filter(action="place_reminder_sent", object_id=str(stale_place.pk)).count() == 1

    # Idempotent: a second run sends nothing.
    mail.outbox.clear()
    assert "0 e-mail(s) envoyé(s)" in run("--wet-run")
    assert mail.outbox == []

    # The link in the e-mail confirms the place (POST), for its recipient.
    link = re.search(r"https?://\S+/lieux/toujours-exact/\S+/", message.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get(f"/{path}").status_code == 200
    assert client.post(f"/{path}").status_code == 200
    stale_place.refresh_from_db()
    assert not stale_place.is_stale
    entry = HistoryEntry.objects.get(action="place_confirmed")
    assert entry.actor is None and message.to[0] in entry.message


def test_reminded_again_after_the_interval(stale_place, settings, run):
    stale_place.last_reminder_at = timezone.now() - timedelta(days=settings.PLACE_REMINDER_INTERVAL_DAYS + 1)
    stale_place.save()
    run("--wet-run")
    assert len(mail.outbox) == 2


def test_one_email_per_person_for_several_places(stale_place, run):
    PlaceFactory(published=True, organization=stale_place.organization, confirmed_at=None, name="Annexe")
    run("--wet-run")
    assert len(mail.outbox) == 2
    assert mail.outbox[0].subject == "Vos 2 lieux sont-ils toujours exacts ?"


def test_places_without_recipient_are_counted(run):
    PlaceFactory(published=True, organization=None, confirmed_at=None)
    output = run("--wet-run")
    assert "1 lieu(x) sans destinataire" in output
    assert mail.outbox == []
    assert Place.objects.get().last_reminder_at is None


def test_organisation_email_when_no_member(run):
    org = OrganizationFactory(email="accueil@mairie.example.org")
    PlaceFactory(published=True, organization=org, confirmed_at=None)
    run("--wet-run")
    assert [m.to for m in mail.outbox] == [["accueil@mairie.example.org"]]
