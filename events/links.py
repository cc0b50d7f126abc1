"""The registrant's link (cancellation, calendar file, confirmation page): a signed value holding the registration's
number and its random `cancel_token`; nothing else is needed to find it, and a forged or altered link finds
nothing (404)."""

from django.core import signing
from django.utils.crypto import constant_time_compare

from events.models import Registration

SALT = "events.registration"


def token_for(registration):
    return signing.dumps({"r": registration.pk, "k": registration.cancel_token}, salt=SALT, compress=True)


def registration_from(token):
    """The registration the token designates, or None."""
    try:
        value = signing.loads(token, salt=SALT)
        registration = (
            Registration.objects.select_related("session__event", "session__place", "relay_site__place", "person")
            .filter(pk=int(value["r"]))
            .first()
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if registration is None or not constant_time_compare(registration.cancel_token, str(value.get("k", ""))):
        return None
    return registration
