from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The read API for partners' systems (places, events, aggregated figures), with its OpenAPI schema and tokens,
    the open-data page and the quarterly reports e-mailed to partners."""

    name = "api"
    verbose_name = "API"

    def ready(self):
        from api import permissions
        from core import history, navigation

        navigation.register("Jetons d'API", "api:token_list", visible=permissions.can_manage_tokens, order=88)
        history.register_actions(
            {
                "api_token_created": "Jeton d'API créé",
                "api_token_revoked": "Jeton d'API révoqué",
                "partner_report_queued": "Rapport trimestriel mis en file d'envoi",
                "partner_report_sent": "Rapport trimestriel envoyé au partenaire",
                "partner_report_failed": "Échec de l'envoi du rapport trimestriel (renvoyé au prochain passage)",
            }
        )
