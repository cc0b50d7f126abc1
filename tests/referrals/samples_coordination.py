"""URL samples of the coordination side (merged by url_samples.py)."""

from tests.referrals.factories import ReferralFactory

COORDINATION_ONLY = {"coordinator": {200}, "administrator": {200}, "*": {403}}

SAMPLES = {
    "referrals:dispatch": lambda user: {"pk": ReferralFactory(to_network=True).pk},
}

EXPECTED_STATUS = {
    "referrals:coordination": COORDINATION_ONLY,
    "referrals:response_times": COORDINATION_ONLY,
    "referrals:dispatch": COORDINATION_ONLY,
}
