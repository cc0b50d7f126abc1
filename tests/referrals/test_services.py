from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import HistoryEntry
from people.models import Involvement
from referrals import services
from referrals.models import Referral, ReferralComment, ReferralTransition
from referrals.services import ReferralWorkflow
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.people.factories import PersonFactory
from tests.places.factories import PlaceFactory
from tests.referrals.factories import ReferralFactory, place_user, prescriber_user

S = Referral.Status


def history_actions(referral):
    return list(
        HistoryEntry.objects.filter(content_type__model="referral", object_id=str(referral.pk))
        .order_by("created_at", "pk")
        .values_list("action", flat=True)
    )


def transitions(referral):
    return list(referral.transitions.values_list("from_status", "to_status"))


# ---------------------------------------------------------------------------------------------------------
# Sending


def test_send_referral_to_a_place(django_capture_on_commit_callbacks):
    place = PlaceFactory(complete=True, published=True, organization=OrganizationFactory())
    place_member = UserFactory(mediator=True, organization=place.organization)
    organization = OrganizationFactory()
    prescriber = UserFactory(prescriber=True, organization=organization)
    person = PersonFactory(involved=organization, last_activity_at=timezone.now() - timedelta(days=10))
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.send_referral(
            acting_user=prescriber,
            person=person,
            prescriber_organization=organization,
            target_place=place,
            needs=["Aide aux démarches administratives", "logement"],
            urgency=Referral.Urgency.URGENT,
            availability=["tu_morning"],
        )
    assert referral.status == S.SENT and referral.prescriber == prescriber
    assert transitions(referral) == [("", S.SENT)]
    assert history_actions(referral) == ["referral_sent"]
    person.refresh_from_db()
    assert person.last_activity_at > timezone.now() - timedelta(minutes=1)
    # The place's organisation sees the person's record only once it has accepted the referral.
    assert not Involvement.objects.filter(person=person, organization=place.organization).exists()
    assert sorted(a for m in mail.outbox for a in m.to) == sorted(["contact@example.org", place_member.email])
    assert all("Nouvelle orientation" in m.subject for m in mail.outbox)
    assert not any(person.first_name in m.body for m in mail.outbox)


def test_send_referral_checks_needs_and_person():
    organization = OrganizationFactory()
    prescriber = UserFactory(prescriber=True, organization=organization)
    person = PersonFactory(involved=organization)
    with pytest.raises(ValidationError):
        services.send_referral(acting_user=prescriber, person=person, prescriber_organization=organization, needs=[])
    with pytest.raises(ValidationError):
        services.send_referral(
            acting_user=prescriber, person=person, prescriber_organization=organization, needs=["inconnu"]
        )
    stranger = PersonFactory()
    with pytest.raises(PermissionDenied):
        services.send_referral(
            acting_user=prescriber, person=stranger, prescriber_organization=organization, needs=["email"]
        )
    viewer = UserFactory(partner_viewer=True, organization=organization)
    with pytest.raises(PermissionDenied):
        services.send_referral(
            acting_user=viewer, person=person, prescriber_organization=organization, needs=["email"]
        )
    assert Referral.objects.count() == 0


def test_send_to_network_then_dispatch(django_capture_on_commit_callbacks):
    referral = ReferralFactory(to_network=True)
    coordinator = UserFactory(coordinator=True)
    place = PlaceFactory(complete=True, published=True, organization=OrganizationFactory())
    with pytest.raises(PermissionDenied):
        services.dispatch_referral(referral, acting_user=prescriber_user(referral), place=place)
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch_referral(referral, acting_user=coordinator, place=place)
    referral.refresh_from_db()
    assert referral.target_place == place and referral.status == S.SENT
    assert transitions(referral) == [(S.SENT, S.SENT)]
    assert history_actions(referral) == ["referral_dispatched"]
    assert mail.outbox[0].to == ["contact@example.org"]
    with pytest.raises(ValidationError):
        services.dispatch_referral(referral, acting_user=coordinator, place=place)


def test_a_network_referral_cannot_be_reviewed_before_dispatch():
    referral = ReferralFactory(to_network=True)
    with pytest.raises(PermissionDenied):
        services.start_review(referral, acting_user=UserFactory(mediator=True))


# ---------------------------------------------------------------------------------------------------------
# The workflow, step by step


def test_full_happy_path(django_capture_on_commit_callbacks):
    referral = ReferralFactory()
    mediator = place_user(referral)
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.start_review(referral, acting_user=mediator)
        referral = services.accept_referral(referral, acting_user=mediator)
        referral = services.set_appointment(
            referral, acting_user=mediator, appointment_at=timezone.now() + timedelta(days=2)
        )
        referral = services.close_referral(
            referral,
            acting_user=mediator,
            sessions_count=3,
            themes_covered=["email", "logement"],
            autonomy=Referral.Autonomy.AUTONOMOUS,
            further_orientation="CAF pour l'aide au logement",
        )
    referral.refresh_from_db()
    assert referral.status == S.CLOSED
    assert referral.answered_at and referral.closed_at and referral.appointment_at
    assert referral.sessions_count == 3 and referral.autonomy == "autonome"
    assert transitions(referral) == [
        (S.SENT, S.UNDER_REVIEW),
        (S.UNDER_REVIEW, S.ACCEPTED),
        (S.ACCEPTED, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.CLOSED),
    ]
    assert ReferralTransition.objects.filter(referral=referral, actor=mediator).count() == 4
    assert history_actions(referral) == [
        "referral_review_started",
        "referral_accepted",
        "referral_started",
        "referral_closed",
    ]
    assert Involvement.objects.filter(person=referral.person, organization=referral.target_place.organization).exists()
    # accepted, started, closed go to the prescriber; starting the review tells no one
    assert [m.to for m in mail.outbox] == [[referral.prescriber.email]] * 3
    assert "terminé" in mail.outbox[-1].subject


def test_accept_straight_from_sent():
    referral = ReferralFactory()
    referral = services.accept_referral(referral, acting_user=place_user(referral))
    assert referral.status == S.ACCEPTED


def test_moving_the_appointment_keeps_the_status():
    referral = ReferralFactory(in_progress=True)
    later = timezone.now() + timedelta(days=9)
    referral = services.set_appointment(referral, acting_user=place_user(referral), appointment_at=later)
    assert referral.status == S.IN_PROGRESS and referral.appointment_at == later
    assert history_actions(referral) == ["referral_appointment_changed"]
    assert transitions(referral) == []


@pytest.mark.parametrize("status", [S.SENT, S.UNDER_REVIEW])
def test_decline(status, django_capture_on_commit_callbacks):
    referral = ReferralFactory(status=status)
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.decline_referral(
            referral, acting_user=place_user(referral), reason=Referral.DeclineReason.TOO_FAR, details="45 km"
        )
    referral.refresh_from_db()
    assert referral.status == S.DECLINED and referral.decline_reason == "too_far" and referral.answered_at
    assert transitions(referral) == [(status, S.DECLINED)]
    assert mail.outbox[0].to == [referral.prescriber.email]


def test_decline_needs_a_reason_from_the_list():
    referral = ReferralFactory()
    mediator = place_user(referral)
    with pytest.raises(ValidationError):
        services.decline_referral(referral, acting_user=mediator, reason="")
    with pytest.raises(ValidationError, match="Précisez"):
        services.decline_referral(referral, acting_user=mediator, reason=Referral.DeclineReason.OTHER)
    referral.refresh_from_db()
    assert referral.status == S.SENT


@pytest.mark.parametrize("status", [S.SENT, S.UNDER_REVIEW])
def test_expire_by_the_timer(status):
    referral = ReferralFactory(status=status)
    referral = services.expire_referral(referral, acting_user=None)
    assert referral.status == S.EXPIRED and referral.closed_at
    assert referral.transitions.get().actor is None
    entry = HistoryEntry.objects.get(object_id=str(referral.pk), action="referral_expired")
    assert entry.actor_label == "Système"


def test_expire_by_hand_needs_a_coordinator():
    referral = ReferralFactory()
    with pytest.raises(PermissionDenied):
        services.expire_referral(referral, acting_user=place_user(referral))
    services.expire_referral(referral, acting_user=UserFactory(coordinator=True))


@pytest.mark.parametrize("status", [S.SENT, S.UNDER_REVIEW, S.ACCEPTED])
def test_cancel_by_the_prescriber(status, django_capture_on_commit_callbacks):
    referral = ReferralFactory(status=status, answered_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.cancel_referral(referral, acting_user=prescriber_user(referral), reason="A déménagé")
    assert referral.status == S.CANCELLED
    assert referral.transitions.get().note == "A déménagé"
    assert "contact@example.org" in mail.outbox[0].to


def test_the_place_cannot_cancel():
    referral = ReferralFactory()
    with pytest.raises(PermissionDenied):
        services.cancel_referral(referral, acting_user=place_user(referral))


@pytest.mark.parametrize("status", [S.SENT, S.UNDER_REVIEW, S.ACCEPTED])
def test_transfer_creates_a_follow_up(status, django_capture_on_commit_callbacks):
    referral = ReferralFactory(status=status, answered_at=timezone.now())
    other = PlaceFactory(complete=True, published=True, organization=OrganizationFactory())
    with django_capture_on_commit_callbacks(execute=True):
        new = services.transfer_referral(referral, acting_user=place_user(referral), to_place=other)
    referral.refresh_from_db()
    assert referral.status == S.TRANSFERRED
    assert new.status == S.SENT and new.target_place == other and new.transferred_from == referral
    assert new.person == referral.person and new.needs == referral.needs
    assert transitions(new) == [("", S.SENT)]
    # the new place follows the person only once it accepts
    assert not Involvement.objects.filter(person=referral.person, organization=other.organization).exists()
    recipients = [m.to for m in mail.outbox]
    assert [referral.prescriber.email] in recipients and ["contact@example.org"] in recipients


def test_transfer_to_the_same_place_is_refused():
    referral = ReferralFactory()
    with pytest.raises(ValidationError):
        services.transfer_referral(referral, acting_user=place_user(referral), to_place=referral.target_place)


# ---------------------------------------------------------------------------------------------------------
# Refusals: forbidden transitions and the wrong side change nothing


FORBIDDEN = [
    (S.SENT, "close"),
    (S.SENT, "appointment"),
    (S.ACCEPTED, "decline"),
    (S.IN_PROGRESS, "cancel"),
    (S.CLOSED, "accept"),
    (S.DECLINED, "accept"),
    (S.CLOSED, "transfer"),
    (S.ACCEPTED, "expire"),
]


def _act(action, referral, user):
    if action == "close":
        return services.close_referral(referral, acting_user=user, sessions_count=1)
    if action == "appointment":
        return services.set_appointment(referral, acting_user=user, appointment_at=timezone.now())
    if action == "decline":
        return services.decline_referral(referral, acting_user=user, reason=Referral.DeclineReason.FULL)
    if action == "cancel":
        return services.cancel_referral(referral, acting_user=prescriber_user(referral))
    if action == "accept":
        return services.accept_referral(referral, acting_user=user)
    if action == "transfer":
        other = PlaceFactory(published=True)
        return services.transfer_referral(referral, acting_user=user, to_place=other)
    if action == "expire":
        return services.expire_referral(referral, acting_user=None)
    raise AssertionError(action)


@pytest.mark.parametrize(("status", "action"), FORBIDDEN)
def test_forbidden_transition_is_refused_and_changes_nothing(status, action, django_capture_on_commit_callbacks):
    referral = ReferralFactory(**{status: True})
    before = Referral.objects.filter(pk=referral.pk).values().get()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ValidationError) as error:
            _act(action, referral, place_user(referral))
    assert "Une orientation « " in error.value.messages[0] and "ne peut pas passer à" in error.value.messages[0]
    assert Referral.objects.filter(pk=referral.pk).values().get() == before
    assert not referral.transitions.exists()
    assert history_actions(referral) == []
    assert Referral.objects.count() == 1
    assert mail.outbox == []


def test_transition_message_is_plain_french():
    with pytest.raises(ValidationError) as error:
        ReferralWorkflow.action(S.CLOSED, S.ACCEPTED)
    assert error.value.messages == ["Une orientation « Terminée » ne peut pas passer à « Acceptée »."]


@pytest.mark.parametrize(
    "who", ["prescriber", "other_mediator", "partner_viewer", "prescriber_in_place_org", "refurbisher"]
)
def test_wrong_side_cannot_act_for_the_place(who):
    referral = ReferralFactory()
    user = {
        "prescriber": lambda: prescriber_user(referral),
        "other_mediator": lambda: UserFactory(mediator=True),
        "partner_viewer": lambda: UserFactory(partner_viewer=True, organization=referral.target_place.organization),
        "prescriber_in_place_org": lambda: UserFactory(
            prescriber=True, organization=referral.target_place.organization
        ),
        "refurbisher": lambda: UserFactory(refurbisher=True, organization=referral.target_place.organization),
    }[who]()
    for action in (services.start_review, services.accept_referral):
        with pytest.raises(PermissionDenied):
            action(referral, acting_user=user)
    with pytest.raises(PermissionDenied):
        services.decline_referral(referral, acting_user=user, reason=Referral.DeclineReason.FULL)
    referral.refresh_from_db()
    assert referral.status == S.SENT and not referral.transitions.exists()


def test_org_admin_of_the_place_acts_for_it():
    referral = ReferralFactory()
    from accounts.models import Role

    services.accept_referral(referral, acting_user=place_user(referral, role=Role.ORG_ADMIN))


def test_mediator_of_another_place_cannot_cancel():
    referral = ReferralFactory()
    with pytest.raises(PermissionDenied):
        services.cancel_referral(referral, acting_user=UserFactory(prescriber=True))


# ---------------------------------------------------------------------------------------------------------
# E-mails only after commit


def test_no_email_before_commit():
    referral = ReferralFactory()
    services.accept_referral(referral, acting_user=place_user(referral))
    assert mail.outbox == []  # the test transaction never commits: nothing was sent


def test_no_email_when_rolled_back(django_capture_on_commit_callbacks):
    from django.db import transaction

    referral = ReferralFactory()
    mediator = place_user(referral)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.accept_referral(referral, acting_user=mediator)
            raise RuntimeError
    assert mail.outbox == []
    referral.refresh_from_db()
    assert referral.status == S.SENT


# ---------------------------------------------------------------------------------------------------------
# Comments


def test_comment_thread(django_capture_on_commit_callbacks):
    referral = ReferralFactory()
    mediator = place_user(referral)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_comment(referral, acting_user=mediator, body="Pouvez-vous confirmer le numéro ?")
        services.add_comment(referral, acting_user=referral.prescriber, body="Oui : c'est le bon.")
    sides = list(referral.comments.values_list("side", flat=True))
    assert sides == [ReferralComment.Side.PLACE, ReferralComment.Side.PRESCRIBER]
    assert mail.outbox[0].to == [referral.prescriber.email]
    assert mediator.email in mail.outbox[1].to
    with pytest.raises(PermissionDenied):
        services.add_comment(referral, acting_user=UserFactory(mediator=True), body="Bonjour")
    with pytest.raises(ValidationError):
        services.add_comment(referral, acting_user=mediator, body="  ")


# ---------------------------------------------------------------------------------------------------------
# Database constraints


def test_constraints():
    from django.db import IntegrityError, transaction

    referral = ReferralFactory()
    for fields in ({"status": S.CLOSED}, {"status": S.DECLINED}, {"status": S.IN_PROGRESS}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Referral.objects.filter(pk=referral.pk).update(**fields)
    network = ReferralFactory(to_network=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=network.pk).update(status=S.ACCEPTED)


def test_the_wrong_side_learns_nothing_of_the_status():
    referral = ReferralFactory(closed=True)
    with pytest.raises(PermissionDenied):
        services.accept_referral(referral, acting_user=UserFactory(mediator=True))


def test_invalid_outcome_is_refused_and_changes_nothing():
    referral = ReferralFactory(in_progress=True)
    mediator = place_user(referral)
    with pytest.raises(ValidationError):
        services.close_referral(referral, acting_user=mediator, sessions_count=2, themes_covered=["inconnu"])
    with pytest.raises(ValidationError):
        services.close_referral(referral, acting_user=mediator, sessions_count=2, autonomy="parfait")
    with pytest.raises(ValidationError, match="séances"):
        services.close_referral(referral, acting_user=mediator, sessions_count=0)
    referral.refresh_from_db()
    assert referral.status == S.IN_PROGRESS and referral.closed_at is None
    assert not referral.transitions.exists()


def test_the_table_is_the_documented_circuit():
    allowed = {(a.value, b.value) for a, b in ReferralWorkflow.TRANSITIONS}
    assert allowed == {
        ("sent", "under_review"),
        ("sent", "accepted"),
        ("under_review", "accepted"),
        ("accepted", "in_progress"),
        ("in_progress", "closed"),
        *{(start, "declined") for start in ("sent", "under_review")},
        *{(start, "expired") for start in ("sent", "under_review")},
        *{(start, "cancelled") for start in ("sent", "under_review", "accepted")},
        *{(start, "transferred") for start in ("sent", "under_review", "accepted")},
    }
    assert all(not ReferralWorkflow.can_go(final, target) for final in Referral.FINAL_STATUSES for target in S)


def test_erasing_the_person_blanks_the_referral_texts_and_their_history():
    from core.history import record as record_history
    from people.services import erase_person
    from referrals.models import ReferralAttachment

    referral = ReferralFactory(free_text="Mme Dupont, dossier retraite en retard")
    mediator = place_user(referral)
    declined = services.decline_referral(
        referral, acting_user=mediator, reason=Referral.DeclineReason.OTHER, details="Mme Dupont déménage"
    )
    ReferralAttachment.objects.create(
        referral=referral, original_name="CNI_Dupont.pdf", content_type="application/pdf", size=3
    )
    record_history(
        referral, "referral_attachment_added", acting_user=mediator, changes={"pièce jointe": "CNI_Dupont.pdf"}
    )

    erase_person(declined.person, acting_user=prescriber_user(referral))

    referral.refresh_from_db()
    assert (referral.free_text, referral.decline_details) == ("", "")
    assert referral.status == S.DECLINED  # the anonymous fact stays
    rows = HistoryEntry.objects.filter(object_id=str(referral.pk), content_type__model="referral")
    assert rows.exists() and all("Dupont" not in f"{row.changes} {row.message}" for row in rows)
    assert list(referral.attachments.values_list("original_name", flat=True)) == ["[effacé]"]
