from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse


def has_confirmed_device(user):
    from django_otp import devices_for_user

    return any(devices_for_user(user, confirmed=True))


def is_verified(user):
    """Whether this session passed the second factor (OTPMiddleware's flag; absent right after `login()`)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def second_factor_step(user):
    """The TOTP page a logged-in user must go through before anything else in this session, or None.

    Owed by users who must use a second factor (coordinators, administrators: they enrol first if needed) and by
    anyone who enabled it voluntarily (a confirmed device)."""
    if not user.is_authenticated or is_verified(user):
        return None
    if user.requires_second_factor:
        return "accounts:otp_verify" if has_confirmed_device(user) else "accounts:otp_setup"
    if has_confirmed_device(user):
        return "accounts:otp_verify"
    return None


def second_factor_redirect(request, next_url=None):
    """A redirect to the TOTP step the user still owes (see `second_factor_step`), else None."""
    step = second_factor_step(request.user)
    if step is None:
        return None
    return redirect(f"{reverse(step)}?{urlencode({'next': next_url or request.get_full_path()})}")


class SecondFactorRequiredMiddleware:
    """Users who owe a second factor (see `second_factor_redirect`) reach no page that needs a login until their
    session is verified with a TOTP code; public pages and the TOTP and logout pages stay open."""

    allowed_url_names = {"otp_setup", "otp_verify", "logout"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        if getattr(view_func, "login_required", True) is False:
            return None
        step = second_factor_step(request.user)
        if step is None:
            return None
        request.second_factor_pending = True  # the menu then shows only public entries
        match = request.resolver_match
        if match and match.namespace == "accounts" and match.url_name in self.allowed_url_names:
            return None
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
