"""Organisers' pages (coordinators, organisation admins of the organiser): their events, create and edit an event,
publish or cancel it, add sessions and relay sites (change their host, remove them), change the places, see who is
registered and cancel a registration. An event outside `Event.objects.managed_by(user)` answers 404; a user who
runs no event gets 403."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import Organization
from core.pagination import paginate
from events import permissions, services
from events.forms import CapacityForm, EventForm, RelayHostForm, RelaySiteForm, SeriesForm, SessionForm
from events.models import Event, Registration, RelaySite, Session

R = Registration.Status


def _require_manager(user):
    if not permissions.can_manage_events(user) and not permissions.can_create_event(user):
        raise PermissionDenied


def _organizers(user):
    if permissions.sees_whole_departement(user):
        return Organization.objects.order_by("name")
    return Organization.objects.filter(pk__in=[o.pk for o in permissions.organizer_organizations(user)]).order_by(
        "name"
    )


def _crumbs(*extra):
    return [("Gestion des événements", reverse("events:manage_list")), *extra]


def manage_list(request):
    _require_manager(request.user)
    events = (
        Event.objects.managed_by(request.user)
        .select_related("organizer", "series")
        .annotate(session_count=Count("sessions", distinct=True))
        .order_by("-created_at", "-pk")
    )
    page = paginate(request, events, per_page=25)
    return render(
        request,
        "events/manage/list.html",
        {
            "page": page,
            "can_create": permissions.can_create_event(request.user),
            "can_create_series": permissions.sees_whole_departement(request.user),
        },
    )


def event_create(request):
    if not permissions.can_create_event(request.user):
        raise PermissionDenied
    form = EventForm(request.POST or None, organizers=_organizers(request.user))
    if request.method == "POST" and form.is_valid():
        event = services.create_event(acting_user=request.user, **form.cleaned_data)
        messages.success(request, "Événement créé (brouillon). Ajoutez ses séances, puis publiez-le.")
        return redirect("events:manage_event", pk=event.pk)
    return render(
        request,
        "events/manage/form.html",
        {
            "form": form,
            "breadcrumbs": _crumbs(),
            "title": "Nouvel événement",
            "intro": "L'événement est créé en brouillon : ajoutez ses séances, puis publiez-le.",
            "submit_label": "Créer l'événement",
        },
    )


def _managed_event(request, pk):
    _require_manager(request.user)
    return get_object_or_404(Event.objects.managed_by(request.user).select_related("organizer", "series"), pk=pk)


def event_edit(request, pk):
    event = _managed_event(request, pk)
    form = EventForm(request.POST or None, instance=event, organizers=_organizers(request.user))
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        services.update_event(event, acting_user=request.user, **changed)
        messages.success(request, "Événement enregistré.")
        return redirect("events:manage_event", pk=event.pk)
    return render(
        request,
        "events/manage/form.html",
        {
            "form": form,
            "event": event,
            "breadcrumbs": _crumbs((event.title, reverse("events:manage_event", args=[event.pk]))),
            "title": "Modifier l'événement",
            "intro": "",
            "submit_label": "Enregistrer",
        },
    )


def manage_event(request, pk):
    event = _managed_event(request, pk)
    sessions = (
        event.sessions.with_seats()
        .select_related("place")
        .annotate(waitlisted=Count("registrations", filter=Q(registrations__status=R.WAITLISTED)))
        .order_by("starts_at", "pk")
    )
    return render(
        request,
        "events/manage/event.html",
        {"event": event, "sessions": sessions, "breadcrumbs": _crumbs()},
    )


@require_POST
def event_publish(request, pk):
    event = _managed_event(request, pk)
    try:
        services.publish_event(event, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Événement publié : il apparaît dans le calendrier public.")
    return redirect("events:manage_event", pk=event.pk)


@require_POST
def event_cancel(request, pk):
    event = _managed_event(request, pk)
    try:
        services.cancel_event(event, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Événement annulé : les personnes inscrites sont prévenues par e-mail.")
    return redirect("events:manage_event", pk=event.pk)


def session_create(request, pk):
    event = _managed_event(request, pk)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.create_session(event, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, "Séance ajoutée.")
            return redirect("events:manage_session", pk=session.pk)
    return render(
        request,
        "events/manage/form.html",
        {
            "form": form,
            "event": event,
            "breadcrumbs": _crumbs((event.title, reverse("events:manage_event", args=[event.pk]))),
            "title": f"Nouvelle séance : {event.title}",
            "intro": (
                "Une séance a lieu dans un lieu du réseau ou en ligne (un webinaire peut ensuite avoir des lieux "
                "relais)."
            ),
            "submit_label": "Ajouter la séance",
        },
    )


def session_edit(request, pk):
    session = _managed_session(request, pk)
    form = SessionForm(request.POST or None, instance=session)
    del form.fields["capacity"]
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.update_session(session, acting_user=request.user, **changed)
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(
                request, "Séance enregistrée. Si la date ou le lieu a changé, les inscrits sont prévenus."
            )
            return redirect("events:manage_session", pk=session.pk)
    return render(
        request,
        "events/manage/form.html",
        {
            "form": form,
            "breadcrumbs": _crumbs((str(session), reverse("events:manage_session", args=[session.pk]))),
            "title": f"Modifier la séance : {session}",
            "intro": "Pour changer le nombre de places, utilisez « Changer les places ».",
            "submit_label": "Enregistrer la séance",
        },
    )


def _managed_session(request, pk):
    _require_manager(request.user)
    return get_object_or_404(
        Session.objects.filter(event__in=Event.objects.managed_by(request.user)).select_related("event", "place"),
        pk=pk,
    )


def manage_session(request, pk):
    session = _managed_session(request, pk)
    relay_sites = list(
        RelaySite.objects.active()
        .filter(session=session)
        .select_related("place", "host")
        .annotate(
            confirmed=Count("registrations", filter=Q(registrations__status=R.CONFIRMED)),
            waitlisted=Count("registrations", filter=Q(registrations__status=R.WAITLISTED)),
        )
    )
    registrations = (
        Registration.objects.filter(session=session)
        .select_related("relay_site__place", "person", "registered_by")
        .order_by("relay_site__place__name", "status", "queued_at", "pk")
    )
    page = paginate(request, registrations, per_page=50)
    confirmed_here = session.registrations.filter(relay_site=None, status=R.CONFIRMED).count()
    return render(
        request,
        "events/manage/session.html",
        {
            "session": session,
            "event": session.event,
            "relay_sites": relay_sites,
            "page": page,
            "confirmed_here": confirmed_here,
            "capacity_form": CapacityForm(initial={"capacity": session.capacity}),
            "relay_form": RelaySiteForm(),
            "breadcrumbs": _crumbs((session.event.title, reverse("events:manage_event", args=[session.event.pk]))),
        },
    )


def session_capacity(request, pk):
    """Change the places of the session, or of one of its relay sites (`?relais=pk`)."""
    session = _managed_session(request, pk)
    relay_site = None
    if request.GET.get("relais"):
        if not request.GET["relais"].isdecimal():  # a hand-edited link: no such relay site
            raise Http404
        relay_site = get_object_or_404(
            RelaySite.objects.active().select_related("place"), pk=request.GET["relais"], session=session
        )
    current = relay_site.capacity if relay_site else session.capacity
    form = CapacityForm(request.POST or None, initial={"capacity": current})
    if request.method == "POST" and form.is_valid():
        try:
            promoted, moved = services.change_capacity(
                session,
                acting_user=request.user,
                capacity=form.cleaned_data["capacity"],
                relay_site=relay_site,
                move_excess_to_waitlist=form.cleaned_data["move_excess"],
            )
        except ValidationError as error:
            form.add_error("capacity", error.messages[0])
        else:
            note = []
            if promoted:
                note.append(f"{len(promoted)} inscription(s) confirmée(s) depuis la liste d'attente")
            if moved:
                note.append(f"{len(moved)} inscription(s) remise(s) en liste d'attente")
            messages.success(request, "Places enregistrées." + (f" {', '.join(note)}." if note else ""))
            return redirect("events:manage_session", pk=session.pk)
    return render(
        request,
        "events/manage/form.html",
        {
            "form": form,
            "session": session,
            "relay_site": relay_site,
            "breadcrumbs": _crumbs((str(session), reverse("events:manage_session", args=[session.pk]))),
            "title": f"Nombre de places : {relay_site.place.name if relay_site else session}",
            "intro": f"Actuellement {current} places.",
            "submit_label": "Enregistrer les places",
        },
    )


def relay_site_add(request, pk):
    session = _managed_session(request, pk)
    form = RelaySiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_relay_site(
                session,
                acting_user=request.user,
                place=form.cleaned_data["place"],
                capacity=form.cleaned_data["capacity"],
                host=form.cleaned_data["host"],
            )
        except ValidationError as error:
            form.add_error("place", error.messages[0])
        else:
            messages.success(request, "Lieu relais ajouté.")
            return redirect("events:manage_session", pk=session.pk)
    return render(
        request,
        "events/manage/form.html",
        {
            "form": form,
            "session": session,
            "breadcrumbs": _crumbs((str(session), reverse("events:manage_session", args=[session.pk]))),
            "title": f"Ajouter un lieu relais : {session}",
            "intro": (
                "Le lieu diffuse la séance sur place, avec ses propres places. Les lieux qui relaient des "
                "webinaires sont en tête de liste."
            ),
            "submit_label": "Ajouter le lieu relais",
        },
    )


def _managed_relay_site(request, pk, site_pk):
    session = _managed_session(request, pk)
    site = get_object_or_404(RelaySite.objects.active().select_related("place", "host"), pk=site_pk, session=session)
    return session, site


def relay_site_host(request, pk, site_pk):
    session, site = _managed_relay_site(request, pk, site_pk)
    form = RelayHostForm(request.POST or None, place=site.place, initial={"host": site.host_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_relay_site_host(site, acting_user=request.user, host=form.cleaned_data["host"])
        except ValidationError as error:
            form.add_error("host", error.messages[0])
        else:
            messages.success(request, f"Personne qui accueille enregistrée pour {site.place.name}.")
            return redirect("events:manage_session", pk=session.pk)
    return render(
        request,
        "events/manage/form.html",
        {
            "form": form,
            "breadcrumbs": _crumbs((str(session), reverse("events:manage_session", args=[session.pk]))),
            "title": f"Personne qui accueille : {site.place.name}",
            "intro": (
                f"Actuellement : {site.host or 'personne'}. Pour changer les places, utilisez « Changer les places »."
            ),
            "submit_label": "Enregistrer",
        },
    )


def relay_site_remove(request, pk, site_pk):
    """A confirmation page saying how many people are registered there; the POST removes the relay site."""
    session, site = _managed_relay_site(request, pk, site_pk)
    if request.method == "POST":
        try:
            cancelled = services.remove_relay_site(site, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            note = f" {len(cancelled)} inscription(s) annulée(s), les personnes sont prévenues." if cancelled else ""
            messages.success(request, f"Lieu relais {site.place.name} retiré.{note}")
        return redirect("events:manage_session", pk=session.pk)
    counts = site.registrations.aggregate(
        confirmed=Count("pk", filter=Q(status=R.CONFIRMED)), waitlisted=Count("pk", filter=Q(status=R.WAITLISTED))
    )
    return render(
        request,
        "events/manage/relay_site_remove.html",
        {
            "session": session,
            "site": site,
            "confirmed": counts["confirmed"],
            "waitlisted": counts["waitlisted"],
            "total": counts["confirmed"] + counts["waitlisted"],
            "breadcrumbs": _crumbs((str(session), reverse("events:manage_session", args=[session.pk]))),
        },
    )


@require_POST
def session_cancel(request, pk):
    session = _managed_session(request, pk)
    try:
        services.cancel_session(session, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Séance annulée : les personnes inscrites sont prévenues par e-mail.")
    return redirect("events:manage_session", pk=session.pk)


@require_POST
def registration_cancel(request, pk):
    _require_manager(request.user)
    registration = get_object_or_404(
        Registration.objects.filter(session__event__in=Event.objects.managed_by(request.user)), pk=pk
    )
    try:
        promoted = services.cancel_registration(registration, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, "Inscription annulée." + (" La première personne en attente est confirmée." if promoted else "")
        )
    return redirect("events:manage_session", pk=registration.session_id)


def series_create(request):
    if not permissions.sees_whole_departement(request.user):
        raise PermissionDenied
    form = SeriesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.create_series(acting_user=request.user, **form.cleaned_data)
        messages.success(request, "Série créée : choisissez-la dans ses événements.")
        return redirect("events:manage_list")
    return render(
        request,
        "events/manage/form.html",
        {
            "form": form,
            "breadcrumbs": _crumbs(),
            "title": "Nouvelle série d'événements",
            "intro": "Par exemple : « les jeudis de l'inclusion numérique ».",
            "submit_label": "Créer la série",
        },
    )
