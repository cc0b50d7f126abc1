from accounts.models import Organization, User
from core.history import diff, record, snapshot
from core.models import HistoryEntry


def test_record_names_actor_object_and_changes():
    user = User.objects.create_user("coord@example.org", "x" * 12, first_name="Camille", last_name="Martin")
    organization = Organization.objects.create(name="Médiathèque d'Agen")
    before = snapshot(organization, ["name", "is_partner"])
    organization.name = "Médiathèque municipale d'Agen"
    after = snapshot(organization, ["name", "is_partner"])

    entry = record(organization, "organization_updated", acting_user=user, changes=diff(before, after))

    assert entry.actor == user
    assert entry.actor_label == "Camille Martin"
    assert entry.object_label == "Médiathèque municipale d'Agen"
    assert entry.changes == {"name": ["Médiathèque d'Agen", "Médiathèque municipale d'Agen"]}
    assert list(HistoryEntry.objects.for_object(organization)) == [entry]
    assert list(HistoryEntry.objects.by_actor(user)) == [entry]


def test_record_by_the_system_keeps_a_label():
    organization = Organization.objects.create(name="CCAS de Nérac")
    entry = record(organization, "organization_created", acting_user=None)
    assert entry.actor is None
    assert entry.actor_label == "Système"


def test_history_survives_the_deletion_of_its_actor():
    user = User.objects.create_user("gone@example.org", "x" * 12)
    organization = Organization.objects.create(name="Centre social")
    entry = record(organization, "organization_created", acting_user=user)
    user.delete()
    entry.refresh_from_db()
    assert entry.actor is None
    assert entry.actor_label == "gone@example.org"


def test_history_is_visible_to_coordinators_only():
    from accounts.models import Membership, Role

    organization = Organization.objects.create(name="Département")
    record(organization, "organization_created", acting_user=None)
    mediator = User.objects.create_user("med@example.org", "x" * 12)
    Membership.objects.create(user=mediator, organization=organization, role=Role.MEDIATOR)
    coordinator = User.objects.create_user("coord2@example.org", "x" * 12)
    Membership.objects.create(user=coordinator, organization=organization, role=Role.COORDINATOR)

    assert HistoryEntry.objects.visible_to(mediator).count() == 0
    assert HistoryEntry.objects.visible_to(coordinator).count() == 1


def test_history_shows_actions_and_fields_in_french():
    organization = Organization.objects.create(name="CCAS d'Agen")
    entry = record(organization, "organization_updated", acting_user=None, changes={"name": ["A", "B"]})
    assert entry.action_label == "Modification de l'organisation"
    assert entry.changed_fields() == [("nom", ["A", "B"])]
    unknown = record(organization, "something_new", acting_user=None, changes={"not_a_field": 1})
    assert unknown.action_label == "something new"
    assert unknown.changed_fields() == [("not_a_field", 1)]
