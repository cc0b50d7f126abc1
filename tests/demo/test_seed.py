from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from accounts.models import Membership, Organization, Role, User
from core.models import HistoryEntry
from demo.seed import DEMO_PASSWORD, current_demo_code, fake_siret, seed_demo
from geo.testing import load_test_territory


@pytest.fixture
def territory():
    load_test_territory(insee_codes=[])


def test_seed_builds_a_network_over_the_served_departement(territory):
    summary = seed_demo()

    assert summary["partners"] == 17
    assert summary["network"] == 250
    assert Organization.objects.partners().count() == 17
    assert Organization.objects.exclude(commune__departement_id="47").count() == 0
    # Spread over many real communes, denser where people live.
    communes = Organization.objects.network_members().values("commune").distinct().count()
    assert communes > 60
    assert Organization.objects.filter(commune__insee_code="47001").count() > 3  # Agen, the prefecture
    # Every organisation's creation is in the history.
    assert HistoryEntry.objects.filter(action="organization_created").count() == Organization.objects.count()


def test_seed_gives_one_account_per_role_with_the_demo_password(territory):
    summary = seed_demo()

    for role in Role:
        assert Membership.objects.filter(role=role).exists(), role
    coordinator = User.objects.get(email="coordination@demo.test")
    assert coordinator.check_password(DEMO_PASSWORD)
    assert coordinator.requires_second_factor
    assert User.objects.get(email="admin@demo.test").is_staff
    assert {a.email for a in summary["accounts"]} >= {"prescripteur@demo.test", "mediation@demo.test"}


def test_sirets_of_the_demo_pass_the_checksum(territory):
    import random

    from accounts.validators import validate_siret

    rng = random.Random(1)
    for _ in range(50):
        validate_siret(fake_siret(rng))


def test_seed_command_is_idempotent_with_if_empty(territory, capsys):
    call_command("seed_demo")
    count = Organization.objects.count()
    call_command("seed_demo", "--if-empty")
    assert Organization.objects.count() == count
    output = capsys.readouterr().out
    assert "coordination@demo.test" in output
    assert DEMO_PASSWORD in output
    with pytest.raises(CommandError):
        call_command("seed_demo")


def test_seed_refuses_production_settings(territory):
    with override_settings(DEMO_MODE=False), pytest.raises(CommandError, match="production"):
        call_command("seed_demo")
    assert not Organization.objects.exists()


def test_seed_needs_the_territory():
    with pytest.raises(CommandError, match="load_territory"):
        call_command("seed_demo")


@override_settings(PLATFORM_DEPARTEMENT="24")
def test_seed_is_not_tied_to_lot_et_garonne():
    load_test_territory(departements=["24"], insee_codes=[])
    seed_demo()
    assert Organization.objects.exclude(commune__departement_id="24").count() == 0
    assert Organization.objects.filter(name__icontains="Dordogne").exists()
    assert not Organization.objects.filter(name__icontains="Lot-et-Garonne").exists()


def test_demo_totp_code_is_six_digits():
    code = current_demo_code()
    assert len(code) == 6 and code.isdigit()


def test_demo_totp_code_opens_the_demo_device(territory):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    seed_demo()
    device = TOTPDevice.objects.get(user__email="coordination@demo.test")
    assert device.verify_token(current_demo_code())


def test_seed_publishes_complete_places_of_the_standard(territory):
    from datetime import timedelta

    from django.utils import timezone

    from places.models import Place

    summary = seed_demo()

    places = list(Place.objects.select_related("organization", "commune"))
    assert summary["places"] == len(places) > 80
    assert all(place.status == Place.Status.PUBLISHED for place in places)
    for place in places[:40]:
        place.full_clean()
    assert {place.typologies[0] for place in places} >= {"MSAP", "BIB", "CS", "EPN"}
    assert all(place.organization.typology == place.typologies[0] for place in places)
    assert all(place.commune.departement_id == "47" for place in places)
    assert all(place.completeness >= 85 for place in places)
    # Every France Services place belongs to the programme.
    assert all("France Services" in p.national_programmes for p in places if p.typologies == ["MSAP"])
    # Some take the Pass Numérique, some are qualified, some can relay webinars.
    assert any(p.is_pass_qualified for p in places)
    assert any(p.accepts_pass_numerique and not p.is_pass_qualified for p in places)
    assert any(p.can_relay_webinars for p in places)
    # Confirmations spread over ten months: some places are stale.
    assert Place.objects.stale().exists()
    assert Place.objects.filter(confirmed_at__gte=timezone.now() - timedelta(days=60)).exists()
    assert not Place.objects.filter(confirmed_at__lt=timezone.now() - timedelta(days=310)).exists()
    # Demo accounts have places to manage.
    mediator = User.objects.get(email="mediation@demo.test")
    assert Place.objects.editable_by(mediator).stale().exists()  # something to confirm in the demo
    assert HistoryEntry.objects.filter(action="place_created").count() == len(places)


def test_seed_sends_demo_referrals_in_every_status(territory):
    from places.models import Place
    from referrals.models import Referral, ReferralTransition

    summary = seed_demo()

    prescriber = User.objects.get(email="prescripteur@demo.test")
    mediator = User.objects.get(email="mediation@demo.test")
    sent = Referral.objects.filter(prescriber_organization__memberships__user=prescriber)
    assert summary["referrals"] == sent.count() >= 12
    assert set(sent.values_list("status", flat=True)) == set(Referral.Status.values)
    assert sent.filter(target_place__isnull=True, status=Referral.Status.SENT).count() == 1  # à attribuer
    # The mediator's places hold referrals to handle, and each referral went through the services.
    home_places = Place.objects.filter(organization__memberships__user=mediator)
    assert Referral.objects.inbox(home_places.first()).count() >= 4
    assert Referral.objects.visible_to(mediator).filter(status=Referral.Status.SENT).exists()
    for referral in sent:
        assert ReferralTransition.objects.filter(referral=referral).exists()
        assert HistoryEntry.objects.filter(action="referral_sent", object_id=str(referral.pk)).exists()
        assert referral.sent_at < timezone.now() - timedelta(hours=12)  # spread over the past weeks
    actors = set(ReferralTransition.objects.values_list("actor__email", flat=True))
    assert {"prescripteur@demo.test", "mediation@demo.test", "coordination@demo.test", None} <= actors
    closed = sent.filter(status=Referral.Status.CLOSED).first()
    assert closed.sent_at < closed.answered_at < closed.appointment_at < closed.closed_at
    # Persons are fictional and shown by their first names.
    assert set(sent.values_list("person__first_name", flat=True)) >= {"Josiane", "Mehdi"}


def test_demo_referrals_are_not_sent_twice(territory):
    from demo.referrals import create_referrals
    from referrals.models import Referral

    seed_demo()
    count = Referral.objects.count()
    create_referrals()
    assert Referral.objects.count() == count
