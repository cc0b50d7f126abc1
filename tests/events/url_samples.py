"""What the URL walker needs for the events pages."""

from events import links
from tests.events.factories import EventFactory, RegistrationFactory, SessionFactory
from tests.people.factories import PersonFactory


def _event(user):
    return {"pk": SessionFactory().event.pk}


def _session(user):
    return {"session_pk": SessionFactory().pk}


def _managed_session(user):
    return {"pk": SessionFactory().pk}


def _token(user):
    return {"token": links.token_for(RegistrationFactory())}


def _person(user):
    membership = user.memberships.first() if user is not None else None
    person = PersonFactory(involved=membership.organization) if membership else PersonFactory()
    return {"person_pk": person.pk}


def _registration(user):
    return {"pk": RegistrationFactory().pk}


SAMPLES = {
    "events:detail": _event,
    "events:register": _session,
    "events:session_ics": _session,
    "events:registration": _token,
    "events:cancel": _token,
    "events:registration_ics": _token,
    "events:register_person": _person,
    "events:manage_event": lambda user: {"pk": EventFactory().pk},
    "events:event_edit": lambda user: {"pk": EventFactory().pk},
    "events:session_create": lambda user: {"pk": EventFactory().pk},
    "events:manage_session": _managed_session,
    "events:session_capacity": _managed_session,
    "events:session_edit": _managed_session,
    "events:relay_site_add": _managed_session,
}

PUBLIC = {
    "events:calendar": "calendrier public des événements",
    "events:feed": "flux iCalendar public",
    "events:detail": "page publique d'un événement",
    "events:register": "inscription sans compte",
    "events:session_ics": "fichier iCalendar d'une séance",
    "events:registration": "page de l'inscrit (lien signé)",
    "events:cancel": "annulation par le lien reçu",
    "events:registration_ics": "fichier iCalendar de l'inscription",
}

STATUS_ONLY = {
    "events:feed": "ICS",
    "events:session_ics": "ICS",
    "events:registration_ics": "ICS",
}

SKIP = {
    "events:event_publish": "POST seulement",
    "events:event_cancel": "POST seulement",
    "events:session_cancel": "POST seulement",
    "events:registration_cancel": "POST seulement",
}


# Attendance, documents, survey, figures (events/views_attendance.py) ------------------------------------------


def _organised_session(user):
    """A training session of the user's organisation, started an hour ago, with one person present."""
    from datetime import timedelta

    from django.utils import timezone

    membership = user.memberships.first() if user is not None else None
    extra = {"event__organizer": membership.organization} if membership else {}
    session = SessionFactory(starts_at=timezone.now() - timedelta(hours=1), **extra)
    RegistrationFactory(session=session, attended=True)
    return session


def _hosted_site(user):
    """A relay site hosted by the user, with a confirmed registration."""
    from tests.events.factories import RelaySiteFactory

    site = RelaySiteFactory(host=user)
    registration = RegistrationFactory(session=site.session, relay_site=site)
    return site, registration


def _check_in_site(user):
    site, _registration = _hosted_site(user)
    return {"pk": site.session_id, "site_pk": site.pk}


def _scan(user):
    from events import attendance

    _site, registration = _hosted_site(user)
    return {"token": attendance.check_in_token(registration)}


def _certificate(user):
    session = _organised_session(user)
    return {"pk": session.registrations.get().pk}


def _survey(user):
    from events import surveys

    return {"token": surveys.token_for(RegistrationFactory(attended=True))}


SAMPLES.update(
    {
        "events:check_in_list": lambda user: {"pk": _organised_session(user).pk},
        "events:check_in_list_site": _check_in_site,
        "events:sign_in_sheet": lambda user: {"pk": _organised_session(user).pk},
        "events:sign_in_sheet_site": _check_in_site,
        "events:check_in_scan": _scan,
        "events:certificate": _certificate,
        "events:survey_results": lambda user: {"pk": _organised_session(user).pk},
        "events:survey": _survey,
    }
)
PUBLIC["events:survey"] = "questionnaire de satisfaction (lien signé reçu par e-mail)"
STATUS_ONLY.update(
    {
        "events:sign_in_sheet": "PDF",
        "events:sign_in_sheet_site": "PDF",
        "events:certificate": "PDF",
        "events:figures_csv": "CSV",
        "events:figures_xlsx": "XLSX",
    }
)
SKIP["events:certificates_send"] = "POST seulement"


# Relay sites: change the host, remove (views_manage.py) --------------------------------------------------------


def _relay_site(user):
    """A relay site with one confirmed registration (the removal page counts it)."""
    site, _registration = _hosted_site(None)
    return {"pk": site.session_id, "site_pk": site.pk}


SAMPLES.update({"events:relay_site_host": _relay_site, "events:relay_site_remove": _relay_site})
