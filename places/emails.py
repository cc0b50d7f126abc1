"""E-mails of places: plain-text templates, queued once the current transaction commits."""

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.emails import absolute_url, send_after_commit

CONFIRM_SALT = "places.confirm-link"


def make_confirm_token(place, email):
    """The signed, time-limited token of the « toujours exact » link sent to `email` about `place`."""
    return signing.dumps({"place": place.pk, "email": email}, salt=CONFIRM_SALT, compress=True)


def read_confirm_token(token):
    """(place, e-mail) from a valid token younger than PLACE_CONFIRM_LINK_DAYS, for a place not archived; else None."""
    from places.models import Place

    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.PLACE_CONFIRM_LINK_DAYS * 24 * 3600)
    except signing.BadSignature:
        return None
    place = Place.objects.exclude(status=Place.Status.ARCHIVED).filter(pk=data.get("place")).first()
    return (place, data.get("email", "")) if place else None


def send_stale_reminder_email(*, email, places):
    """One e-mail to `email` listing its organisation's `places` not confirmed lately, each with its one-click
    « toujours exact » link and its edit page."""
    items = [
        {
            "place": place,
            "confirm_url": absolute_url(reverse("places:confirm_by_link", args=[make_confirm_token(place, email)])),
            "edit_url": absolute_url(reverse("places:manage_edit", args=[place.pk])),
        }
        for place in places
    ]
    body = render_to_string(
        "places/emails/stale_reminder.txt",
        {
            "items": items,
            "months": settings.PLACE_STALE_MONTHS,
            "link_days": settings.PLACE_CONFIRM_LINK_DAYS,
            "platform_name": settings.PLATFORM_NAME,
            "platform_url": settings.PLATFORM_URL,
            "platform_contact_email": settings.PLATFORM_CONTACT_EMAIL,
        },
    )
    count = len(items)
    subject = (
        f"Votre lieu « {places[0].name} » est-il toujours exact ?"
        if count == 1
        else f"Vos {count} lieux sont-ils toujours exacts ?"
    )
    send_after_commit(subject=subject, body=body, recipient_list=[email])
