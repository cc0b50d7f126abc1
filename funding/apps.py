from django.apps import AppConfig


class FundingConfig(AppConfig):
    """Fonds départemental: partners' contributions, calls for projects, applications, grants, payments, reports."""

    name = "funding"
    verbose_name = "Fonds départemental"

    def ready(self):
        from core import history, home, navigation
        from funding import permissions

        home.register_door(
            "Structures du réseau : appels à projets",
            "Les appels à projets du fonds départemental d'inclusion numérique, et comment candidater.",
            "funding:calls_public",
            order=90,
        )

        history.register_actions(
            {
                "fund_funder_created": "Financeur du fonds enregistré",
                "fund_contribution_created": "Contribution au fonds enregistrée",
                "fund_receipt_recorded": "Versement d'un financeur reçu",
                "fund_earmark_added": "Fléchage ajouté à une contribution",
                "fund_funder_updated": "Financeur du fonds corrigé",
                "fund_contribution_updated": "Contribution au fonds corrigée",
                "fund_receipt_updated": "Versement d'un financeur corrigé",
                "fund_earmark_updated": "Fléchage d'une contribution corrigé",
                "fund_criterion_updated": "Critère d'un appel à projets corrigé",
                "fund_call_created": "Appel à projets créé",
                "fund_call_updated": "Appel à projets modifié",
                "fund_call_published": "Appel à projets publié",
                "fund_call_closed": "Appel à projets clos",
                "fund_criterion_added": "Critère ajouté à un appel à projets",
                "fund_application_created": "Candidature créée (brouillon)",
                "fund_application_updated": "Candidature modifiée",
                "fund_application_line_added": "Ligne ajoutée à une candidature",
                "fund_application_line_removed": "Ligne retirée d'une candidature",
                "fund_document_added": "Document joint à une candidature",
                "fund_document_removed": "Document retiré d'une candidature",
                "fund_application_submitted": "Candidature déposée",
                "fund_application_resubmitted": "Candidature déposée à nouveau",
                "fund_application_review_started": "Instruction de la candidature commencée",
                "fund_application_info_requested": "Compléments demandés",
                "fund_review_added": "Avis d'instruction donné",
                "fund_application_accepted": "Subvention accordée",
                "fund_application_rejected": "Candidature refusée",
                "fund_decision_revised": "Décision révisée",
                "fund_application_withdrawn": "Candidature retirée",
                "fund_payment_recorded": "Versement d'une subvention enregistré",
                "fund_final_report_submitted": "Bilan final déposé",
                "fund_report_reminder_sent": "Relance pour le bilan final",
            }
        )
        navigation.register("Fonds départemental", "funding:ledger", visible=permissions.manages_fund, order=70)
        navigation.register(
            "Mes candidatures au fonds", "funding:my_applications", visible=permissions.can_apply, order=71
        )
