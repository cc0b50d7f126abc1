"""The figures of the registry's providers, on known data; aggregates only."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from dashboards import registry
from dashboards.masking import MASKED, mask_section
from dashboards.providers import (
    diagnostics_figures,
    period_bounds,
    places_figures,
    referrals_figures,
    vouchers_figures,
)
from dashboards.registry import Figure, Scope, Section
from orientation.models import Level
from referrals.models import Referral
from tests.accounts.factories import OrganizationFactory
from tests.dashboards.factories import redeem_first_pass, this_year_scope
from tests.orientation.factories import DiagnosticTallyFactory
from tests.people.factories import PersonFactory
from tests.places.factories import PlaceFactory
from tests.referrals.factories import ReferralFactory
from tests.vouchers.factories import BookFactory

pytestmark = pytest.mark.django_db


def figures(section):
    return {figure.key: figure.value for figure in section.figures}


def table(section, key):
    return next(t for t in section.tables if t.key == key)


def test_the_four_modules_are_registered_in_order():
    keys = [provider.key for provider in registry.providers()]
    assert keys[:5] == ["places", "people", "referrals", "diagnostics", "vouchers"]


def test_a_registered_provider_appears_in_collect_and_can_be_replaced():
    calls = []

    def provider(scope):
        calls.append(scope)
        return Section(key="events", title="Formations", figures=[Figure("n", "Inscriptions", 12)])

    registered = registry._providers.get("events")
    try:
        registry.register("events", "Formations", provider, order=50)
        scope = this_year_scope()
        sections = registry.collect(scope, modules=["events"])
        assert [s.key for s in sections] == ["events"]
        assert calls == [scope]
        registry.register("events", "Formations", lambda scope: None, order=50)
        assert registry.collect(scope, modules=["events"]) == []
    finally:
        registry._providers.pop("events", None)
        if registered is not None:
            registry._providers["events"] = registered


def test_places_figures_count_published_places_of_the_scope(territory):
    organization = OrganizationFactory()
    PlaceFactory(published=True, commune_id="47001", is_network_member=True, organization=organization)
    PlaceFactory(published=True, commune_id="47001", is_pass_qualified=True, accepts_pass_numerique=True)
    PlaceFactory(published=True, commune_id="47323")
    PlaceFactory(draft=True, commune_id="47001")
    scope = this_year_scope()
    assert figures(places_figures(scope)) == {"published": 3, "network": 1, "pass_qualified": 1, "new": 3}
    assert figures(places_figures(this_year_scope(communes=("47001",))))["published"] == 2
    assert figures(places_figures(this_year_scope(organization=organization)))["published"] == 1
    rows = table(places_figures(scope), "by_epci").rows
    assert sum(row[1] for row in rows) == 3


def test_referral_figures_count_the_period_and_the_people(territory):
    person = PersonFactory(commune_id="47001")
    ReferralFactory(person=person)
    ReferralFactory(person=person, closed=True, autonomy=Referral.Autonomy.AUTONOMOUS)
    ReferralFactory(declined=True)
    ReferralFactory(sent_at=timezone.now() - timedelta(days=800))  # outside the period
    section = referrals_figures(this_year_scope())
    values = figures(section)
    assert values["sent"] == 3
    assert values["people"] == 2
    assert values["closed"] == 1
    assert values["declined"] == 1
    assert values["accepted"] == 1
    assert values["acceptance"] == 50  # 1 accepted of the 2 answered
    autonomy = dict(next(s for s in section.series if s.key == "autonomy").points)
    assert autonomy["Autonome"] == 1
    assert figures(referrals_figures(this_year_scope(communes=("47001",))))["sent"] == 2


def test_referral_figures_of_an_organisation_are_its_own(territory):
    mine = ReferralFactory()
    ReferralFactory.create_batch(2)
    scope = this_year_scope(organization=mine.prescriber_organization)
    assert figures(referrals_figures(scope))["sent"] == 1
    place_side = this_year_scope(organization=mine.target_place.organization)
    assert figures(referrals_figures(place_side))["sent"] == 1


def test_diagnostic_figures_from_the_anonymous_tallies(territory):
    today = timezone.localdate()
    month = today.replace(day=1)
    DiagnosticTallyFactory(commune_id="47001", month=month, level=Level.BEGINNER, count=7)
    DiagnosticTallyFactory(commune_id="47323", month=month, level=Level.ADVANCED, count=2)
    DiagnosticTallyFactory(commune_id="47001", month=date(today.year - 2, 1, 1), level=Level.BEGINNER, count=50)
    values = figures(diagnostics_figures(this_year_scope()))
    assert values["total"] == 9
    assert values[Level.BEGINNER] == 7
    assert values[Level.ADVANCED] == 2
    assert figures(diagnostics_figures(this_year_scope(communes=("47323",))))["total"] == 2
    # anonymous: nothing to say about one organisation
    assert diagnostics_figures(this_year_scope(organization=OrganizationFactory())) is None


def test_voucher_figures_books_passes_and_amounts(territory):
    holder = OrganizationFactory()
    started = BookFactory(handed_out=True, organization=holder)
    BookFactory(handed_out=True, organization=holder)
    BookFactory(received=True, organization=holder)  # not handed out
    redeem_first_pass(started)
    section = vouchers_figures(this_year_scope())
    values = figures(section)
    assert values["handed_out"] == 2
    assert values["started"] == 1
    assert values["started_share"] == 50
    assert values["passes_used"] == 1
    assert values["amount"] == 10.0
    assert values["people"] == 1
    assert table(section, "by_organization").rows[0][:3] == [holder.name, 2, 1]
    other = figures(vouchers_figures(this_year_scope(organization=OrganizationFactory())))
    assert other["handed_out"] == 0 and other["passes_used"] == 0
    assert figures(vouchers_figures(this_year_scope(organization=holder)))["handed_out"] == 2


def test_masked_voucher_figures_do_not_give_a_small_count_back(territory):
    """One pass used: its amount (passes × face value) and the median delay (of one book) are masked with it."""
    redeem_first_pass(BookFactory(handed_out=True))
    section = mask_section(vouchers_figures(this_year_scope()))
    values = figures(section)
    assert values["passes_used"] is MASKED
    assert (values["amount"], values["median_days"]) == (MASKED, MASKED)
    [row] = table(section, "by_place").rows
    assert row[1:] == [MASKED, MASKED]


def test_sections_hold_no_personal_data(territory):
    person = PersonFactory(first_name="Ginette", last_name="Personnelle", commune_id="47001")
    ReferralFactory(person=person)
    BookFactory(handed_out=True, person=person)
    text = repr(registry.collect(this_year_scope()))
    assert "Ginette" not in text and "Personnelle" not in text


def test_scope_cache_key_differs_by_organisation_and_territory():
    organization = OrganizationFactory()
    a = Scope(start=date(2026, 1, 1), end=date(2026, 6, 30))
    assert a.cache_key != Scope(start=a.start, end=a.end, organization=organization).cache_key
    assert a.cache_key != Scope(start=a.start, end=a.end, communes=("47001",)).cache_key


def test_people_figures_new_people_by_commune_and_age(territory):
    from dashboards.providers import people_figures

    organization = OrganizationFactory()
    year = timezone.localdate().year
    PersonFactory(commune_id="47001", birth_year=year - 30, involved=organization)
    PersonFactory(commune_id="47001", birth_year=year - 80)
    PersonFactory(commune_id="47323", birth_year=None)
    PersonFactory(created_at=timezone.now() - timedelta(days=800))
    section = people_figures(this_year_scope())
    assert figures(section) == {"new": 3, "total": 4}
    ages = dict(section.series[0].points)
    assert ages["De 25 à 59 ans"] == 1 and ages["75 ans et plus"] == 1 and ages["Âge non renseigné"] == 1
    assert table(section, "by_commune").rows[0] == ["Agen", 2]
    assert figures(people_figures(this_year_scope(organization=organization))) == {"new": 1, "total": 1}


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(9999, 12, 1), date.max), (date.min, date(1, 1, 31))],
)
def test_a_period_at_the_ends_of_the_calendar_does_not_crash(territory, start, end):
    first, after = period_bounds(Scope(start=start, end=end))
    assert first < after
    sections = registry.collect(Scope(start=start, end=end))
    assert {section.key for section in sections} >= {"places", "referrals", "vouchers"}
