"""Signed, single-use answer links: a place that has no account (or whose staff are not logged in) answers a
referral from the e-mail it received. The URL carries a signature of (link id, nonce) with a maximum age; the
`ReferralLink` row says whether the link was already used. Any doubt — bad signature, too old, used, referral no
longer waiting for this place — and the link does nothing."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from referrals.models import ReferralLink

SALT = "referrals.answer-link"


def issue_link(referral, *, email, now=None):
    """Create a link for `referral`'s target place, to be sent to `email`; returns the token for the URL."""
    now = now or timezone.now()
    link = ReferralLink.objects.create(
        referral=referral,
        place=referral.target_place,
        sent_to=email,
        nonce=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + timedelta(days=settings.REFERRAL_LINK_DAYS),
    )
    return signing.dumps({"l": link.pk, "n": link.nonce}, salt=SALT)


def link_url(token):
    """The absolute URL of the answer page for `token`."""
    return f"{settings.PLATFORM_URL}{reverse('referrals:answer_link', args=[token])}"
