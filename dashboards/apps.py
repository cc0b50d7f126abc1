from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    """Pilotage: dashboards per role and partner, territory coverage, the yearly report. Reads every module."""

    name = "dashboards"
    verbose_name = "Pilotage"

    def ready(self):
        from core import history, navigation
        from dashboards import permissions, providers, providers_devices, providers_events, providers_funding, registry

        providers.register_all()
        registry.register("events", "Formations et webinaires", providers_events.events_figures, order=50)
        registry.register("devices", "Reconditionnement", providers_devices.devices_figures, order=60)
        registry.register("funding", "Fonds départemental", providers_funding.funding_figures, order=70)
        navigation.register("Pilotage", "dashboards:dashboard", visible=permissions.can_view_dashboards, order=80)
        history.register_actions(
            {
                "dashboards.share_created": "Lien de partage d'un tableau de bord créé",
                "dashboards.share_revoked": "Lien de partage d'un tableau de bord révoqué",
                "dashboards.ifn_imported": "Indice de fragilité numérique importé",
            }
        )
