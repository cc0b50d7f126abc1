from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from geo.lookup import POSTAL_CODE_RE
from geo.models import Commune

AUTOCOMPLETE_LIMIT = 10
AUTOCOMPLETE_MIN_LENGTH = 2
AUTOCOMPLETE_MAX_AGE = 300


@login_not_required
@require_GET
def commune_autocomplete(request):
    """Communes matching `q` (name, postal code or INSEE code) as JSON, served département first.

    {"results": [{"insee": "47001", "name": "Agen", "postal_codes": ["47000"], "departement": "47",
    "label": "Agen (47000)"}]}; fewer than 2 characters give an empty list. Public and cacheable.
    """
    text = request.GET.get("q", "").strip()[:100]
    communes = []
    if len(text) >= AUTOCOMPLETE_MIN_LENGTH:
        communes = Commune.objects.search(
            text, limit=AUTOCOMPLETE_LIMIT, prefer_departement=settings.PLATFORM_DEPARTEMENT
        )
    typed_postal_code = text if POSTAL_CODE_RE.match(text) else None
    results = [
        {
            "insee": commune.insee_code,
            "name": commune.name,
            "postal_codes": commune.postal_codes,
            "departement": commune.departement_id,
            "label": (
                f"{commune.name} ({typed_postal_code})" if typed_postal_code in commune.postal_codes else commune.label
            ),
        }
        for commune in communes
    ]
    response = JsonResponse({"results": results})
    patch_cache_control(response, public=True, max_age=AUTOCOMPLETE_MAX_AGE)
    return response
