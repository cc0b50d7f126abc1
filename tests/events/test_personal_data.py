"""The events' part of the person record: export, merge, erasure, timeline."""

from events import personal_data, services
from events.models import Registration
from tests.accounts.factories import UserFactory
from tests.events.factories import SessionFactory
from tests.people.factories import PersonFactory


def test_export_merge_and_erase():
    user = UserFactory(prescriber=True)
    session, other = SessionFactory(), SessionFactory()
    kept, duplicate = PersonFactory(), PersonFactory()
    services.register(session, person=kept, acting_user=user)
    services.register(session, person=duplicate, acting_user=user)
    services.register(other, person=duplicate, acting_user=user, first_name="Jo", email="jo@example.org")
    counts = personal_data.move_registrations(duplicate, kept, acting_user=user)
    assert counts == {"inscriptions_deplacees": 1, "inscriptions_en_double_annulees": 1}
    assert Registration.objects.filter(person=kept).active().count() == 2
    assert len(personal_data.export_registrations(kept)) == 3
    personal_data.erase_registration_contacts(kept)
    assert not Registration.objects.filter(person=kept).exclude(email="").exists()
    labels = [event.label for event in personal_data.timeline_events(kept, user)]
    assert any("Inscription à « " in label for label in labels)
