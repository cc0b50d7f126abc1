from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Comptes et organisations"

    def ready(self):
        from accounts import permissions
        from core import history, navigation
        from core.permissions import set_history_reader

        set_history_reader(permissions.can_read_history)

        history.register_actions(
            {
                "user_created": "Création du compte",
                "profile_updated": "Modification du profil",
                "notification_preferences_updated": "Modification des préférences de notification",
                "password_reset": "Nouveau mot de passe",
                "login_locked": "Connexion bloquée (trop d'échecs)",
                "otp_enabled": "Double authentification activée",
                "user_anonymized": "Compte anonymisé",
                "organization_created": "Création de l'organisation",
                "organization_updated": "Modification de l'organisation",
                "membership_added": "Rôle donné",
                "membership_removed": "Rôle retiré",
                "invitation_sent": "Invitation envoyée",
                "invitation_replaced": "Invitation remplacée par un nouveau lien",
                "invitation_revoked": "Invitation annulée",
                "invitation_accepted": "Invitation acceptée",
                "invitation_renewal_requested": "Nouveau lien d'invitation demandé",
            }
        )

        def logged_in(user):
            return user.is_authenticated

        navigation.register("Tableau de bord", "accounts:dashboard", visible=logged_in, order=10)
        navigation.register("Organisations", "accounts:organization_list", visible=logged_in, order=20)
        navigation.register(
            "Membres et invitations",
            "accounts:invitation_list",
            visible=permissions.can_manage_any_organization,
            order=80,
        )
        navigation.register("Historique", "core:history", visible=permissions.can_read_history, order=90)
