from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


@login_not_required
def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


@login_not_required
def forbidden(request, exception=None):
    return render(request, "errors/403.html", status=403)


@login_not_required
def server_error(request):
    """Rendered without context processors: the database (sessions, menu) may be what failed."""
    context = {"platform_name": settings.PLATFORM_NAME, "platform_contact_email": settings.PLATFORM_CONTACT_EMAIL}
    return HttpResponseServerError(loader.render_to_string("errors/500.html", context))
