"""Placeholder: being written."""

from django.http import Http404


def place_inboxes(request, **kwargs):
    raise Http404


def place_inbox(request, **kwargs):
    raise Http404


def referral_review(request, **kwargs):
    raise Http404


def referral_accept(request, **kwargs):
    raise Http404


def referral_decline(request, **kwargs):
    raise Http404


def referral_appointment(request, **kwargs):
    raise Http404


def referral_close(request, **kwargs):
    raise Http404


def referral_transfer(request, **kwargs):
    raise Http404


def answer_link(request, **kwargs):
    raise Http404
