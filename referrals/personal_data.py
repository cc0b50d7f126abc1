"""The referrals' part of the person record's rights (registered with `people.extensions` in apps.py): what the
access-right export shows, what moves when two records are merged, and what is blanked when the person is erased
or anonymised. Statuses, dates, places, needs and outcomes stay: they are the anonymous statistics."""

from referrals.models import Referral, ReferralAttachment, ReferralComment, ReferralTransition

ERASED = "[effacé]"


def export_referrals(person):
    referrals = (
        Referral.objects.filter(person=person)
        .select_related("target_place", "prescriber_organization")
        .prefetch_related("comments", "attachments")
        .order_by("sent_at", "pk")
    )
    return [
        {
            "numero": referral.pk,
            "envoyee_le": referral.sent_at.isoformat(),
            "par": referral.sender_label,
            "lieu": referral.target_place.name if referral.target_place else "au réseau",
            "besoins": referral.get_needs_display(),
            "urgence": referral.get_urgency_display(),
            "precisions": referral.free_text,
            "contact_prefere": referral.get_contact_preference_display(),
            "disponibilites": referral.get_availability_display(),
            "statut": referral.get_status_display(),
            "premier_rendez_vous": referral.appointment_at.isoformat() if referral.appointment_at else None,
            "motif_du_refus": referral.get_decline_reason_display() if referral.decline_reason else None,
            "nombre_de_seances": referral.sessions_count,
            "autonomie_atteinte": referral.get_autonomy_display() if referral.autonomy else None,
            "orientation_suivante": referral.further_orientation,
            "messages": [
                {"le": comment.created_at.isoformat(), "cote": comment.get_side_display(), "texte": comment.body}
                for comment in referral.comments.all()
            ],
            "pieces_jointes": [
                {"nom": attachment.original_name, "deposee_le": attachment.uploaded_at.isoformat()}
                for attachment in referral.attachments.all()
            ],
        }
        for referral in referrals
    ]


def move_referrals(duplicate, into, *, acting_user):
    return {"orientations": Referral.objects.filter(person=duplicate).update(person=into)}


def erase_referral_texts(person):
    """Free texts may name the person or their situation: blanked — in the referrals, their messages, their status
    changes and their history rows (notes, details, file names). Attached files are deleted, their names blanked."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import HistoryEntry
    from referrals.attachments import purge_attachment

    referrals = Referral.objects.filter(person=person)
    referrals.exclude(free_text="", decline_details="", further_orientation="").update(
        free_text="", decline_details="", further_orientation=""
    )
    ReferralComment.objects.filter(referral__in=referrals).update(body=ERASED)
    ReferralTransition.objects.filter(referral__in=referrals).exclude(note="").update(note=ERASED)
    for attachment in [a for r in referrals.prefetch_related("attachments") for a in r.attachments.all()]:
        if not attachment.is_purged:
            purge_attachment(attachment)
    ReferralAttachment.objects.filter(referral__in=referrals).update(original_name=ERASED)
    HistoryEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Referral),
        object_id__in=[str(pk) for pk in referrals.values_list("pk", flat=True)],
    ).update(changes={}, message="")
