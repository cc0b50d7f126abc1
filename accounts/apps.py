from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Comptes et organisations"

    def ready(self):
        from accounts import permissions
        from core import navigation

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
