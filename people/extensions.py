"""What other modules add to the person record, registered from their AppConfig.ready() (people never imports them):
- an exporter `(person) -> JSON-ready value`, its part of the access-right export, under its own key;
- a merge handler `(duplicate, into, *, acting_user) -> dict` that moves its rows from a duplicate record to the kept
  one (called inside the merge's transaction) and returns counts for the history row;
- an eraser `(person) -> None` that blanks the free texts and files it holds about the person, when the person is
  erased or anonymised (called inside that transaction); what it keeps must be anonymous."""

_exporters = {}
_merge_handlers = []
_erasers = []


def register_exporter(key, exporter):
    _exporters[key] = exporter


def register_merge_handler(handler):
    if handler not in _merge_handlers:
        _merge_handlers.append(handler)


def exports_for(person):
    return {key: exporter(person) for key, exporter in sorted(_exporters.items())}


def merge_into(duplicate, into, *, acting_user):
    counts = {}
    for handler in _merge_handlers:
        counts.update(handler(duplicate, into, acting_user=acting_user))
    return counts


def register_eraser(eraser):
    if eraser not in _erasers:
        _erasers.append(eraser)


def erase(person):
    for eraser in _erasers:
        eraser(person)
