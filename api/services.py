"""Every write of the API app: creating and revoking tokens (one history row each), noting a token's use, recording
a quarterly report as sent. Keyword-only arguments, `acting_user`, atomic."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from api.models import ApiToken, PartnerReport, Scope, new_secret
from api.permissions import can_manage_tokens
from core.history import record

# `last_used_at` is written at most once per this interval per token (not one write per API call).
LAST_USED_PRECISION = timedelta(minutes=5)


@transaction.atomic
def create_token(*, organization, name, scopes, acting_user):
    """A new token for `organization`. Returns (token, secret): show the secret once, it is not stored."""
    if not can_manage_tokens(acting_user):
        raise PermissionDenied
    unknown = set(scopes) - set(Scope.values)
    if not scopes or unknown:
        raise ValidationError("Choisissez au moins un droit parmi ceux proposés.")
    secret, prefix, secret_hash = new_secret()
    token = ApiToken.objects.create(
        organization=organization,
        name=name.strip(),
        prefix=prefix,
        secret_hash=secret_hash,
        scopes=[scope for scope in Scope.values if scope in scopes],
        created_by=acting_user,
    )
    record(token, "api_token_created", acting_user=acting_user, changes={"scopes": [None, token.scopes]})
    return token, secret


@transaction.atomic
def revoke_token(token, *, acting_user):
    """Revoke `token` (its next call answers 401). Revoking twice changes nothing."""
    if not can_manage_tokens(acting_user):
        raise PermissionDenied
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.revoked_by = acting_user
    token.save(update_fields=["revoked_at", "revoked_by"])
    record(token, "api_token_revoked", acting_user=acting_user)
    return token


def note_token_use(token, *, now=None):
    """Remember when the token was last used, to the nearest few minutes (one UPDATE, no history row: it is a
    reading, not a change)."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def record_partner_report(*, organization, quarter, recipients):
    """Remember that `quarter`'s report went to `organization`; None when it was already recorded (another run)."""
    with transaction.atomic():
        report, created = PartnerReport.objects.get_or_create(
            organization=organization, quarter=quarter, defaults={"recipients": sorted(recipients)}
        )
        if not created:
            return None
        record(report, "partner_report_sent", acting_user=None, message=", ".join(sorted(recipients)))
    return report
