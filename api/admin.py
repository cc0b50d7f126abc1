"""The technical admin site (administrators only), for looking: tokens are created and revoked on the coordination's
page (/api/jetons/), which keeps the history and shows the secret once; the admin never shows a secret (only its
hash is stored) and cannot create a token."""

from django.contrib import admin

from api.models import ApiToken, PartnerReport


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "prefix", "created_at", "expires_on", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "organization__name", "prefix"]
    readonly_fields = [
        "organization",
        "name",
        "prefix",
        "secret_hash",
        "scopes",
        "created_by",
        "created_at",
        "expires_on",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(PartnerReport)
class PartnerReportAdmin(admin.ModelAdmin):
    list_display = ["organization", "quarter", "status", "queued_at", "sent_at", "attempts"]
    list_filter = ["quarter", "status"]
    readonly_fields = [
        "organization",
        "quarter",
        "recipients",
        "status",
        "queued_at",
        "sent_at",
        "attempts",
        "last_error",
    ]

    def has_add_permission(self, request):
        return False
