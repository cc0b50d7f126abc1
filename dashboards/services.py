"""Writes of the pilotage: share links (create, revoke) and the import of IFN scores. One history row each."""

from django.db import transaction
from django.utils import timezone

from core.history import record
from dashboards.models import SHARE_LINK_VALIDITY, IFNScore, ShareLink, default_expiry
from geo.models import Commune


@transaction.atomic
def create_share_link(*, label, organization, filters, acting_user, expires_on=None):
    """A new link, valid until `expires_on` (default and bounds: `SHARE_LINK_VALIDITY`, otherwise
    ValidationError)."""
    expires_on = expires_on or default_expiry()
    SHARE_LINK_VALIDITY.check(expires_on)
    link = ShareLink.objects.create(
        label=label, organization=organization, filters=filters, expires_on=expires_on, created_by=acting_user
    )
    changes = {"filters": filters, "expires_on": expires_on.isoformat()}
    record(link, "dashboards.share_created", acting_user=acting_user, changes=changes)
    return link


@transaction.atomic
def revoke_share_link(link, *, acting_user):
    """Revoking twice changes nothing the second time."""
    link = ShareLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None:
        return link
    link.revoked_at = timezone.now()
    link.revoked_by = acting_user if acting_user is not None and acting_user.is_authenticated else None
    link.save(update_fields=["revoked_at", "revoked_by"])
    record(link, "dashboards.share_revoked", acting_user=acting_user)
    return link


@transaction.atomic
def import_ifn_scores(*, scores, level, version, variant, scale, acting_user=None):
    """Write `scores` ({code: Decimal}) for one level, vintage and variant: new codes created, changed ones
    updated, others untouched. Commune codes unknown to the territory are returned, not imported.
    Returns (created, updated, unknown codes)."""
    communes = set()
    if level == IFNScore.Level.COMMUNE:
        communes = set(Commune.objects.filter(pk__in=list(scores)).values_list("pk", flat=True))
    existing = {
        score.code: score
        for score in IFNScore.objects.filter(level=level, version=version, variant=variant, code__in=list(scores))
    }
    created, updated, unknown, now = [], [], [], timezone.now()
    for code, value in scores.items():
        if level == IFNScore.Level.COMMUNE and code not in communes:
            unknown.append(code)
            continue
        score = existing.get(code)
        if score is None:
            created.append(
                IFNScore(
                    level=level,
                    code=code,
                    commune_id=code if level == IFNScore.Level.COMMUNE else None,
                    version=version,
                    variant=variant,
                    scale=scale,
                    score=value,
                    imported_at=now,
                )
            )
        elif score.score != value or score.scale != scale:
            score.score, score.scale, score.imported_at = value, scale, now
            updated.append(score)
    IFNScore.objects.bulk_create(created, batch_size=2000)
    IFNScore.objects.bulk_update(updated, ["score", "scale", "imported_at"], batch_size=2000)
    if created or updated:
        marker = created[0] if created else updated[0]
        record(
            marker,
            "dashboards.ifn_imported",
            acting_user=acting_user,
            changes={
                "version": version,
                "level": level,
                "variant": variant,
                "created": len(created),
                "updated": len(updated),
            },
        )
    return len(created), len(updated), sorted(unknown)
