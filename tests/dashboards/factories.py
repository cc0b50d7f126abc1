"""Helpers for the pilotage tests: a scope, a share link (`ShareLinkFactory(expired=True)`), an IFN score, a redeemed
pass."""

from datetime import date, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from dashboards.models import IFNScore, ShareLink
from dashboards.registry import Scope
from tests.vouchers.factories import first_pass, place_user, qualified_place
from vouchers.services import redeem_pass


def this_year_scope(**kwargs):
    today = timezone.localdate()
    return Scope(start=date(today.year, 1, 1), end=today, **kwargs)


class ShareLinkFactory(DjangoModelFactory):
    class Meta:
        model = ShareLink

    label = factory.Sequence(lambda n: f"Comité de pilotage {n}")
    organization = None
    filters = factory.LazyFunction(
        lambda: {
            "start": date(timezone.localdate().year, 1, 1).isoformat(),
            "end": timezone.localdate().isoformat(),
            "communes": None,
            "territory": "Tout le département",
            "module": "",
            "masked": True,
        }
    )

    class Params:
        expired = factory.Trait(expires_on=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1)))


class IFNScoreFactory(DjangoModelFactory):
    class Meta:
        model = IFNScore

    level = IFNScore.Level.COMMUNE
    commune = None
    code = factory.LazyAttribute(lambda o: o.commune.pk)
    version = "2023"
    score = 5


def redeem_first_pass(book, place=None):
    """Redeem the first pass of a handed-out book at a qualified place (through the service)."""
    place = place or qualified_place()
    from vouchers.serials import format_serial

    return redeem_pass(
        format_serial(first_pass(book).serial),
        acting_user=place_user(place),
        place=place,
        service="Aide aux démarches administratives",
    )
