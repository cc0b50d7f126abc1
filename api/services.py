"""Every write of the API app: creating and revoking tokens (one history row each), noting a token's use, queueing
a quarterly report and marking it sent or failed. Keyword-only arguments, `acting_user`, atomic."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from api.models import TOKEN_VALIDITY, ApiToken, PartnerReport, Scope, default_expiry, new_secret
from api.permissions import can_manage_tokens
from core.history import record

# `last_used_at` is written at most once per this interval per token (not one write per API call).
LAST_USED_PRECISION = timedelta(minutes=5)


@transaction.atomic
def create_token(*, organization, name, scopes, acting_user, expires_on=None):
    """A new token for `organization`, valid until `expires_on` included (default: a year from today; two years at
    most, otherwise ValidationError). Returns (token, secret): show the secret once, it is not stored."""
    if not can_manage_tokens(acting_user):
        raise PermissionDenied
    unknown = set(scopes) - set(Scope.values)
    if not scopes or unknown:
        raise ValidationError("Choisissez au moins un droit parmi ceux proposés.")
    expires_on = expires_on or default_expiry()
    TOKEN_VALIDITY.check(expires_on)
    secret, prefix, secret_hash = new_secret()
    token = ApiToken.objects.create(
        organization=organization,
        name=name.strip(),
        prefix=prefix,
        secret_hash=secret_hash,
        scopes=[scope for scope in Scope.values if scope in scopes],
        expires_on=expires_on,
        created_by=acting_user,
    )
    changes = {"scopes": [None, token.scopes], "expires_on": [None, expires_on.isoformat()]}
    record(token, "api_token_created", acting_user=acting_user, changes=changes)
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


@transaction.atomic
def queue_partner_report(*, organization, quarter, recipients, now=None):
    """Put `quarter`'s report to `organization` in the sending queue — a new one, or one whose sending failed or was
    lost — and return it; None when it is sent or already queued (another run). The caller enqueues the task."""
    now = now or timezone.now()
    report, created = PartnerReport.objects.select_for_update().get_or_create(
        organization=organization, quarter=quarter, defaults={"recipients": sorted(recipients), "queued_at": now}
    )
    if not created:
        if not report.is_due(now):
            return None
        report.status = PartnerReport.Status.QUEUED
        report.recipients = sorted(recipients)
        report.queued_at = now
        report.save(update_fields=["status", "recipients", "queued_at"])
    record(report, "partner_report_queued", acting_user=None, message=", ".join(report.recipients))
    return report


def mark_partner_report_sent(report):
    """The e-mail has left: the report is sent (called by the task, inside its locked transaction)."""
    report.status = PartnerReport.Status.SENT
    report.sent_at = timezone.now()
    report.attempts += 1
    report.last_error = ""
    report.save(update_fields=["status", "sent_at", "attempts", "last_error"])
    record(report, "partner_report_sent", acting_user=None, message=", ".join(report.recipients))


@transaction.atomic
def mark_partner_report_failed(*, report_id, error):
    """The e-mail did not leave: the report stays unsent, with the error, for the next `send_partner_reports`."""
    report = PartnerReport.objects.select_for_update().filter(pk=report_id, status=PartnerReport.Status.QUEUED).first()
    if report is None:
        return None
    report.status = PartnerReport.Status.FAILED
    report.attempts += 1
    report.last_error = f"{type(error).__name__} : {error}"[:2000]
    report.save(update_fields=["status", "attempts", "last_error"])
    record(report, "partner_report_failed", acting_user=None, message=report.last_error)
    return report
