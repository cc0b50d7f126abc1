from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "Personnes accompagnées"

    def ready(self):
        from core import history, navigation
        from people import permissions

        history.register_actions(
            {
                "person_created": "Création de la fiche de la personne",
                "person_updated": "Rectification de la fiche de la personne",
                "person_viewed": "Consultation de la fiche de la personne",
                "person_consent_recorded": "Consentement enregistré",
                "person_consent_withdrawn": "Consentement retiré",
                "person_organization_involved": "Organisation impliquée auprès de la personne",
                "person_erased": "Effacement des données de la personne",
                "person_merged": "Doublon fusionné dans cette fiche",
                "person_merged_into": "Fiche fusionnée dans une autre (doublon)",
            }
        )
        navigation.register("Personnes accompagnées", "people:list", visible=permissions.can_see_some_person, order=40)
