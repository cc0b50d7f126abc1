# Placeholder, replaced by the geo work in progress.
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse


@login_not_required
def commune_autocomplete(request):
    return JsonResponse({"results": []})
