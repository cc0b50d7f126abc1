"""The technical admin site (administrators only). Business changes go through the owners' pages and services,
which keep the history; the admin is for looking and for rare repairs."""

from django.contrib import admin

from places.models import ErrorReport, Place, PlaceImport


class ErrorReportInline(admin.TabularInline):
    model = ErrorReport
    extra = 0
    fields = ["created_at", "what_is_wrong", "contact", "status", "handled_at", "handled_by"]
    readonly_fields = ["created_at", "handled_at", "handled_by"]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "commune_name", "status", "organization", "completeness", "confirmed_at"]
    list_filter = ["status", "accepts_pass_numerique", "is_pass_qualified", "is_network_member", "import_source"]
    search_fields = ["name", "commune_name", "postal_code", "siret", "external_id"]
    raw_id_fields = ["commune"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["uid", "completeness", "created_at", "modified_at", "confirmed_at", "last_reminder_at"]
    date_hierarchy = "confirmed_at"
    inlines = [ErrorReportInline]


@admin.register(ErrorReport)
class ErrorReportAdmin(admin.ModelAdmin):
    list_display = ["place", "created_at", "status", "handled_by"]
    list_filter = ["status"]
    search_fields = ["place__name", "what_is_wrong", "contact"]
    raw_id_fields = ["place"]
    readonly_fields = ["created_at", "handled_at", "handled_by"]


@admin.register(PlaceImport)
class PlaceImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "source", "status", "created_at", "created_count", "updated_count", "rejected_count"]
    list_filter = ["status", "source"]
    readonly_fields = [f.name for f in PlaceImport._meta.fields]
