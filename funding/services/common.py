"""What every service module shares: amounts in French, the permission check, telling the applicants."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from funding import permissions
from funding.models import (
    CENT,
    Application,
)

S = Application.Status
DOCUMENT_MAX_MB = 5
REPORT_DELAY_DAYS = 60
REMINDER_INTERVAL_DAYS = 14


def euros(amount):
    """« 12 345,67 € » (French grouping, decimal comma)."""
    amount = Decimal(amount).quantize(CENT)
    sign = "−" if amount < 0 else ""
    units, cents = f"{abs(amount):.2f}".split(".")
    grouped = f"{int(units):,}".replace(",", "\u202f")
    return f"{sign}{grouped},{cents} €"


def _require(predicate):
    if not predicate:
        raise PermissionDenied


def _notify_applicants(application, *, subject, body):
    """Tell the applicant structure's members who may apply (and the author of the application)."""
    from accounts.emails import absolute_url
    from accounts.models import User
    from accounts.notify import notify_user

    users = User.objects.filter(
        is_active=True,
        memberships__organization=application.organization,
        memberships__role__in=permissions.APPLICANT_ROLES,
    ).distinct()
    url = absolute_url(reverse("funding:application_detail", args=[application.pk]))
    for user in users:
        notify_user(user, subject=subject, body=f"{body}\n\nVoir la candidature : {url}")
