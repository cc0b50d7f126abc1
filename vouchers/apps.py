from django.apps import AppConfig


class VouchersConfig(AppConfig):
    """Pass Numérique: the département's voucher books, from the order to the counter-payment."""

    name = "vouchers"
    verbose_name = "Pass Numérique"

    def ready(self):
        from core import history, navigation
        from people import extensions, timeline
        from vouchers import permissions, personal_data

        history.register_actions(
            {
                "voucher_order_created": "Commande de Pass Numérique enregistrée",
                "voucher_serials_generated": "Numéros des carnets et des pass générés",
                "voucher_serials_imported": "Numéros des carnets et des pass importés",
                "voucher_books_allocated": "Carnets attribués à une organisation",
                "voucher_books_shipped": "Carnets envoyés",
                "voucher_shipment_received": "Réception des carnets confirmée",
                "voucher_book_handed_out": "Carnet remis à une personne",
                "voucher_pass_redeemed": "Pass encaissé",
                "voucher_redemption_cancelled": "Encaissement d'un pass annulé",
                "voucher_statement_built": "Relevé de contre-paiement établi",
                "voucher_statement_validated": "Relevé de contre-paiement validé",
                "voucher_statement_paid": "Relevé de contre-paiement payé",
                "voucher_order_end_alert": "Alerte de fin de validité envoyée (J-30)",
                "voucher_order_handing_out_stopped": "Arrêt des remises de carnets (J-15)",
                "voucher_order_expired": "Pass non utilisés expirés (avoir)",
            }
        )
        navigation.register("Encaisser un pass", "vouchers:redeem", visible=permissions.works_for_a_place, order=50)
        navigation.register(
            "Relevés Pass Numérique", "vouchers:statements", visible=permissions.can_manage_vouchers, order=52
        )
        timeline.register(personal_data.timeline_events)
        extensions.register_exporter("pass_numerique", personal_data.export_books)
        extensions.register_merge_handler(personal_data.move_books)
