"""Placeholder: being written."""

from django.http import Http404


def my_referrals(request, **kwargs):
    raise Http404


def referral_create(request, **kwargs):
    raise Http404


def referral_detail(request, **kwargs):
    raise Http404


def comment_create(request, **kwargs):
    raise Http404


def referral_cancel(request, **kwargs):
    raise Http404


def referral_sheet(request, **kwargs):
    raise Http404


def attachment_upload(request, **kwargs):
    raise Http404


def attachment_download(request, **kwargs):
    raise Http404
