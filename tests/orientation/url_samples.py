"""What the URL walker (tests/site_map.py) needs to request the public path pages. Each side declares its pages in its
own module; this one merges them."""

from tests.orientation import samples_callback, samples_diagnostic, samples_guide

_PARTS = (samples_guide, samples_diagnostic, samples_callback)


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
