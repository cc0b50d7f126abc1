"""The audit trail's single entry point: services call `record()` inside their transaction."""

from django.contrib.contenttypes.models import ContentType

from core.models import HistoryEntry

_action_labels: dict[str, str] = {}


def register_actions(labels):
    """Give the history's action codes their French wording ({"organization_created": "Création de l'organisation"}).
    Each app registers its own from its AppConfig.ready()."""
    _action_labels.update(labels)


def action_label(code):
    return _action_labels.get(code, code.replace("_", " "))


def snapshot(obj, fields):
    """The values of `fields` on `obj`, as JSON-friendly strings, to compare before and after a change."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before, after):
    """{field: [old, new]} for the fields whose value changed."""
    return {name: [before.get(name), after.get(name)] for name in after if before.get(name) != after.get(name)}


def record(obj, action, *, acting_user, changes=None, message=""):
    """Write one history row for `action` on `obj` by `acting_user` (None for the system)."""
    actor = acting_user if acting_user is not None and acting_user.is_authenticated else None
    return HistoryEntry.objects.create(
        actor=actor,
        actor_label=(str(actor) if actor else "Système")[:255],
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_label=str(obj)[:255],
        changes=changes or {},
        message=message,
    )


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    if hasattr(value, "pk"):
        return str(value.pk)
    return str(value)
