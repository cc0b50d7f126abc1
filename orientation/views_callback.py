"""« Être rappelé » (/etre-rappele/): a public form that becomes a referral « au réseau » in the coordination's
queue. Rules: see orientation/forms_callback.py (traps) and orientation/callback.py (what is recorded and sent).
Valid requests are limited per IP address (per hour) and per phone number (per day); a refused or suspicious request
gets a polite page that gives the network's phone number, and changes nothing."""

import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from core import ratelimit
from orientation.callback import request_callback
from orientation.forms_callback import CallbackForm, started_token
from orientation.views_guide import contact_context

DONE_SALT = "orientation.callback.done"
DONE_MAX_AGE = 3600


@login_not_required
def callback(request):
    form = CallbackForm(request.POST or None, initial={"started": started_token()})
    if request.method == "POST":
        if form.looks_automated(now=time.time()):
            return _refused(request, "orientation/callback/refused_trap.html", status=400)
        if form.is_valid():
            data = form.cleaned_data
            if not _allowed(request, data["phone"]):
                return _refused(request, "orientation/callback/refused_limit.html", status=429)
            referral = request_callback(
                first_name=data["first_name"],
                phone=data["phone"],
                email=data["email"],
                commune=data["commune"],
                need=data["need"],
                moments=data["moments"],
            )
            # Signed, not encrypted: the address holds the reference only, never the person's name.
            token = signing.dumps({"ref": referral.reference}, salt=DONE_SALT)
            return redirect(f"{reverse('orientation:callback_done')}?demande={token}")
    return render(
        request,
        "orientation/callback/form.html",
        {
            "form": form,
            "suggestions": form.fields["commune"].suggestions,
            "retention_months": settings.PERSON_RETENTION_MONTHS,
            **contact_context(),
        },
    )


@login_not_required
def callback_done(request):
    """The confirmation: the reference to keep. It reads a signed, short-lived value (nothing is looked up)."""
    try:
        done = signing.loads(request.GET.get("demande", ""), salt=DONE_SALT, max_age=DONE_MAX_AGE)
    except signing.BadSignature:
        raise Http404 from None
    return render(
        request,
        "orientation/callback/done.html",
        {
            "reference": done["ref"],
            "delay": settings.REFERRAL_REMINDER_WORKING_DAYS,
            **contact_context(),
        },
    )


def _allowed(request, phone):
    by_ip = ratelimit.hit(
        ratelimit.hashed_key("callback:ip", ratelimit.client_ip(request)),
        limit=settings.CALLBACK_LIMIT_PER_IP_PER_HOUR,
        window_seconds=3600,
    )
    by_phone = ratelimit.hit(
        ratelimit.hashed_key("callback:phone", phone),
        limit=settings.CALLBACK_LIMIT_PER_PHONE_PER_DAY,
        window_seconds=24 * 3600,
    )
    return by_ip and by_phone


def _refused(request, template, *, status):
    return render(request, template, contact_context(), status=status)
