"""The public side, without account: the calendar (filters in a GET form, sessions with free seats first), the
page of an event (schema.org Event data), self-registration (robot traps and rate limits like « être rappelé »),
the confirmation, the cancellation by the link received, and the iCalendar files (a session, a registration, the
whole public calendar).

Rules: only published (or cancelled, which says so) events are shown; a draft answers 404. Registration refusals
(twice, past, cancelled, full pool → waiting list) come from `events.services` and are shown in French."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.emails import absolute_url
from core import ratelimit
from core.pagination import paginate
from events import icalendar, jsonld, links, services
from events.forms import CalendarFilterForm, PublicRegistrationForm, RelayRankForm, started_token
from events.models import Event, Registration, RelaySite, Session
from geo.distance import distance_km

FEED_SESSIONS = 500
PER_PAGE = 20


def CRUMBS():  # noqa: N802
    return [("Événements", reverse("events:calendar"))]


def public_sessions():
    return Session.objects.open_to_registration().select_related("event", "place", "event__organizer")


@login_not_required
def calendar(request):
    form = CalendarFilterForm(request.GET or None)
    sessions = form.filter(public_sessions()).free_seats_first()
    page = paginate(request, sessions, per_page=PER_PAGE)
    return render(
        request,
        "events/public/calendar.html",
        {"form": form, "page": page, "feed_url": absolute_url(reverse("events:feed"))},
    )


def _relay_sites(session, near=None):
    """The session's relay sites with `free_seats`, nearest to `near` (a commune) first, else by commune."""
    sites = list(
        RelaySite.objects.active()
        .filter(session=session)
        .select_related("place")
        .annotate(confirmed=Count("registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)))
    )
    for site in sites:
        site.free_seats = site.capacity - site.confirmed
        site.distance = distance_km(near.point, site.place.point) if near is not None else None
    if near is not None:
        sites.sort(key=lambda s: (s.distance is None, s.distance or 0, s.place.name))
    return sites


@login_not_required
def detail(request, pk):
    event = get_object_or_404(Event.objects.visible_to(request.user).select_related("organizer", "series"), pk=pk)
    now = timezone.now()
    sessions = list(event.sessions.with_seats().select_related("place").order_by("starts_at", "pk"))
    upcoming = [s for s in sessions if s.starts_at > now]
    past = [s for s in sessions if s.starts_at <= now]
    relay_counts = dict(
        RelaySite.objects.active()
        .filter(session__in=upcoming)
        .values_list("session")
        .annotate(total=Count("pk"))
        .order_by()
    )
    for session in upcoming:
        session.relay_count = relay_counts.get(session.pk, 0)
        session.open = session.status == Session.Status.SCHEDULED and event.status == Event.Status.PUBLISHED
    structured = [jsonld.session_data(event, s) for s in upcoming]
    return render(
        request,
        "events/public/detail.html",
        {
            "event": event,
            "upcoming": upcoming,
            "past": past,
            "jsonld": jsonld.dumps(structured) if structured else "",
            "breadcrumbs": CRUMBS(),
        },
    )


@login_not_required
def register(request, session_pk):
    session = get_object_or_404(
        Session.objects.filter(event__in=Event.objects.visible_to(request.user)).select_related("event", "place"),
        pk=session_pk,
    )
    rank = RelayRankForm(request.GET or None)
    near = rank.cleaned_data.get("pres_de") if rank.is_bound and rank.is_valid() else None
    relay_sites = _relay_sites(session, near)
    is_open = (
        session.status == Session.Status.SCHEDULED
        and session.event.status == Event.Status.PUBLISHED
        and session.starts_at > timezone.now()
    )
    form = PublicRegistrationForm(
        request.POST or None, session=session, relay_sites=relay_sites, initial={"started": started_token()}
    )
    if request.method == "POST" and is_open:
        if form.looks_automated(now=time.time()):
            return render(request, "events/public/refused.html", {"session": session, "trap": True}, status=400)
        if form.is_valid():
            data = form.cleaned_data
            if not _allowed(request, data["email"] or data["phone"]):
                return render(request, "events/public/refused.html", {"session": session}, status=429)
            try:
                registration = services.register(
                    session,
                    acting_user=request.user if request.user.is_authenticated else None,
                    relay_site=form.relay_site(),
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    phone=data["phone"],
                )
            except ValidationError as error:
                form.add_error(None, error.messages[0])
            else:
                return redirect("events:registration", token=links.token_for(registration))
    return render(
        request,
        "events/public/register.html",
        {
            "session": session,
            "event": session.event,
            "form": form,
            "rank": rank,
            "relay_sites": relay_sites,
            "is_open": is_open,
            "breadcrumbs": [*CRUMBS(), (session.event.title, session.event.get_absolute_url())],
        },
    )


def _allowed(request, contact):
    by_ip = ratelimit.hit(
        ratelimit.hashed_key("events-register:ip", ratelimit.client_ip(request)),
        limit=settings.EVENTS_REGISTRATION_LIMIT_PER_IP_PER_HOUR,
        window_seconds=3600,
    )
    by_contact = ratelimit.hit(
        ratelimit.hashed_key("events-register:contact", contact),
        limit=settings.EVENTS_REGISTRATION_LIMIT_PER_CONTACT_PER_DAY,
        window_seconds=24 * 3600,
    )
    return by_ip and by_contact


def _registration_or_404(token):
    registration = links.registration_from(token)
    if registration is None:
        raise Http404("Ce lien n'est pas valable.")
    return registration


@login_not_required
def registration(request, token):
    """The registrant's page (confirmation, then the link to keep): status, when, where, calendar, cancel."""
    registration = _registration_or_404(token)
    return render(
        request,
        "events/public/registration.html",
        {
            "registration": registration,
            "session": registration.session,
            "event": registration.session.event,
            "token": token,
        },
    )


@login_not_required
def cancel(request, token):
    registration = _registration_or_404(token)
    if request.method == "POST" and registration.status != Registration.Status.CANCELLED:
        try:
            services.cancel_registration(registration, acting_user=None)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, "Votre inscription est annulée. Merci d'avoir libéré la place.")
        return redirect("events:registration", token=token)
    return render(
        request,
        "events/public/cancel.html",
        {
            "registration": registration,
            "session": registration.session,
            "event": registration.session.event,
            "token": token,
        },
    )


def _ics_response(text, filename):
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_not_required
def session_ics(request, session_pk):
    session = get_object_or_404(
        Session.objects.filter(event__in=Event.objects.visible_to(request.user)).select_related("event", "place"),
        pk=session_pk,
    )
    return _ics_response(icalendar.calendar_for([session], title=session.event.title), f"seance-{session.pk}.ics")


@login_not_required
def registration_ics(request, token):
    registration = _registration_or_404(token)
    session = registration.session
    calendar = icalendar.calendar_for(
        [session], title=session.event.title, relay_sites={session.pk: registration.relay_site}
    )
    return _ics_response(calendar, f"inscription-{registration.pk}.ics")


@login_not_required
def feed(request):
    """The public calendar as an iCalendar feed: the next FEED_SESSIONS sessions open to registration."""
    sessions = public_sessions().order_by("starts_at", "pk")[:FEED_SESSIONS]
    calendar = icalendar.calendar_for(sessions, title=f"Événements — {settings.PLATFORM_NAME}")
    response = HttpResponse(calendar, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="evenements.ics"'
    return response
