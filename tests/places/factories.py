"""Factories for places. `PlaceFactory()` is a draft with the mandatory fields of the standard; traits:
`published`, `draft`, `archived`, `with_point` (coordinates near Agen), `complete` (every field a visitor needs:
services, hours, contact, summary, access modes, fees…, which also means `with_point`), `pass_qualified` (accepts and
is qualified for the Pass Numérique). `ErrorReportFactory(place=…)` is an open report."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from places.models import ErrorReport, Place

STREETS = [
    "12 rue de la République",
    "3 place du Marché",
    "8 avenue Jean Jaurès",
    "25 boulevard de la Liberté",
    "1 rue de l'Hôtel de Ville",
    "14 allée des Tilleuls",
]


class PlaceFactory(DjangoModelFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"Espace numérique {n}")
    address = factory.Iterator(STREETS)
    postal_code = "47000"
    commune_name = "Agen"
    insee_code = "47001"
    status = Place.Status.DRAFT
    organization = None

    class Params:
        draft = factory.Trait(status=Place.Status.DRAFT)
        published = factory.Trait(status=Place.Status.PUBLISHED)
        archived = factory.Trait(status=Place.Status.ARCHIVED)
        with_point = factory.Trait(
            latitude=factory.Sequence(lambda n: 44.2033 + (n % 50) * 0.001),
            longitude=factory.Sequence(lambda n: 0.6163 + (n % 50) * 0.001),
        )
        complete = factory.Trait(
            with_point=True,
            services=["Aide aux démarches administratives", "Maîtrise des outils numériques du quotidien"],
            publics=["Seniors"],
            fees=["Gratuit"],
            access_modes=["Se présenter", "Téléphoner"],
            support_modes=["Accompagnement individuel", "Dans un atelier collectif"],
            opening_hours="Mo-Fr 09:00-12:00,14:00-17:30; Sa 09:00-12:00; PH off",
            phone="+33553000000",
            emails=factory.LazyAttribute(lambda o: ["contact@example.org"]),
            websites=factory.LazyAttribute(lambda o: ["https://www.example.org"]),
            summary="Accompagnement gratuit aux démarches en ligne et aux usages du numérique.",
            description="Un médiateur vous accueille avec ou sans rendez-vous pour vos démarches en ligne.",
            accessibility_url="https://acceslibre.beta.gouv.fr/app/47-agen/a/espace/erp/exemple/",
            typologies=factory.LazyAttribute(lambda o: ["MUNI"]),
            itinerance=["Fixe"],
            confirmed_at=factory.LazyFunction(timezone.now),
        )
        pass_qualified = factory.Trait(accepts_pass_numerique=True, is_pass_qualified=True)


class ErrorReportFactory(DjangoModelFactory):
    class Meta:
        model = ErrorReport

    place = factory.SubFactory(PlaceFactory, published=True)
    what_is_wrong = "Les horaires du samedi ont changé."
    suggestion = "Ouvert le samedi de 9 h à 12 h."
    contact = "usager@example.org"
