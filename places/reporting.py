"""« Signaler une erreur »: anyone may tell that a place's record is wrong. The report reaches the place's
organisation (its mediators and administrators) and the coordinators by e-mail, once the transaction commits."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.emails import absolute_url, send_after_commit
from accounts.models import Role, User
from core.history import record
from places.models import ErrorReport

# Abuse guard without storing anything about the sender: at most this many reports per place and per hour, from
# everyone together. A flood on one place stops there; the other places stay reachable.
MAX_REPORTS_PER_PLACE_PER_HOUR = 10
TOO_MANY_REPORTS = (
    "Ce lieu a reçu beaucoup de signalements dans la dernière heure. "
    "Merci de réessayer plus tard ou d'écrire à %(email)s."
)


def report_recipients(place):
    """E-mail addresses of the active mediators and administrators of the place's organisation, and of the
    coordinators."""
    active = User.objects.filter(is_active=True)
    coordinators = active.filter(memberships__role=Role.COORDINATOR)
    recipients = set(coordinators.values_list("email", flat=True))
    if place.organization_id:
        members = active.filter(
            memberships__organization_id=place.organization_id,
            memberships__role__in=[Role.MEDIATOR, Role.ORG_ADMIN],
        )
        recipients |= set(members.values_list("email", flat=True))
    return sorted(recipients)


@transaction.atomic
def report_error(*, place, what_is_wrong, suggestion="", contact="", acting_user=None):
    """Create an open ErrorReport on `place`, keep a trace in the history (the system acts for an anonymous
    visitor) and e-mail the place's organisation and the coordinators after commit.

    Raises ValidationError when the place already received MAX_REPORTS_PER_PLACE_PER_HOUR reports in the last hour."""
    since = timezone.now() - timedelta(hours=1)
    if ErrorReport.objects.filter(place=place, created_at__gte=since).count() >= MAX_REPORTS_PER_PLACE_PER_HOUR:
        raise ValidationError(
            TOO_MANY_REPORTS, code="too_many_reports", params={"email": settings.PLATFORM_CONTACT_EMAIL}
        )
    report = ErrorReport.objects.create(
        place=place, what_is_wrong=what_is_wrong.strip(), suggestion=suggestion.strip(), contact=contact.strip()
    )
    record(report, "place_error_reported", acting_user=acting_user, changes={"place": str(place.pk)})
    body = render_to_string(
        "places/public/error_report_email.txt",
        {
            "report": report,
            "place": place,
            "place_url": absolute_url(reverse("places:detail", args=[place.pk])),
            "platform_name": settings.PLATFORM_NAME,
        },
    )
    send_after_commit(
        subject=f"Erreur signalée sur la fiche « {place.name} »",
        body=body,
        recipient_list=report_recipients(place),
    )
    return report
