"""Factories for the diagnostic. `answers(level)` gives a complete set of answers of a known level;
`DiagnosticResultFactory(person=…)` a diagnostic attached to a person; `DiagnosticTallyFactory()` a tally row."""

import datetime

import factory
from factory.django import DjangoModelFactory

from orientation import diagnostic
from orientation.models import DiagnosticResult, DiagnosticTally, Level
from tests.people.factories import PersonFactory

# A beginner cannot use a mouse; an intermediate needs help now and then; an advanced user does everything alone.
_EXAMPLES = {
    Level.BEGINNER: {code: diagnostic.NO for code in diagnostic.QUESTION_CODES},
    Level.INTERMEDIATE: {
        **{code: diagnostic.ALONE for code in diagnostic.QUESTION_CODES[:4]},
        **{code: diagnostic.WITH_HELP for code in diagnostic.QUESTION_CODES[4:]},
    },
    Level.ADVANCED: {code: diagnostic.ALONE for code in diagnostic.QUESTION_CODES},
}


def answers(level=Level.INTERMEDIATE, **overrides):
    """A complete set of answers of `level`, with some answers changed: `answers(Level.ADVANCED, spot_scam="no")`."""
    return {**_EXAMPLES[Level(level)], **overrides}


class DiagnosticResultFactory(DjangoModelFactory):
    class Meta:
        model = DiagnosticResult

    person = factory.SubFactory(PersonFactory)
    answers = factory.LazyFunction(answers)
    level = factory.LazyAttribute(lambda o: diagnostic.evaluate(o.answers).level)
    autonomy = factory.LazyAttribute(lambda o: diagnostic.evaluate(o.answers).autonomy)


class DiagnosticTallyFactory(DjangoModelFactory):
    class Meta:
        model = DiagnosticTally

    commune = None
    month = datetime.date(2026, 11, 1)
    level = Level.BEGINNER
    count = 1
