from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse


class SecondFactorRequiredMiddleware:
    """Users who must use a second factor (coordinators, administrators) reach no page until their session is
    verified with a TOTP code; those without a device yet are sent to enrol one."""

    allowed_url_names = {"otp_setup", "otp_verify", "logout"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or not user.requires_second_factor or user.is_verified():
            return None
        if getattr(view_func, "login_required", True) is False:
            return None
        match = request.resolver_match
        if match and match.namespace == "accounts" and match.url_name in self.allowed_url_names:
            return None
        from django_otp import devices_for_user

        target = "accounts:otp_verify" if any(devices_for_user(user, confirmed=True)) else "accounts:otp_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
