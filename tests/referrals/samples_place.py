"""URL samples of the place side (merged by url_samples.py). Each sample referral targets a published place of the
requesting user's organisation, in the status its page acts on: mediators and organisation admins answer (200),
prescribers and the coordination see it but are not the place side (403; the coordination may transfer), partner
viewers and refurbishers do not see it (404)."""

from referrals.links import issue_link
from tests.places.factories import PlaceFactory
from tests.referrals.factories import ReferralFactory


def _organization(user):
    membership = user.memberships.first() if user is not None else None
    return membership.organization if membership else None


def _own_place(user):
    return PlaceFactory(published=True, complete=True, organization=_organization(user))


def _referral(**traits):
    def sample(user):
        organization = _organization(user)
        if organization is None:
            return {"pk": ReferralFactory(**traits).pk}
        return {"pk": ReferralFactory(target_place=_own_place(user), **traits).pk}

    return sample


def _inbox(user):
    """A place of the user's organisation with an urgent referral waiting, so that the table is drawn."""
    place = _own_place(user)
    ReferralFactory(target_place=place, urgency="urgent", availability=["tu_morning"])
    return {"place_pk": place.pk}


def _answer_token(user):
    return {"token": issue_link(ReferralFactory(), email="accueil@example.org")}


SAMPLES = {
    "referrals:inbox": _inbox,
    "referrals:review": _referral(sent=True),
    "referrals:accept": _referral(sent=True),
    "referrals:decline": _referral(under_review=True),
    "referrals:appointment": _referral(accepted=True),
    "referrals:close": _referral(in_progress=True),
    "referrals:transfer": _referral(sent=True),
    "referrals:answer_link": _answer_token,
}

PUBLIC = {
    "referrals:answer_link": "lien de réponse signé, à usage unique et limité dans le temps, envoyé par e-mail à "
    "l'adresse publique d'un lieu : il ne montre aucune donnée personnelle avant l'acceptation",
}

STATUS_ONLY = {"referrals:review": "POST seulement (« Je prends connaissance ») : un GET reçoit 405"}

PLACE_SIDE = {"mediator": {200}, "org_admin": {200}}
ACTION = {
    **PLACE_SIDE,
    "prescriber": {403},
    "coordinator": {403},
    "administrator": {403},
    "partner_viewer": {404},
    "refurbisher": {404},
}

EXPECTED_STATUS = {
    "referrals:place_inboxes": {**PLACE_SIDE, "*": {403}},
    "referrals:inbox": {**PLACE_SIDE, "*": {404}},
    "referrals:review": {"*": {405}},
    "referrals:accept": ACTION,
    "referrals:decline": ACTION,
    "referrals:appointment": ACTION,
    "referrals:close": ACTION,
    "referrals:transfer": {**ACTION, "coordinator": {200}, "administrator": {200}},
    "referrals:answer_link": {"anonymous": {200}, "*": {200}},
}
