"""E-mails of the Pass Numérique: plain text, queued when the transaction commits
(`accounts.emails.send_after_commit`)."""

from django.conf import settings
from django.template.loader import render_to_string

from accounts.emails import send_after_commit
from accounts.models import Membership, Organization, Role

SPONSOR_ROLES = [Role.ORG_ADMIN, Role.PARTNER_VIEWER]
PRESCRIBER_ROLES = [Role.PRESCRIBER, Role.ORG_ADMIN]


def _addresses(organization_ids, roles):
    organization_ids = list(organization_ids)
    addresses = set(
        Organization.objects.filter(pk__in=organization_ids).exclude(email="").values_list("email", flat=True)
    )
    addresses |= set(
        Membership.objects.filter(organization_id__in=organization_ids, role__in=roles, user__is_active=True)
        .values_list("user__email", flat=True)
        .distinct()
    )
    return addresses


def sponsor_addresses(order):
    """The sponsor's contact address, its administrators and partner viewers."""
    return _addresses([order.sponsor_id], SPONSOR_ROLES)


def prescriber_addresses(organization_ids):
    """The contact address, prescribers and administrators of the organisations holding books."""
    return _addresses(organization_ids, PRESCRIBER_ROLES)


def send_order_email(template, *, subject, order, recipients, context):
    body = render_to_string(
        f"vouchers/emails/{template}",
        {
            "order": order,
            "platform_name": settings.PLATFORM_NAME,
            "platform_url": settings.PLATFORM_URL,
            **context,
        },
    )
    send_after_commit(subject=subject, body=body, recipient_list=sorted(recipients))
