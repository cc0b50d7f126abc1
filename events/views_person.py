"""« Inscrire à un événement » from the person record: the professional chooses a session open to registration
(paginated list), then the relay site when the session has some, and registers the person. The person is read
through `Person.objects.visible_to(user)` (404 outside); registering needs `can_register_person` (403)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.pagination import paginate
from events import permissions, services
from events.forms import PersonRegistrationForm
from events.views_public import _relay_sites, public_sessions
from people.models import Person


def register_person(request, person_pk):
    person = get_object_or_404(Person.objects.visible_to(request.user).select_related("commune"), pk=person_pk)
    if not permissions.can_register_person(request.user, person):
        raise PermissionDenied
    breadcrumbs = [
        ("Personnes accompagnées", reverse("people:list")),
        (str(person), reverse("people:detail", args=[person.pk])),
    ]
    session = None
    if request.GET.get("seance", "").isdecimal():  # anything else (a hand-edited link): the chooser
        session = public_sessions().filter(pk=request.GET["seance"]).first()
    if session is None:
        page = paginate(request, public_sessions().free_seats_first(), per_page=20)
        return render(
            request,
            "events/person/choose.html",
            {"person": person, "page": page, "breadcrumbs": breadcrumbs},
        )
    relay_sites = _relay_sites(session, person.commune if person.commune_id else None)
    data = request.POST if request.method == "POST" else None
    form = PersonRegistrationForm(data, session=session, relay_sites=relay_sites)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.register(
                session, acting_user=request.user, person=person, relay_site=form.relay_site()
            )
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            if registration.status == registration.Status.CONFIRMED:
                messages.success(request, f"{person} est inscrit·e : {session}.")
            else:
                messages.success(request, f"La séance est complète : {person} est sur la liste d'attente.")
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "events/person/confirm.html",
        {"person": person, "session": session, "form": form, "breadcrumbs": breadcrumbs},
    )
