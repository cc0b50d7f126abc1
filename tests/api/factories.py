"""Factories for the API. `ApiTokenFactory()` is an active token with every scope (its clear secret is on
`token.secret`, as the creation page shows it once), valid for a year; traits: `revoked`, `expired`, `places_only`."""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from api.models import ApiToken, Scope, new_secret
from tests.accounts.factories import OrganizationFactory


class ApiTokenFactory(DjangoModelFactory):
    class Meta:
        model = ApiToken

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Système partenaire {n}")
    scopes = factory.LazyFunction(lambda: list(Scope.values))

    class Params:
        revoked = factory.Trait(
            created_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=30)),
            revoked_at=factory.LazyFunction(timezone.now),
        )
        expired = factory.Trait(
            created_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=400)),
            expires_on=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1)),
        )
        places_only = factory.Trait(scopes=factory.LazyFunction(lambda: [Scope.PLACES_READ.value]))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        secret, prefix, secret_hash = new_secret()
        token = super()._create(model_class, *args, prefix=prefix, secret_hash=secret_hash, **kwargs)
        token.secret = secret
        return token


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token.secret}"}
