"""The attendance's part of the person record (people.extensions): the satisfaction-survey answers of the person's
registrations in the access-right export, and their free comment blanked when the person is erased (the note and
the yes/no answers stay, anonymous, in the session's results)."""

from events.models import SurveyAnswer


def export_survey_answers(person):
    return [
        {
            "evenement": answer.registration.session.event.title,
            "note": answer.rating,
            "utile": answer.get_useful_display(),
            "recommanderait": answer.would_recommend,
            "commentaire": answer.comment,
            "repondu_le": answer.answered_at.isoformat(),
        }
        for answer in SurveyAnswer.objects.filter(registration__person=person).select_related(
            "registration__session__event"
        )
    ]


def erase_survey_comments(person):
    SurveyAnswer.objects.filter(registration__person=person).exclude(comment="").update(comment="")
