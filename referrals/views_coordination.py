"""Placeholder: being written."""

from django.http import Http404


def all_referrals(request, **kwargs):
    raise Http404


def response_times(request, **kwargs):
    raise Http404


def referral_dispatch(request, **kwargs):
    raise Http404
