"""The events' part of the person record: timeline, access-right export, merge and erasure (people.extensions)."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from events.models import Registration


def timeline_events(person, viewer):
    """One line per registration of the person (the timeline is shown only to those who see the person)."""
    from people.timeline import TimelineEvent

    events = []
    for registration in (
        Registration.objects.filter(person=person).select_related("session__event").order_by("-created_at")[:100]
    ):
        session = registration.session
        when = timezone.localtime(session.starts_at).strftime("%d/%m/%Y")
        events.append(
            TimelineEvent(
                date=registration.created_at,
                label=(
                    f"Inscription à « {session.event.title} » du {when} : {registration.get_status_display().lower()}"
                ),
                url=reverse("events:detail", args=[session.event_id]),
                module="événements",
            )
        )
    return events


def export_registrations(person):
    return [
        {
            "evenement": r.session.event.title,
            "seance": timezone.localtime(r.session.starts_at).isoformat(),
            "lieu_relais": r.relay_site.place.name if r.relay_site_id else None,
            "statut": r.get_status_display(),
            "inscrit_le": r.created_at.isoformat(),
            "present": r.attended,
        }
        for r in Registration.objects.filter(person=person).select_related("session__event", "relay_site__place")
    ]


def move_registrations(duplicate, into, *, acting_user):
    """Move the duplicate's registrations to the kept record; one for a session where the kept record is already
    registered is cancelled instead (the unique constraint allows one active registration per session)."""
    moved = cancelled = 0
    taken = set(Registration.objects.filter(person=into).active().values_list("session_id", flat=True))
    for registration in Registration.objects.filter(person=duplicate):
        if registration.session_id in taken and registration.status != Registration.Status.CANCELLED:
            registration.status = Registration.Status.CANCELLED
            registration.cancelled_at = timezone.now()
            registration.person = into
            registration.save(update_fields=["status", "cancelled_at", "person"])
            cancelled += 1
        else:
            registration.person = into
            registration.save(update_fields=["person"])
            moved += 1
    return {"inscriptions_deplacees": moved, "inscriptions_en_double_annulees": cancelled}


def erase_registration_contacts(person):
    """Blank the names and contacts copied on the person's registrations (the seats and attendance stay, anonymous)."""
    Registration.objects.filter(person=person).filter(
        ~Q(first_name="") | ~Q(last_name="") | ~Q(email="") | ~Q(phone="")
    ).update(first_name="", last_name="", email="", phone="")
