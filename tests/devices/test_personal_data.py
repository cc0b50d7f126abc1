"""The reconditionnement's part of the person record: the timeline for the requesting side only, the access-right
export, the move on merge, the blanking on erasure (the request stays, anonymous, for the figures). The functions
are called directly (the other modules' hooks are theirs to test) and their registration is checked."""

from devices import personal_data
from people import extensions, timeline
from tests.accounts.factories import UserFactory
from tests.devices.factories import DeviceRequestFactory, prescriber, workshop_staff
from tests.people.factories import PersonFactory


def test_the_hooks_are_registered():
    assert personal_data.timeline_events in timeline._providers
    assert extensions._exporters["reconditionnement"] is personal_data.export_requests
    assert personal_data.move_requests in extensions._merge_handlers
    assert personal_data.erase_request_texts in extensions._erasers


def test_the_timeline_shows_the_request_to_the_requesting_side_and_the_coordination_only():
    device_request = DeviceRequestFactory()
    person = device_request.person
    events = personal_data.timeline_events(person, prescriber(device_request.organization))
    assert [event.label for event in events] == ["Demande d'appareil (ordinateur portable) : en attente"]
    assert personal_data.timeline_events(person, UserFactory(coordinator=True))
    assert personal_data.timeline_events(person, workshop_staff()) == []
    assert personal_data.timeline_events(person, prescriber()) == []


def test_export_merge_and_erasure():
    device_request = DeviceRequestFactory(usage="Pour sa fille en 6e")
    person = device_request.person
    assert personal_data.export_requests(person)[0]["usage"] == "Pour sa fille en 6e"
    kept = PersonFactory()
    assert personal_data.move_requests(person, kept, acting_user=None) == {"demandes_appareil": 1}
    device_request.refresh_from_db()
    assert device_request.person == kept
    personal_data.erase_request_texts(kept)
    device_request.refresh_from_db()
    assert device_request.usage == "" and device_request.person == kept
