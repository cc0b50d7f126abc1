"""What the URL walker (tests/site_map.py) needs to request the referral pages. Each side declares its pages in its
own module; this one merges them."""

from tests.referrals import samples_coordination, samples_place, samples_prescriber

_PARTS = (samples_prescriber, samples_place, samples_coordination)


def _merged(name):
    merged = {}
    for part in _PARTS:
        merged.update(getattr(part, name, {}))
    return merged


SAMPLES = _merged("SAMPLES")
PUBLIC = _merged("PUBLIC")
STATUS_ONLY = _merged("STATUS_ONLY")
SKIP = _merged("SKIP")
EXPECTED_STATUS = _merged("EXPECTED_STATUS")
