from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Administration technique"
admin.site.site_title = "Administration"

urlpatterns = [
    path("", include("core.urls")),
    path("compte/", include("accounts.urls")),
    path("territoire/", include("geo.urls")),
    path("", include("places.urls")),
    path("personnes/", include("people.urls")),
    path("orientations/", include("referrals.urls")),
    path("", include("orientation.urls")),
    path("pass-numerique/", include("vouchers.urls")),
    path("evenements/", include("events.urls")),
    path("reconditionnement/", include("devices.urls")),
    path("fonds/", include("funding.urls")),
    path("pilotage/", include("dashboards.urls")),
    path("api/", include("api.urls")),
    path("donnees/", login_not_required(RedirectView.as_view(pattern_name="api:open_data")), name="open_data"),
    path("admin/", admin.site.urls),
]

handler404 = "core.errors.not_found"
handler403 = "core.errors.forbidden"
handler500 = "core.errors.server_error"
