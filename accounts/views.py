import base64
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import notify, personal_data, services
from accounts.forms import (
    DeferredPasswordResetForm,
    InvitationForm,
    InvitationRenewalForm,
    LoginForm,
    NewAccountForm,
    NotificationPreferencesForm,
    OrganizationForm,
    OrganizationSearchForm,
    ProfileForm,
    TokenForm,
)
from accounts.middleware import has_confirmed_device, is_verified, second_factor_redirect
from accounts.models import Invitation, Membership, Organization, Role, User
from accounts.permissions import (
    can_create_organization,
    can_edit_organization,
    can_invite,
    can_manage_any_organization,
    can_manage_organization,
    can_read_history,
    can_remove_membership,
    can_view_members,
    is_administrator,
    sees_whole_departement,
)
from core.pagination import paginate

# Login, logout, passwords ----------------------------------------------------------------------------------------


def safe_next(request, default="accounts:dashboard"):
    """The `next` parameter when it points to this site, else the default page."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm

    def get_default_redirect_url(self):
        return reverse("accounts:dashboard")

    def form_valid(self, form):
        response = super().form_valid(form)
        return second_factor_redirect(self.request, next_url=self.get_success_url()) or response


login_view = LoginView.as_view()
logout_view = auth_views.LogoutView.as_view()


class PasswordResetView(auth_views.PasswordResetView):
    form_class = DeferredPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/emails/password_reset.txt"
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.note_password_changed(form.user, acting_user=None, by_reset=True)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.note_password_changed(form.user, acting_user=self.request.user)
        return response


password_reset = PasswordResetView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
password_change = PasswordChangeView.as_view()
password_change_done = auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html")


# Second factor ---------------------------------------------------------------------------------------------------


def _throttled_message(device):
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    return "Trop de codes erronés. Attendez quelques instants avant de réessayer."


def otp_setup(request):
    user = request.user
    if has_confirmed_device(user):
        if not is_verified(user):
            return redirect(f"{reverse('accounts:otp_verify')}?{urlencode({'next': request.get_full_path()})}")
        return render(request, "accounts/otp_enabled.html")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Application d'authentification", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        message = _throttled_message(device)
        if message:
            form.add_error("token", message)
        elif device.verify_token(form.cleaned_data["token"]):
            services.enable_second_factor(device, acting_user=user)
            otp_login(request, device)
            messages.success(
                request, "La double authentification est activée. Elle vous sera demandée à chaque connexion."
            )
            return redirect(safe_next(request, default="accounts:profile"))
        else:
            form.add_error("token", "Ce code n'est pas le bon. Vérifiez l'heure de votre téléphone et réessayez.")
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr_data_uri": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        "secret_groups": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "required": user.requires_second_factor,
        "next": request.GET.get("next", ""),
    }
    return render(request, "accounts/otp_setup.html", context)


def otp_verify(request):
    user = request.user
    if is_verified(user):
        return redirect(safe_next(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        return redirect(f"{reverse('accounts:otp_setup')}?{urlencode({'next': safe_next(request)})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        message = _throttled_message(device)
        if message:
            form.add_error("token", message)
        elif device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(safe_next(request))
        else:
            form.add_error("token", "Ce code n'est pas le bon. Vérifiez l'heure de votre téléphone et réessayez.")
    return render(request, "accounts/otp_verify.html", {"form": form, "next": request.GET.get("next", "")})


# Profile and dashboard ------------------------------------------------------------------------------------------


def profile(request):
    user = request.user
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=user.pk))
    if request.method == "POST" and form.is_valid():
        services.update_profile(user, acting_user=user, **form.cleaned_data)
        messages.success(request, "Vos informations sont enregistrées.")
        return redirect("accounts:profile")
    memberships = user.memberships.select_related("organization").order_by("organization__name", "role")
    context = {"form": form, "memberships": memberships, "otp_enabled": has_confirmed_device(user)}
    return render(request, "accounts/profile.html", context)


def notification_preferences(request):
    """The user's own notification preferences (e-mail frequency, SMS and mobile number)."""
    user = User.objects.get(pk=request.user.pk)
    initial = {name: getattr(user, name) for name in notify.PREFERENCE_FIELDS}
    form = NotificationPreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            notify.update_notification_preferences(user, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Vos préférences de notification sont enregistrées.")
            return redirect("accounts:notifications")
    context = {"form": form, "breadcrumbs": [("Mon compte", reverse("accounts:profile"))]}
    return render(request, "accounts/notification_preferences.html", context)


def dashboard(request):
    user = request.user
    memberships = list(user.memberships.select_related("organization").order_by("organization__name"))
    roles = {m.role for m in memberships}

    def organizations_for(role):
        return [m.organization for m in memberships if m.role == role]

    context = {
        "memberships": memberships,
        "is_coordinator": Role.COORDINATOR in roles,
        "is_administrator": is_administrator(user),
        "can_read_history": can_read_history(user),
        "partner_organizations": organizations_for(Role.PARTNER_VIEWER),
        "prescriber_organizations": organizations_for(Role.PRESCRIBER),
        "mediator_organizations": organizations_for(Role.MEDIATOR),
        "refurbisher_organizations": organizations_for(Role.REFURBISHER),
        "admin_organizations": organizations_for(Role.ORG_ADMIN),
        "pending_invitations": Invitation.objects.visible_to(user).pending().count()
        if can_manage_any_organization(user)
        else 0,
        "organization_count": Organization.objects.count() if sees_whole_departement(user) else None,
    }
    return render(request, "accounts/dashboard.html", context)


# Organisations ---------------------------------------------------------------------------------------------------


def organization_list(request):
    form = OrganizationSearchForm(request.GET or None)
    organizations = form.filter(
        Organization.objects.visible_to(request.user)
        .select_related("commune")
        .annotate(member_count=Count("memberships", distinct=True))
    ).order_by("name", "pk")
    page = paginate(request, organizations, per_page=25)
    context = {"form": form, "page": page, "can_create": can_create_organization(request.user)}
    return render(request, "accounts/organization_list.html", context)


def organization_detail(request, pk):
    organization = get_object_or_404(Organization.objects.visible_to(request.user).select_related("commune"), pk=pk)
    user = request.user
    memberships = []
    if can_view_members(user, organization):
        memberships = [
            (membership, can_remove_membership(user, membership))
            for membership in organization.memberships.select_related("user", "organization").order_by(
                "user__last_name", "user__first_name", "role"
            )
        ]
    manages = can_manage_organization(user, organization)
    context = {
        "organization": organization,
        "memberships": memberships,
        "can_view_members": can_view_members(user, organization),
        "can_edit": can_edit_organization(user, organization),
        "can_invite": can_invite(user, organization),
        "pending_invitations": organization.invitations.pending().select_related("invited_by") if manages else [],
    }
    return render(request, "accounts/organization_detail.html", context)


def organization_create(request):
    if not can_create_organization(request.user):
        raise PermissionDenied
    form = OrganizationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        organization = services.create_organization(acting_user=request.user, **form.service_fields())
        messages.success(request, f"L'organisation « {organization} » est créée.")
        return redirect("accounts:organization_detail", pk=organization.pk)
    return render(request, "accounts/organization_form.html", {"form": form, "organization": None})


def organization_edit(request, pk):
    organization = get_object_or_404(Organization.objects.visible_to(request.user), pk=pk)
    if not can_edit_organization(request.user, organization):
        raise PermissionDenied
    form = OrganizationForm(request.POST or None, instance=organization, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        organization = Organization.objects.get(pk=organization.pk)
        services.update_organization(organization, acting_user=request.user, **fields)
        messages.success(request, "Les modifications sont enregistrées.")
        return redirect("accounts:organization_detail", pk=organization.pk)
    return render(request, "accounts/organization_form.html", {"form": form, "organization": organization})


@require_POST
def membership_remove(request, pk):
    visible = Membership.objects.filter(organization__in=Organization.objects.managed_by(request.user))
    membership = get_object_or_404(visible.select_related("user", "organization"), pk=pk)
    if not can_remove_membership(request.user, membership):
        raise PermissionDenied
    organization = membership.organization
    label = f"{membership.user} ({membership.get_role_display()})"
    services.remove_membership(membership, acting_user=request.user)
    messages.success(request, f"{label} ne fait plus partie de « {organization} ».")
    return redirect("accounts:organization_detail", pk=organization.pk)


# Invitations -----------------------------------------------------------------------------------------------------

INVITATION_FILTERS = {
    "": ("Toutes", lambda qs: qs),
    "pending": ("En attente", lambda qs: qs.pending()),
    "accepted": ("Acceptées", lambda qs: qs.accepted()),
    "expired": ("Expirées", lambda qs: qs.expired()),
    "revoked": ("Annulées", lambda qs: qs.filter(revoked_at__isnull=False)),
}


def invitation_list(request):
    if not can_manage_any_organization(request.user):
        raise PermissionDenied
    status = request.GET.get("statut", "")
    if status not in INVITATION_FILTERS:
        status = ""
    invitations = INVITATION_FILTERS[status][1](
        Invitation.objects.visible_to(request.user).select_related("organization", "invited_by", "accepted_by")
    )
    page = paginate(request, invitations, per_page=25)
    context = {
        "page": page,
        "status": status,
        "filters": [(key, label) for key, (label, _) in INVITATION_FILTERS.items()],
    }
    return render(request, "accounts/invitation_list.html", context)


def invitation_create(request):
    if not can_manage_any_organization(request.user):
        raise PermissionDenied
    initial = {}
    if request.GET.get("organisation", "").isdigit():
        initial["organization"] = request.GET["organisation"]
    form = InvitationForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_member(
                email=form.cleaned_data["email"],
                organization=form.cleaned_data["organization"],
                role=form.cleaned_data["role"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Invitation envoyée à {invitation.email}.")
            return redirect("accounts:invitation_list")
    return render(request, "accounts/invitation_form.html", {"form": form})


def _managed_invitation(request, pk):
    return get_object_or_404(Invitation.objects.visible_to(request.user).select_related("organization"), pk=pk)


@require_POST
def invitation_revoke(request, pk):
    invitation = _managed_invitation(request, pk)
    try:
        services.revoke_invitation(invitation, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"L'invitation de {invitation.email} est annulée : son lien ne fonctionne plus.")
    return redirect("accounts:invitation_list")


@require_POST
def invitation_resend(request, pk):
    invitation = _managed_invitation(request, pk)
    try:
        services.resend_invitation(invitation, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Un nouveau lien a été envoyé à {invitation.email}. L'ancien ne fonctionne plus.")
    return redirect("accounts:invitation_list")


def _invalid_invitation(request, invitation, token):
    status = 404 if invitation is None else 410
    context = {
        "invitation_status": None if invitation is None else invitation.status,
        "form": InvitationRenewalForm(initial={"token": token if invitation else ""}),
    }
    return render(request, "accounts/invitation_invalid.html", context, status=status)


@login_not_required
def invitation_accept(request, token):
    invitation = Invitation.objects.for_token(token).select_related("organization").first()
    if invitation is None or not invitation.is_usable:
        return _invalid_invitation(request, invitation, token)
    account = User.objects.filter(email__iexact=invitation.email).first()
    user = request.user
    context = {"invitation": invitation, "account": account}

    if user.is_authenticated and (account is None or account.pk != user.pk):
        return render(request, "accounts/invitation_wrong_account.html", context, status=403)

    if account is None:
        form = NewAccountForm(request.POST or None, email=invitation.email)
        if request.method == "POST" and form.is_valid():
            try:
                user = services.accept_invitation(
                    invitation,
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    password=form.cleaned_data["password1"],
                )
            except services.InvitationUnusable:
                return _invalid_invitation(request, invitation, token)
            except ValidationError as error:
                form.add_error(None, error)
                return render(request, "accounts/invitation_accept_new.html", {**context, "form": form})
            auth_login(request, user, backend="accounts.backends.EmailBackend")
            messages.success(
                request, f"Bienvenue ! Votre compte est créé et vous avez rejoint « {invitation.organization} »."
            )
            return redirect("accounts:dashboard")
        return render(request, "accounts/invitation_accept_new.html", {**context, "form": form})

    if not user.is_authenticated:
        login_url = f"{reverse('accounts:login')}?{urlencode({'next': request.path})}"
        return render(request, "accounts/invitation_login_first.html", {**context, "login_url": login_url})

    step = second_factor_redirect(request)
    if step is not None:
        return step
    if request.method == "POST":
        try:
            services.accept_invitation(invitation, acting_user=user)
        except services.InvitationUnusable:
            return _invalid_invitation(request, invitation, token)
        messages.success(
            request, f"Vous avez rejoint « {invitation.organization} » ({invitation.get_role_display()})."
        )
        return redirect("accounts:dashboard")
    return render(request, "accounts/invitation_accept_existing.html", context)


@login_not_required
def invitation_renewal(request):
    form = InvitationRenewalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_new_invitation(email=form.cleaned_data["email"], token=form.cleaned_data["token"])
        return render(request, "accounts/invitation_renewal_sent.html")
    return render(request, "accounts/invitation_renewal.html", {"form": form})


def my_data(request):
    """The account holder's data in one JSON document (right of access and portability)."""
    data = personal_data.export_user_data(request.user)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="mes-donnees.json"'
    response["Cache-Control"] = "no-store"
    return response
