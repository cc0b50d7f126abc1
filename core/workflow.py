"""One table of allowed status changes per workflow. A subclass gives its TRANSITIONS — (from, to) → the history
action to record — its STATUS choices (for the labels of the refusal) and the SUBJECT of the refusal, e.g.

    class PlaceWorkflow(Workflow):
        STATUS = Place.Status
        SUBJECT = "Un lieu"
        TRANSITIONS = {(Place.Status.DRAFT, Place.Status.PUBLISHED): "place_published", …}

Anything not in the table is refused with « Un lieu « Brouillon » ne peut pas passer à « Archivé ». »."""

from django.core.exceptions import ValidationError


class Workflow:
    TRANSITIONS = {}
    STATUS = None
    SUBJECT = "Cet élément"
    LOWERCASE_LABELS = False

    @classmethod
    def can_go(cls, current, target):
        return (current, target) in cls.TRANSITIONS

    @classmethod
    def targets(cls, current):
        """Where `current` may go, in the table's order."""
        return [target for (source, target) in cls.TRANSITIONS if source == current]

    @classmethod
    def action(cls, current, target):
        """The history action of (current → target), or a French ValidationError (code « transition »)."""
        try:
            return cls.TRANSITIONS[(current, target)]
        except KeyError:
            raise ValidationError(
                "%(subject)s « %(current)s » ne peut pas passer à « %(target)s ».",
                code="transition",
                params={"subject": cls.SUBJECT, "current": cls._label(current), "target": cls._label(target)},
            ) from None

    @classmethod
    def _label(cls, value):
        label = str(cls.STATUS(value).label)
        return label.lower() if cls.LOWERCASE_LABELS else label
