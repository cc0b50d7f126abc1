"""The API's pages: the documentation (/api/, public), the open-data files (/api/donnees/, public) and the
coordination's tokens page (create: the secret is shown once, on the answer to the form; revoke)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from api import opendata
from api.forms import TokenForm
from api.http import ANONYMOUS_LIMIT, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, TOKEN_LIMIT
from api.models import ApiToken, Scope
from api.permissions import can_manage_tokens
from api.services import create_token, revoke_token
from core.pagination import paginate
from places import vocabulary


@login_not_required
@require_GET
def documentation(request):
    return render(
        request,
        "api/documentation.html",
        {
            "anonymous_limit": ANONYMOUS_LIMIT,
            "token_limit": TOKEN_LIMIT,
            "default_page_size": DEFAULT_PAGE_SIZE,
            "max_page_size": MAX_PAGE_SIZE,
            "scopes": Scope.choices,
            "services": vocabulary.SERVICES,
            "base_url": request.build_absolute_uri("/api/v1/"),
        },
    )


@login_not_required
@require_GET
def open_data(request):
    return render(request, "api/open_data.html", {"files": opendata.data_files(), "licence_url": opendata.LICENCE_URL})


def _require_manager(user):
    if not can_manage_tokens(user):
        raise PermissionDenied


@require_GET
def token_list(request):
    _require_manager(request.user)
    tokens = ApiToken.objects.select_related("organization", "created_by", "revoked_by")
    return render(request, "api/token_list.html", {"page": paginate(request, tokens)})


@never_cache
def token_create(request):
    """On success the answer shows the secret, once (nothing stores it; reloading the page does not show it)."""
    _require_manager(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = create_token(
                organization=form.cleaned_data["organization"],
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_on=form.cleaned_data["expires_on"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(request, "api/token_created.html", {"token": token, "secret": secret})
    return render(request, "api/token_form.html", {"form": form})


@require_POST
def token_revoke(request, pk):
    _require_manager(request.user)
    token = get_object_or_404(ApiToken, pk=pk)
    revoke_token(token, acting_user=request.user)
    messages.success(request, f"Le jeton « {token.name} » est révoqué : il ne donne plus accès à l'API.")
    return redirect("api:token_list")
