from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "places"
    verbose_name = "Lieux"

    def ready(self):
        from core import history, home, navigation
        from places import permissions

        history.register_actions(
            {
                "place_created": "Création du lieu",
                "place_updated": "Modification du lieu",
                "place_published": "Lieu publié",
                "place_republished": "Lieu publié à nouveau",
                "place_archived": "Lieu archivé",
                "place_confirmed": "Lieu confirmé « toujours exact »",
                "place_reminder_sent": "Rappel de mise à jour envoyé",
                "place_error_report_fixed": "Signalement d'erreur corrigé",
                "place_error_report_dismissed": "Signalement d'erreur classé sans suite",
                "place_error_reported": "Erreur signalée sur la fiche",
                "place_imported": "Lieu créé par import",
                "place_import_updated": "Lieu mis à jour par import",
                "places_import_done": "Import de lieux",
                "place_merged": "Doublon fusionné dans ce lieu",
                "place_merged_into": "Lieu fusionné dans un autre (doublon)",
            }
        )
        navigation.register("Trouver un lieu", "places:search", order=5)
        home.register_door(
            "Voir tous les lieux sur une carte",
            "L'annuaire de tous les lieux du réseau, avec leurs horaires et leurs services.",
            "places:search",
            order=40,
        )
        navigation.register("Mes lieux", "places:manage_list", visible=permissions.can_edit_some_place, order=30)
        navigation.register(
            "Modération des lieux", "places:moderation", visible=permissions.can_moderate_places, order=35
        )
        navigation.register(
            "Importer des lieux", "places:import_upload", visible=permissions.can_moderate_places, order=36
        )
