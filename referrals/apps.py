from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Orientations"

    def ready(self):
        from core import history

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
            }
        )
