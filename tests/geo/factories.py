"""Factories for geo. Made-up communes take INSEE codes "<département>9xx" so they do not collide with the real
communes `geo.testing.load_test_territory()` loads. `CommuneFactory(without_point=True)` has no coordinates."""

import factory
from django.conf import settings
from factory.django import DjangoModelFactory

from geo.models import Commune, Departement, Epci, PostalCode
from geo.text import normalize_name


class DepartementFactory(DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ["code"]

    code = factory.LazyFunction(lambda: settings.PLATFORM_DEPARTEMENT)
    name = factory.LazyAttribute(lambda o: f"Département {o.code}")
    region_code = "75"


class EpciFactory(DjangoModelFactory):
    class Meta:
        model = Epci
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{999000000 + n}")
    name = factory.Sequence(lambda n: f"Communauté de communes {n}")
    kind = "CC"


class CommuneFactory(DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["insee_code"]
        skip_postgeneration_save = True

    departement = factory.SubFactory(DepartementFactory)
    insee_code = factory.LazyAttributeSequence(lambda o, n: f"{o.departement.code[:2]}{900 + n % 100}")
    name = factory.Sequence(lambda n: f"Commune-Test-{n}")
    search_name = factory.LazyAttribute(lambda o: normalize_name(o.name))
    epci = None
    population = 1000
    latitude = 44.2
    longitude = 0.6
    postal_codes = factory.LazyAttribute(lambda o: [f"{o.departement.code[:2]}9{o.insee_code[-2:]}"])

    class Params:
        without_point = factory.Trait(latitude=None, longitude=None)

    @factory.post_generation
    def postal_code_rows(self, create, extracted, **kwargs):
        if create:
            for code in self.postal_codes:
                PostalCode.objects.get_or_create(code=code, commune=self)
