from django.contrib import admin
from django.urls import include, path

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
    path("admin/", admin.site.urls),
]

handler404 = "core.errors.not_found"
handler403 = "core.errors.forbidden"
handler500 = "core.errors.server_error"
