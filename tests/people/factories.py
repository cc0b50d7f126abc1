"""Factories for people. `PersonFactory()` is a person with a phone; `no_direct_contact=True` (no phone nor e-mail)
and the trait `anonymized=True`. `PersonFactory(involved=org)` involves an organisation; `involve(person, org)` too.
`ConsentFactory(person=…)` records a consent. Persons are saved with their duplicate search keys."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from people.duplicates import duplicate_keys
from people.models import Consent, Involvement, Person


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    first_name = factory.Sequence(lambda n: f"Camille{n}")
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    # `PersonFactory(no_direct_contact=True)` works like a trait: no phone, no e-mail (a Trait cannot share a
    # field's name, so the phone follows the flag).
    no_direct_contact = False
    phone = factory.LazyAttributeSequence(lambda o, n: "" if o.no_direct_contact else f"+3360000{n % 10000:04d}")
    last_activity_at = factory.LazyFunction(timezone.now)

    class Params:
        anonymized = factory.Trait(
            first_name="", last_name="", phone="", email="", anonymized_at=factory.LazyFunction(timezone.now)
        )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Saved with its duplicate search keys, as the services do."""
        person = model_class(*args, **kwargs)
        duplicate_keys(person)
        person.save(force_insert=True)
        return person

    @factory.post_generation
    def involved(person, create, organization, **kwargs):
        if create and organization is not None:
            involve(person, organization)


def involve(person, organization, reason=Involvement.Reason.CREATED):
    """Make `organization` involved with `person` (so its prescribers and mediators see them)."""
    return Involvement.objects.get_or_create(person=person, organization=organization, defaults={"reason": reason})[0]


class ConsentFactory(DjangoModelFactory):
    class Meta:
        model = Consent

    person = factory.SubFactory(PersonFactory)
    purpose = Consent.Purpose.ACCOMPANIMENT
    method = Consent.Method.WRITTEN
