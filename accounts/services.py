"""Every write of accounts that has rules or side effects. Keyword-only arguments, `acting_user`, one history row
per change, e-mails queued after commit."""

import math
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import emails
from accounts.models import (
    Invitation,
    LoginFailure,
    Membership,
    Organization,
    Role,
    User,
    invitation_expiry,
    new_invitation_token,
    normalize_login_email,
)
from accounts.permissions import can_grant_role, can_invite, can_manage_invitation, can_remove_membership
from core.history import diff, record, snapshot

ORGANIZATION_FIELDS = ["name", "siret", "typology", "commune", "is_partner", "is_network_member", "email", "phone"]
PROFILE_FIELDS = ["first_name", "last_name", "phone"]
RENEWAL_REQUEST_INTERVAL = timedelta(hours=24)


class InvitationUnusable(Exception):
    """The invitation was accepted, revoked or has expired."""


# Login security ---------------------------------------------------------------------------------------------------


def lockout_remaining_minutes(email):
    """Minutes left before `email` may try to log in again, or 0 when it is not locked out. The same answer for an
    e-mail with or without an account."""
    limit = settings.LOGIN_FAILURE_LIMIT
    times = list(
        LoginFailure.objects.recent(email).order_by("-created_at").values_list("created_at", flat=True)[:limit]
    )
    if len(times) < limit:
        return 0
    unlock_at = times[-1] + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    seconds = (unlock_at - timezone.now()).total_seconds()
    return max(1, math.ceil(seconds / 60)) if seconds > 0 else 0


def register_login_failure(*, email, ip_address=None):
    """Store one failed attempt. When it reaches the limit, the account (if any) gets a history row and an e-mail."""
    email = normalize_login_email(email)[:254]
    LoginFailure.objects.create(email=email, ip_address=ip_address or None)
    if LoginFailure.objects.recent(email).count() == settings.LOGIN_FAILURE_LIMIT:
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is not None:
            record(
                user,
                "login_locked",
                acting_user=None,
                changes={"ip_address": ip_address, "minutes": settings.LOGIN_LOCKOUT_MINUTES},
                message=f"Connexion bloquée après {settings.LOGIN_FAILURE_LIMIT} échecs.",
            )
            emails.send_lockout_email(user)


def clear_login_failures(email):
    """A successful login or a new password wipes the failures of this e-mail."""
    LoginFailure.objects.filter(email=normalize_login_email(email)).delete()


# Profile ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def update_profile(user, *, acting_user, first_name, last_name, phone):
    before = snapshot(user, PROFILE_FIELDS)
    user.first_name, user.last_name, user.phone = first_name.strip(), last_name.strip(), phone.strip()
    user.full_clean()
    user.save(update_fields=PROFILE_FIELDS)
    changes = diff(before, snapshot(user, PROFILE_FIELDS))
    if changes:
        record(user, "profile_updated", acting_user=acting_user, changes=changes)
    return user


# Organisations ---------------------------------------------------------------------------------------------------


@transaction.atomic
def create_organization(*, acting_user, **fields):
    """Create an organisation with `fields` (see ORGANIZATION_FIELDS). Coordinators and administrators only."""
    from accounts.permissions import can_create_organization

    if not can_create_organization(acting_user):
        raise PermissionDenied
    unknown = set(fields) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise TypeError(f"Champs inconnus : {', '.join(sorted(unknown))}")
    organization = Organization(**fields)
    organization.full_clean()
    organization.save()
    record(organization, "organization_created", acting_user=acting_user, changes=snapshot(organization, fields))
    return organization


@transaction.atomic
def update_organization(organization, *, acting_user, **fields):
    """Change some fields of an organisation. The partner and network flags need a coordinator or administrator."""
    from accounts.permissions import can_edit_organization, can_set_network_flags

    if not can_edit_organization(acting_user, organization):
        raise PermissionDenied
    unknown = set(fields) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise TypeError(f"Champs inconnus : {', '.join(sorted(unknown))}")
    flags = {"is_partner", "is_network_member"} & set(fields)
    if any(fields[f] != getattr(organization, f) for f in flags) and not can_set_network_flags(acting_user):
        raise PermissionDenied
    before = snapshot(organization, ORGANIZATION_FIELDS)
    for name, value in fields.items():
        setattr(organization, name, value)
    organization.full_clean()
    organization.save()
    changes = diff(before, snapshot(organization, ORGANIZATION_FIELDS))
    if changes:
        record(organization, "organization_updated", acting_user=acting_user, changes=changes)
    return organization


# Memberships -----------------------------------------------------------------------------------------------------


@transaction.atomic
def add_membership(*, user, organization, role, acting_user):
    """Give `user` the `role` in `organization`. `acting_user` must be allowed to grant that role there (None means
    the system, e.g. an accepted invitation whose rights were checked when it was sent)."""
    if acting_user is not None and not can_grant_role(acting_user, organization, role):
        raise PermissionDenied
    if Membership.objects.filter(user=user, organization=organization, role=role).exists():
        raise ValidationError("Cette personne a déjà ce rôle dans cette organisation.")
    membership = Membership.objects.create(user=user, organization=organization, role=role)
    record(
        membership,
        "membership_added",
        acting_user=acting_user,
        changes={"user": user.email, "organization": str(organization), "role": role},
    )
    return membership


@transaction.atomic
def remove_membership(membership, *, acting_user):
    if not can_remove_membership(acting_user, membership):
        raise PermissionDenied
    record(
        membership,
        "membership_removed",
        acting_user=acting_user,
        changes={"user": membership.user.email, "organization": str(membership.organization), "role": membership.role},
    )
    membership.delete()


# Invitations -----------------------------------------------------------------------------------------------------


@transaction.atomic
def invite_member(*, email, organization, role, acting_user):
    """Invite `email` to join `organization` with `role`, and e-mail the single-use link after commit.

    An expired invitation for the same e-mail, organisation and role is closed and replaced; a pending one is
    refused (resend it instead)."""
    if not can_invite(acting_user, organization) or not can_grant_role(acting_user, organization, role):
        raise PermissionDenied
    email = User.objects.normalize_email(email).strip().lower()
    if Membership.objects.filter(user__email__iexact=email, organization=organization, role=role).exists():
        raise ValidationError("Cette personne a déjà ce rôle dans cette organisation.")
    now = timezone.now()
    existing = Invitation.objects.open().filter(email=email, organization=organization, role=role).first()
    if existing is not None:
        if existing.expires_at > now:
            raise ValidationError(
                "Une invitation est déjà en attente pour cette adresse, cette organisation et ce rôle. "
                "Vous pouvez la renvoyer depuis la liste des invitations."
            )
        existing.revoked_at = now
        existing.save(update_fields=["revoked_at"])
        record(existing, "invitation_replaced", acting_user=acting_user, message="Invitation expirée remplacée.")
    token, token_hash = new_invitation_token()
    invitation = Invitation(
        email=email,
        organization=organization,
        role=role,
        token_hash=token_hash,
        invited_by=acting_user,
        created_at=now,
        expires_at=invitation_expiry(now),
    )
    invitation.full_clean()
    invitation.save()
    record(invitation, "invitation_sent", acting_user=acting_user, changes={"email": email, "role": role})
    emails.send_invitation_email(invitation, token)
    return invitation


@transaction.atomic
def resend_invitation(invitation, *, acting_user):
    """Send a fresh link (the previous one stops working) valid for the usual duration."""
    if not can_manage_invitation(acting_user, invitation):
        raise PermissionDenied
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError("Cette invitation a déjà été acceptée ou annulée : elle ne peut pas être renvoyée.")
    before = {"expires_at": invitation.expires_at.isoformat()}
    token, invitation.token_hash = new_invitation_token()
    invitation.expires_at = invitation_expiry()
    invitation.renewal_requested_at = None
    invitation.save(update_fields=["token_hash", "expires_at", "renewal_requested_at"])
    record(
        invitation,
        "invitation_resent",
        acting_user=acting_user,
        changes={"expires_at": [before["expires_at"], invitation.expires_at.isoformat()]},
    )
    emails.send_invitation_email(invitation, token)
    return invitation


@transaction.atomic
def revoke_invitation(invitation, *, acting_user):
    if not can_manage_invitation(acting_user, invitation):
        raise PermissionDenied
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError("Cette invitation a déjà été acceptée ou annulée.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(invitation, "invitation_revoked", acting_user=acting_user)
    return invitation


@transaction.atomic
def accept_invitation(invitation, *, acting_user=None, first_name="", last_name="", password=None):
    """Use the invitation: the logged-in `acting_user` (whose e-mail must be the invited one) gets the role; without
    `acting_user`, an account is created for the invited e-mail with the given names and password.
    Returns the user. Raises InvitationUnusable when the link was used, revoked or has expired."""
    invitation = Invitation.objects.select_for_update().select_related("organization").get(pk=invitation.pk)
    if not invitation.is_usable:
        raise InvitationUnusable(invitation.status)
    if acting_user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError("Un compte existe déjà pour cette adresse : connectez-vous pour accepter.")
        user = User.objects.create_user(
            email=invitation.email, password=password, first_name=first_name.strip(), last_name=last_name.strip()
        )
        record(user, "user_created", acting_user=user, message=f"Compte créé par invitation ({invitation.pk}).")
    else:
        if acting_user.email.lower() != invitation.email.lower():
            raise PermissionDenied
        user = acting_user
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record(invitation, "invitation_accepted", acting_user=user)
    if not Membership.objects.filter(user=user, organization=invitation.organization, role=invitation.role).exists():
        add_membership(user=user, organization=invitation.organization, role=invitation.role, acting_user=None)
    return user


@transaction.atomic
def request_new_invitation(*, email, token=""):
    """Someone whose link no longer works asks for a new one. The inviter and the organisation's admins (else the
    coordinators) are told by e-mail, at most once a day per invitation. Never says whether anything matched."""
    email = normalize_login_email(email)
    invitations = Invitation.objects.filter(email__iexact=email, accepted_at__isnull=True)
    if token:
        invitations = invitations.for_token(token)
    invitation = invitations.select_related("organization", "invited_by").order_by("-created_at").first()
    if invitation is None:
        return None
    now = timezone.now()
    if invitation.renewal_requested_at and now - invitation.renewal_requested_at < RENEWAL_REQUEST_INTERVAL:
        return None
    invitation.renewal_requested_at = now
    invitation.save(update_fields=["renewal_requested_at"])
    record(invitation, "invitation_renewal_requested", acting_user=None)
    active = User.objects.filter(is_active=True)
    recipients = set(
        active.filter(memberships__organization=invitation.organization, memberships__role=Role.ORG_ADMIN).values_list(
            "email", flat=True
        )
    )
    if invitation.invited_by and invitation.invited_by.is_active:
        recipients.add(invitation.invited_by.email)
    if not recipients:
        recipients = set(active.filter(memberships__role=Role.COORDINATOR).values_list("email", flat=True))
    emails.send_invitation_renewal_request_email(invitation, recipients)
    return invitation


@transaction.atomic
def note_password_changed(user, *, acting_user, by_reset=False):
    """After Django's forms set a new password: forget the login failures and keep a trace."""
    clear_login_failures(user.email)
    record(user, "password_reset" if by_reset else "password_changed", acting_user=acting_user)


@transaction.atomic
def enable_second_factor(device, *, acting_user):
    """Confirm a TOTP device whose first code was just checked."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(device.user, "otp_enabled", acting_user=acting_user, message="Double authentification activée.")
    return device
