from django.apps import AppConfig


class EventsConfig(AppConfig):
    """Événements: trainings for aidants, public webinars relayed in several places, workshops and the forum."""

    name = "events"
    verbose_name = "Événements"

    def ready(self):
        from core import history, navigation
        from devices import training
        from events import attendance, figures, permissions, personal_data, personal_data_attendance, suggestions
        from orientation import diagnostic
        from people import actions, extensions, timeline

        navigation.register("Événements", "events:calendar", order=6)
        navigation.register(
            "Gestion des événements", "events:manage_list", visible=permissions.can_manage_events, order=60
        )
        navigation.register("Accueil des séances", "events:hosting", visible=attendance.may_host_sessions, order=61)
        navigation.register("Chiffres des événements", "events:figures", visible=figures.can_read_figures, order=62)
        diagnostic.register_sessions_provider(suggestions.sessions_for_diagnostic)
        training.register_sessions_provider(suggestions.sessions_for_device_training)
        actions.register("Inscrire à un événement", "events:register_person", visible=permissions.can_register_person)
        timeline.register(personal_data.timeline_events)
        extensions.register_exporter("evenements", personal_data.export_registrations)
        extensions.register_merge_handler(personal_data.move_registrations)
        extensions.register_eraser(personal_data.erase_registration_contacts)
        extensions.register_exporter("evenements_avis", personal_data_attendance.export_survey_answers)
        extensions.register_eraser(personal_data_attendance.erase_survey_comments)
        history.register_actions(
            {
                "event_series_created": "Série d'événements créée",
                "event_created": "Événement créé",
                "event_updated": "Événement modifié",
                "event_published": "Événement publié",
                "event_cancelled": "Événement annulé",
                "event_session_created": "Séance ajoutée",
                "event_session_updated": "Séance modifiée",
                "event_session_cancelled": "Séance annulée",
                "event_relay_site_added": "Lieu relais ajouté",
                "event_relay_site_host_changed": "Personne qui accueille au lieu relais changée",
                "event_relay_site_withdrawn": "Lieu relais retiré (inscriptions annulées)",
                "event_relay_site_removed": "Lieu relais supprimé",
                "event_registration_cancelled_relay_site_removed": "Inscription annulée (lieu relais retiré)",
                "event_capacity_changed": "Nombre de places modifié",
                "event_registration_confirmed": "Inscription confirmée",
                "event_registration_waitlisted": "Inscription sur liste d'attente",
                "event_registration_promoted": "Inscription confirmée depuis la liste d'attente",
                "event_registration_waitlisted_by_capacity": "Inscription remise en liste d'attente (places réduites)",
                "event_registration_cancelled": "Inscription annulée",
                "event_registration_checked_in": "Présence notée",
                "event_registration_absent": "Absence notée",
                "event_certificate_sent": "Attestation de présence envoyée",
                "event_survey_sent": "Questionnaire de satisfaction envoyé",
                "event_survey_answered": "Questionnaire de satisfaction rempli",
            }
        )
