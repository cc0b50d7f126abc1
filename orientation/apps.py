from django.apps import AppConfig


class OrientationConfig(AppConfig):
    """The public doors into the network, for people without an account: the guided search for a place, the
    digital-autonomy diagnostic and « être rappelé »."""

    name = "orientation"
    verbose_name = "Parcours public"

    def ready(self):
        from core import home, navigation

        navigation.register("Trouver de l'aide", "orientation:guide", order=4)
        home.register_door(
            "Trouver un lieu près de chez moi",
            "Quatre questions simples, puis les lieux qui peuvent vous aider.",
            "orientation:guide",
            order=10,
        )
        home.register_door(
            "Être rappelé",
            "Laissez votre numéro : quelqu'un du réseau vous appelle.",
            "orientation:callback",
            order=20,
        )
        home.register_door(
            "Faire le point sur le numérique",
            "Douze questions pour savoir ce que vous savez déjà faire et ce que vous pouvez apprendre.",
            "orientation:diagnostic",
            order=30,
        )
        self._connect_diagnostic()

    @staticmethod
    def _connect_diagnostic():
        """The diagnostic attached to a person: its history wording, its place in the person's timeline, export
        and merge, and the « Faire le diagnostic numérique » button of the person page. Nothing to erase: a
        diagnostic holds answers, a level and dates, anonymous once the person's identity is blanked."""
        from core import history
        from orientation import permissions, services
        from people import actions, extensions, timeline

        history.register_actions({"diagnostic_attached": "Diagnostic numérique joint à la fiche"})
        timeline.register(services.timeline_events)
        extensions.register_exporter("diagnostics_numeriques", services.export_diagnostics)
        extensions.register_merge_handler(services.move_diagnostics)
        actions.register(
            "Faire le diagnostic numérique",
            "orientation:diagnostic_person",
            visible=permissions.can_run_diagnostic_for,
        )
