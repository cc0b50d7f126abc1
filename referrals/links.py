"""Signed, single-use answer links: a place that has no account (or whose staff are not logged in) answers a
referral from the e-mail it received. The URL carries a signature of (link id, nonce) with a maximum age; the
`ReferralLink` row says whether the link was already used. Any doubt — bad signature, too old, used, referral no
longer waiting for this place — and the link does nothing.

Rules: `resolve()` gives the link only while it can still answer; `answer()` locks the row, answers through the
services (actor « Système », the note names the address) and marks the link used in the same transaction."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.history import record
from referrals.models import Referral, ReferralLink

SALT = "referrals.answer-link"
ANSWERABLE_STATUSES = [Referral.Status.SENT, Referral.Status.UNDER_REVIEW]
ACCEPT, DECLINE = "accept", "decline"


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


def _signed_link(token, queryset):
    """The link row named by a genuine, young enough token (whatever its state), else None."""
    try:
        data = signing.loads(token, salt=SALT, max_age=timedelta(days=settings.REFERRAL_LINK_DAYS))
        pk, nonce = int(data["l"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return queryset.filter(pk=pk, nonce=nonce).first()


def is_answerable(link, now=None):
    """Unused, not expired, and the referral still waits for this place's answer (not cancelled, transferred,
    answered or given to another place meanwhile)."""
    referral = link.referral
    return link.is_usable(now) and referral.target_place_id == link.place_id and referral.status in ANSWERABLE_STATUSES


def resolve(token):
    """The `ReferralLink` of `token` if it can still answer its referral, else None."""
    link = _signed_link(token, ReferralLink.objects.select_related("referral", "place"))
    return link if link is not None and is_answerable(link) else None


def was_used(token):
    """True when `token` is genuine and its link has already answered (to say « déjà utilisé »)."""
    link = _signed_link(token, ReferralLink.objects.all())
    return link is not None and link.used_at is not None


def note_link_opened(link):
    """Access log: each display of a valid link is written to the referral's history."""
    record(link.referral, "referral_link_opened", acting_user=None, message=f"Lien ouvert (envoyé à {link.sent_to}).")


@transaction.atomic
def answer(token, action, **answer_fields):
    """Answer with the link of `token`: `action` is ACCEPT (`note`) or DECLINE (`reason`, `details`). Returns the
    updated referral, or None when the link can no longer answer (nothing changed). The service's
    ValidationError propagates (nothing changed either)."""
    from referrals import services  # services → notifications → links: imported here, not at the top

    link = _signed_link(token, ReferralLink.objects.select_for_update(of=("self",)).select_related("referral"))
    if link is None or not is_answerable(link):
        return None
    if action == ACCEPT:
        referral = services.accept_referral(link.referral, acting_user=None, via_link=link, **answer_fields)
    elif action == DECLINE:
        referral = services.decline_referral(link.referral, acting_user=None, via_link=link, **answer_fields)
    else:
        raise ValueError(f"Réponse inconnue : {action!r}")
    link.used_at = timezone.now()
    link.used_for = action
    link.save(update_fields=["used_at", "used_for"])
    return referral
