"""Public pages of the fund: the published calls for projects and the open-data export of grants (SCDL)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import cache_control

from funding.exporting import dispositif_aide, scdl_csv
from funding.models import Call, Grant
from funding.permissions import can_apply


@login_not_required
def calls_public(request):
    """The published calls, open ones first: light, no JavaScript, no map."""
    today = timezone.localdate()
    calls = list(Call.objects.published().order_by("-closes_on", "pk")[:50])
    open_calls = [call for call in calls if call.is_open(today)]
    other_calls = [call for call in calls if not call.is_open(today)]
    return render(request, "funding/public/calls.html", {"open_calls": open_calls, "other_calls": other_calls})


@login_not_required
def call_public(request, pk):
    call = get_object_or_404(Call.objects.published(), pk=pk)
    return render(
        request,
        "funding/public/call.html",
        {
            "call": call,
            "criteria": call.criteria.all(),
            "is_open": call.is_open(),
            "can_apply": can_apply(request.user),
        },
    )


@login_not_required
@cache_control(max_age=3600, public=True)
def calls_dispositif_aide(request):
    """The published calls as etalab « dispositif-aide » records (JSON), for the aid catalogues."""
    calls = Call.objects.published().order_by("-opens_on", "pk")[:200]
    response = JsonResponse(
        [dispositif_aide(call) for call in calls], safe=False, json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Disposition"] = 'inline; filename="dispositifs-aide-fonds-inclusion-numerique.json"'
    return response


@login_not_required
@cache_control(max_age=3600, public=True)
def grants_open_data(request):
    """Every grant agreement, in the SCDL Subventions 2.0.1 format (open data, décret 2017-779)."""
    grants = Grant.objects.select_related("application__organization", "decision").prefetch_related("payments")
    response = HttpResponse(scdl_csv(grants.order_by("agreement_date", "pk")), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="subventions-fonds-inclusion-numerique.csv"'
    return response
