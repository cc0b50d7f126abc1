from django.apps import AppConfig


def can_ask_for_device(user, person):
    """« Demander un ordinateur »: prescribers, mediators and organisation admins (see
    `devices.permissions.can_request_device`), for a person not anonymised."""
    from devices.permissions import can_request_device

    return person.anonymized_at is None and can_request_device(user)


class DevicesConfig(AppConfig):
    """Reconditionnement: donated computers, their erasure proof, the stock, requests through prescribers, delivery."""

    name = "devices"
    verbose_name = "Reconditionnement"

    def ready(self):
        from core import history, navigation
        from devices import permissions, personal_data
        from people import actions, extensions, timeline

        navigation.register("Reconditionnement", "devices:stock", visible=permissions.can_see_stock, order=60)
        navigation.register("Demandes d'appareil", "devices:queue", visible=permissions.can_see_stock, order=61)
        navigation.register(
            "Mes demandes d'appareil", "devices:my_requests", visible=permissions.can_request_device, order=62
        )
        navigation.register(
            "Impact du reconditionnement", "devices:impact", visible=permissions.can_see_impact, order=63
        )
        actions.register("Demander un ordinateur", "devices:request_create", visible=can_ask_for_device)
        timeline.register(personal_data.timeline_events)
        extensions.register_exporter("reconditionnement", personal_data.export_requests)
        extensions.register_merge_handler(personal_data.move_requests)
        extensions.register_eraser(personal_data.erase_request_texts)
        history.register_actions(
            {
                "device_donation_created": "Don d'appareils enregistré",
                "device_received": "Appareil reçu",
                "device_updated": "Caractéristiques de l'appareil modifiées",
                "device_erased": "Données de l'appareil effacées (preuve enregistrée)",
                "device_refurbished": "Appareil reconditionné",
                "device_ready": "Appareil prêt à remettre",
                "device_reserved": "Appareil réservé pour une demande",
                "device_reservation_released": "Réservation de l'appareil levée",
                "device_delivered": "Appareil remis",
                "device_recycled": "Appareil envoyé au recyclage",
                "device_request_created": "Demande d'appareil enregistrée",
                "device_request_reserved": "Appareil réservé pour la demande",
                "device_request_released": "Demande remise en file d'attente",
                "device_request_cancelled": "Demande d'appareil annulée",
                "device_request_priority_changed": "Priorité de la demande d'appareil modifiée",
                "device_request_delivered": "Appareil remis à la personne",
                "device_eligibility_rule_changed": "Règle d'éligibilité modifiée",
                "device_co2_factor_changed": "Facteur CO2e modifié",
                "device_work_logged": "Heures d'insertion saisies",
                "device_photo_added": "Photo de l'appareil ajoutée",
            }
        )
