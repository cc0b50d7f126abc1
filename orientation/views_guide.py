"""« Trouver de l'aide » (/trouver-de-l-aide/): the introduction, the four steps, the result and « Recevoir cette
liste ». The rules of the path are in orientation/guide.py; every page works without JavaScript.

Sending the list never waits for the SMS provider or the mail server: both go through the task queue once the
request commits (orientation.tasks). Nothing about the person is stored beyond that: the queue row forgets the
number or address once its task has run, and the rate-limit counters keep only keyed hashes of the IP address and
of the destination (core.ratelimit)."""

import re
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core import ratelimit
from orientation import guide, tasks
from orientation.forms_guide import STEP_FORMS, SendForm
from places.views_public import format_phone

# (limit, window in seconds): per visitor's address, and per phone number or e-mail address.
SEND_LIMIT_PER_IP = (10, 60 * 60)
SEND_LIMIT_PER_DESTINATION = (3, 24 * 60 * 60)


def callback_url():
    return reverse("orientation:callback")


@login_not_required
@require_GET
def start(request):
    """What the path is, in four short lines, and « Commencer » (answers already given are kept)."""
    reading = guide.Reading(request.GET)
    first = guide.STEPS[0]
    return render(
        request,
        "orientation/guide/start.html",
        {"start_url": first.url(reading.query()), "steps": guide.STEPS, "callback_url": callback_url()},
    )


@login_not_required
@require_GET
def step(request, step):
    """A step: shown filled with the answers given so far; sent (« valider ») it goes on to the next step or shows
    its errors; skipped (« passer ») it goes on without its answer. A missing earlier answer shows that step."""
    current = guide.STEPS_BY_SLUG.get(step)
    if current is None:
        raise Http404
    data = request.GET.copy()
    skipped = guide.SKIPPED in data
    if skipped:
        for name in current.parameters:
            data.pop(name, None)
    reading = guide.Reading(data)
    earlier = reading.first_invalid(before=current)
    if earlier is not None:
        return _render_step(request, earlier, reading, bound=True)
    if guide.SUBMITTED in data or skipped:
        if reading.is_valid(current):
            return redirect(guide.next_url(current, reading.query()))
        return _render_step(request, current, reading, bound=True)
    return _render_step(request, current, reading, bound=False)


def _render_step(request, current, reading, *, bound):
    """A step's page: its form bound to the query (errors shown) or filled with the answers given so far."""
    if bound:
        form = reading.forms[current.slug]
    else:
        form_class = STEP_FORMS[current.slug]
        initial = {}
        for name in current.fields:
            values = reading.data.getlist(guide.PARAMETERS[name])
            if values:
                multiple = isinstance(form_class.base_fields[name], forms.MultipleChoiceField)
                initial[name] = values if multiple else values[-1]
        form = form_class(initial=initial)
    others = reading.pairs(without=current)
    context = {
        "step": current,
        "step_count": len(guide.STEPS),
        "form": form,
        "hidden": others,
        "back_url": guide.previous_url(current, reading.query()),
        "action": current.url(),
        "suggestions": [
            (commune.label, current.url(urlencode([*others, ("commune", commune.label), (guide.SUBMITTED, "1")])))
            for commune in getattr(form, "suggestions", ())
        ],
    }
    return render(request, f"orientation/guide/step_{current.slug.replace('-', '_')}.html", context)


@login_not_required
@require_GET
def result(request):
    """The places that fit, or the first step still to answer (with its errors) when an answer is missing."""
    reading = guide.Reading(request.GET)
    invalid = reading.first_invalid()
    if invalid is not None:
        return _render_step(request, invalid, reading, bound=True)
    return _render_result(request, reading, send_forms={})


def _render_result(request, reading, *, send_forms):
    answers = reading.answers
    rows = guide.ranked_rows(answers)
    query = reading.query()
    context = {
        "rows": rows,
        "answers": answers,
        "needs": [guide.NEEDS_BY_CODE[code].label for code in answers.needs],
        "moments": [guide.MOMENT_LABELS[code] for code in answers.moments],
        "specific_needs": [guide.SPECIFIC_NEEDS[code][1] for code in answers.specific_needs],
        "change_urls": {step.slug.replace("-", "_"): step.url(query) for step in guide.STEPS},
        "hidden": reading.pairs(),
        "sms_form": send_forms.get("sms") or SendForm(channel="sms"),
        "email_form": send_forms.get("email") or SendForm(channel="email"),
        "send_error_form": next(iter(send_forms.values()), None),
        "callback_url": callback_url(),
        "directory_url": reverse("places:search"),
        "restart_url": reverse("orientation:guide"),
    }
    return render(request, "orientation/guide/result.html", context)


@login_not_required
@require_POST
def send_result(request):
    """Send the first places of the list by SMS or e-mail; rate-limited per address and per destination."""
    answers_data = QueryDict(mutable=True)
    for name in guide.PARAMETERS.values():
        answers_data.setlist(name, request.POST.getlist(name))
    reading = guide.Reading(answers_data)
    if reading.first_invalid() is not None:
        return redirect(guide.result_url(reading.query()))
    if not _allowed(ratelimit.hashed_key("guide-send:ip", ratelimit.client_ip(request)), SEND_LIMIT_PER_IP):
        return render_refused(request, back_url=guide.result_url(reading.query()))
    channel = request.POST.get("canal")
    if channel not in SendForm.CHANNELS:
        return redirect(guide.result_url(reading.query()))
    form = SendForm(request.POST, channel=channel)
    if not form.is_valid():
        return _render_result(request, reading, send_forms={channel: form})
    if not _allowed(ratelimit.hashed_key("guide-send:to", form.destination), SEND_LIMIT_PER_DESTINATION):
        return render_refused(request, back_url=guide.result_url(reading.query()))
    rows = guide.ranked_rows(reading.answers, limit=guide.EMAIL_PLACES)
    if not rows:
        return redirect(guide.result_url(reading.query()))
    to = form.destination
    if channel == "sms":
        text = guide.result_text(rows, answers=reading.answers, count=guide.SMS_PLACES)
        transaction.on_commit(lambda: tasks.send_result_sms.enqueue(to=to, text=text))
    else:
        subject = f"Lieux pour vous aider {reading.answers.near}"
        body = render_to_string(
            "orientation/guide/result_email.txt",
            {
                "text": guide.result_text(rows, answers=reading.answers, count=guide.EMAIL_PLACES),
                "result_url": settings.PLATFORM_URL + guide.result_url(reading.query()),
                "platform_name": settings.PLATFORM_NAME,
            },
        )
        transaction.on_commit(lambda: tasks.send_result_email.enqueue(to=to, subject=subject, body=body))
    messages.success(request, _leaving_message(channel))
    return redirect(guide.result_url(reading.query()))


def _leaving_message(channel):
    """What the page says once the list is queued: it leaves in a moment, and what to do if it never arrives."""
    phone = settings.PLATFORM_CONTACT_PHONE
    ask = f"appelez-nous au {format_phone(phone)}" if phone else f"écrivez-nous à {settings.PLATFORM_CONTACT_EMAIL}"
    if channel == "sms":
        return (
            "Le SMS part dans quelques instants : vous allez recevoir la liste par SMS. S'il n'est pas arrivé dans "
            f"une heure, vérifiez le numéro et demandez-le à nouveau, ou {ask}."
        )
    return (
        "L'e-mail part dans quelques instants : vous allez recevoir la liste par e-mail. S'il n'est pas arrivé dans "
        f"une heure, regardez dans les courriers indésirables (spam), vérifiez l'adresse et demandez-le à nouveau, "
        f"ou {ask}."
    )


def _allowed(key, rule):
    limit, window_seconds = rule
    return ratelimit.hit(key, limit=limit, window_seconds=window_seconds)


def contact_context():
    """How a person reaches the network without the site: its phone (when set) and its e-mail."""
    phone = settings.PLATFORM_CONTACT_PHONE
    return {
        "contact_phone_href": re.sub(r"[^\d+]", "", phone),
        "contact_phone": format_phone(phone),
        "contact_email": settings.PLATFORM_CONTACT_EMAIL,
    }


def render_refused(request, *, back_url=None):
    """The polite page for a refused request (status 429): try again later, or call or write to the network."""
    context = {**contact_context(), "back_url": back_url}
    return render(request, "orientation/guide/refused.html", context, status=429)
