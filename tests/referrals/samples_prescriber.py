"""URL samples of the prescriber side (merged by url_samples.py). Each sample is a referral sent by the requesting
user's organisation (a new organisation for the administrator), so the prescriber side gets its pages, the
coordination sees them, and partner viewers and refurbishers get 404."""

from django.utils import timezone

from referrals.models import ReferralAttachment
from tests.people.factories import PersonFactory
from tests.referrals.factories import ReferralFactory


def _organization(user):
    membership = user.memberships.first() if user is not None else None
    return membership.organization if membership else None


def _referral(user):
    organization = _organization(user)
    if organization is None:
        return ReferralFactory()
    return ReferralFactory(prescriber_organization=organization, prescriber=user)


def _referral_kwargs(user):
    return {"pk": _referral(user).pk}


def _person_kwargs(user):
    return {"person_pk": PersonFactory(involved=_organization(user)).pk}


def _purged_attachment_kwargs(user):
    """A purged attachment: no file is written by the walker; every role gets 404 (the download is tested with a
    real file in test_attachments.py)."""
    referral = _referral(user)
    attachment = ReferralAttachment.objects.create(
        referral=referral, original_name="avis.pdf", content_type="application/pdf", size=10, purged_at=timezone.now()
    )
    return {"pk": referral.pk, "attachment_pk": attachment.pk}


SAMPLES = {
    "referrals:create": _person_kwargs,
    "referrals:detail": _referral_kwargs,
    "referrals:cancel": _referral_kwargs,
    "referrals:sheet": _referral_kwargs,
    "referrals:attachment_upload": _referral_kwargs,
    "referrals:attachment": _purged_attachment_kwargs,
}

STATUS_ONLY = {"referrals:attachment": "fichier à télécharger"}

SKIP = {"referrals:comment": "POST seulement"}

_PRESCRIBER_SIDE = {"prescriber": {200}, "mediator": {200}, "org_admin": {200}}
_COORDINATION = {"coordinator": {200}, "administrator": {200}}
_NO_PERSONAL_DATA = {"partner_viewer": {404}, "refurbisher": {404}}

EXPECTED_STATUS = {
    "referrals:mine": {
        **_PRESCRIBER_SIDE,
        "coordinator": {403},
        "administrator": {403},
        "partner_viewer": {403},
        "refurbisher": {403},
    },
    "referrals:create": {**_PRESCRIBER_SIDE, "coordinator": {403}, "administrator": {403}, **_NO_PERSONAL_DATA},
    "referrals:detail": {**_PRESCRIBER_SIDE, **_COORDINATION, **_NO_PERSONAL_DATA},
    "referrals:cancel": {**_PRESCRIBER_SIDE, "coordinator": {403}, "administrator": {403}, **_NO_PERSONAL_DATA},
    "referrals:sheet": {**_PRESCRIBER_SIDE, **_COORDINATION, **_NO_PERSONAL_DATA},
    "referrals:attachment_upload": {**_PRESCRIBER_SIDE, **_COORDINATION, **_NO_PERSONAL_DATA},
    "referrals:attachment": {"*": {404}},
}
