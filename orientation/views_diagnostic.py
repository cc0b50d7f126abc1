"""The diagnostic's pages.

- /diagnostic/ (public): the questionnaire. A valid answer adds one to the anonymous tally (at most
  COUNT_LIMIT_PER_IP[0] an hour per visitor's address), then redirects to the result page with the answers in its
  address (post/redirect/get: reloading the result counts nothing twice).
- /diagnostic/resultat/ (public): the level, La Coop's autonomy value, the skills to work on, suggested places and
  upcoming sessions, all computed from the address; nothing personal is stored.
- /personnes/<pk>/diagnostic/ (professionals): the same questionnaire run with a person, attached to their record
  with their consent.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core import ratelimit
from geo.models import Commune
from orientation import diagnostic, services
from orientation.forms_diagnostic import DiagnosticForm, PersonDiagnosticForm
from orientation.permissions import can_run_diagnostic_for, diagnostic_organizations
from people.models import Person
from places.views_public import format_phone
from referrals.ranking import rank_places

PLACES_SHOWN = 5
# (limit, window in seconds) of public diagnostics counted per visitor's address: beyond it the result is still
# shown, only not counted, so that nobody is refused a result and a script cannot inflate the steering figures.
COUNT_LIMIT_PER_IP = (30, 60 * 60)


def _initial_from(query):
    """Answers and commune given back by « Modifier mes réponses » (only the valid ones)."""
    valid = {value for value, _label in diagnostic.ANSWER_CHOICES}
    initial = {code: query[code] for code in diagnostic.QUESTION_CODES if query.get(code) in valid}
    commune = Commune.objects.filter(pk=query.get("commune", "")[:5]).first()
    if commune is not None:
        initial["commune"] = commune
    return initial


@login_not_required
@require_http_methods(["GET", "POST"])
def start(request):
    if request.method == "POST":
        form = DiagnosticForm(request.POST)
        if form.is_valid():
            answers = form.answers()
            commune = form.cleaned_data["commune"]
            limit, window_seconds = COUNT_LIMIT_PER_IP
            key = ratelimit.hashed_key("diagnostic-count:ip", ratelimit.client_ip(request))
            if ratelimit.hit(key, limit=limit, window_seconds=window_seconds):
                services.count_diagnostic(level=diagnostic.level_for(answers), commune=commune)
            return redirect(diagnostic.result_url(answers, commune))
    else:
        form = DiagnosticForm(initial=_initial_from(request.GET))
    return render(
        request, "orientation/diagnostic/start.html", {"form": form, "question_count": len(diagnostic.QUESTIONS)}
    )


def _suggested_places(outcome, commune):
    if commune is None:
        return []
    ranked = rank_places(needs=outcome.themes, commune=commune, limit=PLACES_SHOWN)
    return [{"place": place, "reasons": reasons} for place, _score, reasons in ranked]


def _person_back_link(request):
    """The person whose record the result was attached to, when the visitor is a professional who sees them."""
    pk = request.GET.get(diagnostic.PERSON_PARAMETER, "")
    if not request.user.is_authenticated or not pk.isdigit():
        return None
    return Person.objects.visible_to(request.user).filter(pk=pk).first()


@login_not_required
@require_GET
def result(request):
    answers = diagnostic.answers_from_query(request.GET)
    if answers is None:
        return render(request, "orientation/diagnostic/result.html", {"outcome": None})
    commune = Commune.objects.filter(pk=request.GET.get("commune", "")[:5]).first()
    outcome = diagnostic.evaluate(answers)
    context = {
        "outcome": outcome,
        "commune": commune,
        "work_on": [
            (question.skill, diagnostic.WORK_ON_NOTES[answers[question.code]]) for question in outcome.to_work_on
        ],
        "places": _suggested_places(outcome, commune),
        "sessions": diagnostic.upcoming_sessions(outcome.level, commune),
        "edit_query": diagnostic.result_query(answers, commune),
        "person": _person_back_link(request),
        "contact_phone": format_phone(settings.PLATFORM_CONTACT_PHONE),
    }
    return render(request, "orientation/diagnostic/result.html", context)


@require_http_methods(["GET", "POST"])
def for_person(request, person_pk):
    person = get_object_or_404(Person.objects.visible_to(request.user).select_related("commune"), pk=person_pk)
    if not can_run_diagnostic_for(request.user, person):
        raise PermissionDenied
    needs_consent_method = not services.has_accompaniment_consent(person)
    form = PersonDiagnosticForm(
        request.POST or None, initial={"commune": person.commune}, needs_consent_method=needs_consent_method
    )
    if request.method == "POST" and form.is_valid():
        answers = form.answers()
        commune = form.cleaned_data["commune"]
        try:
            diagnostic_result = services.attach_diagnostic(
                person,
                acting_user=request.user,
                organization=diagnostic_organizations(request.user, person)[0],
                answers=answers,
                commune=commune,
                consent_method=form.cleaned_data.get("consent_method"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Le diagnostic est joint à la fiche de {person} : niveau {diagnostic_result.get_level_display()}.",
            )
            return redirect(diagnostic.result_url(answers, commune, person))
    breadcrumbs = [
        ("Personnes accompagnées", reverse("people:list")),
        (str(person), reverse("people:detail", args=[person.pk])),
    ]
    return render(
        request,
        "orientation/diagnostic/person.html",
        {"form": form, "person": person, "breadcrumbs": breadcrumbs, "needs_consent_method": needs_consent_method},
    )
