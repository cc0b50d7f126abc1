"""The technical admin site, for administrators (`is_staff`) only. Their session must also pass the second factor
(SecondFactorRequiredMiddleware); the admin login form has the same lockout as the main one."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from accounts.forms import AdminLoginForm
from accounts.models import Invitation, LoginFailure, Membership, Organization, User
from accounts.personal_data import anonymize_user

admin.site.login_form = AdminLoginForm


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "memberships__role"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name", "phone"]}),
        ("Droits", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "usable_password", "password1", "password2"]})]
    filter_horizontal = ["groups", "user_permissions"]
    actions = ["anonymize"]

    @admin.action(description="Anonymiser les comptes sélectionnés (droit à l'effacement)")
    def anonymize(self, request, queryset):
        users = list(queryset.exclude(pk=request.user.pk))
        for user in users:
            anonymize_user(user, acting_user=request.user, reason="Effacement demandé (administration).")
        self.message_user(request, f"{len(users)} compte(s) anonymisé(s).")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "siret", "typology", "commune", "is_partner", "is_network_member"]
    list_filter = ["is_partner", "is_network_member", "typology"]
    search_fields = ["name", "siret", "commune__name"]
    raw_id_fields = ["commune"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__last_name", "organization__name"]
    autocomplete_fields = ["user", "organization"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["email", "organization__name"]
    readonly_fields = ["token_hash", "created_at", "accepted_at", "accepted_by", "invited_by"]
    raw_id_fields = ["organization"]


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ["email", "ip_address", "created_at"]
    search_fields = ["email", "ip_address"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
