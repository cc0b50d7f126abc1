from django.apps import AppConfig


def person_referral_events(person, viewer):
    """The person's timeline: one event per referral `viewer` may see (sent date, place and status, link)."""
    from django.urls import reverse

    from people.timeline import TimelineEvent
    from referrals.models import Referral

    events = []
    for referral in (
        (Referral.objects.visible_to(viewer) if viewer else Referral.objects.none())
        .filter(person=person)
        .select_related("target_place")
        .order_by("-sent_at")
    ):
        where = f"vers {referral.target_place.name}" if referral.target_place else "au réseau"
        events.append(
            TimelineEvent(
                date=referral.sent_at,
                label=f"Orientation {where} : {referral.get_status_display().lower()}",
                url=reverse("referrals:detail", args=[referral.pk]),
                module="orientations",
            )
        )
    return events


def can_refer_person(user, person):
    """« Orienter cette personne »: anyone who may send a referral on behalf of one of their organisations
    (prescribers, mediators and organisation admins; see `permissions.can_send_referral`)."""
    from referrals.permissions import can_see_sent_referrals

    return person.anonymized_at is None and can_see_sent_referrals(user)


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Orientations"

    def ready(self):
        from core import history, navigation
        from people import actions, extensions, timeline
        from referrals import permissions, personal_data

        navigation.register("Mes orientations", "referrals:mine", visible=permissions.can_see_sent_referrals, order=42)
        navigation.register(
            "Orientations reçues", "referrals:place_inboxes", visible=permissions.can_see_some_inbox, order=44
        )
        navigation.register(
            "Toutes les orientations", "referrals:coordination", visible=permissions.can_see_all_referrals, order=46
        )
        timeline.register(person_referral_events)
        actions.register("Orienter cette personne", "referrals:create", visible=can_refer_person)
        extensions.register_exporter("orientations", personal_data.export_referrals)
        extensions.register_merge_handler(personal_data.move_referrals)
        extensions.register_eraser(personal_data.erase_referral_texts)

        history.register_actions(
            {
                "referral_sent": "Orientation envoyée",
                "referral_review_started": "Orientation en cours d'examen",
                "referral_accepted": "Orientation acceptée",
                "referral_declined": "Orientation refusée",
                "referral_started": "Premier rendez-vous fixé",
                "referral_appointment_changed": "Rendez-vous modifié",
                "referral_closed": "Accompagnement terminé",
                "referral_cancelled": "Orientation annulée par le prescripteur",
                "referral_transferred": "Orientation transférée à un autre lieu",
                "referral_expired": "Orientation expirée (sans réponse)",
                "referral_dispatched": "Orientation attribuée à un lieu par la coordination",
                "referral_commented": "Commentaire sur l'orientation",
                "referral_attachment_added": "Pièce jointe ajoutée à l'orientation",
                "referral_attachment_purged": "Pièce jointe supprimée (fichier effacé)",
                "referral_link_opened": "Lien de réponse ouvert (sans connexion)",
                "referral_reminded": "Relance du lieu (orientation sans réponse)",
            }
        )
