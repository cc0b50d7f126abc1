from django.apps import AppConfig


class VouchersConfig(AppConfig):
    """Pass Numérique: the département's voucher books, from the order to the counter-payment."""

    name = "vouchers"
    verbose_name = "Pass Numérique"

    def ready(self):
        from core import history, navigation
        from people import actions, extensions, timeline
        from vouchers import permissions, personal_data, views_stock

        history.register_actions(
            {
                "voucher_order_created": "Commande de Pass Numérique enregistrée",
                "voucher_order_updated": "Commande de Pass Numérique modifiée",
                "voucher_book_reminded": "Rappel d'un carnet non utilisé",
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
        navigation.register(
            "Commandes Pass Numérique", "vouchers:orders", visible=permissions.can_manage_vouchers, order=48
        )
        navigation.register("Mon stock de Pass", "vouchers:my_stock", visible=permissions.holds_books_side, order=49)
        navigation.register("Encaissements", "vouchers:redemptions", visible=permissions.can_manage_vouchers, order=51)
        navigation.register(
            "Chiffres Pass Numérique", "vouchers:figures", visible=permissions.shows_figures_entry, order=53
        )
        actions.register("Remettre un carnet Pass Numérique", "vouchers:hand_out", visible=views_stock.can_hand_out_to)
        timeline.register(personal_data.timeline_events)
        extensions.register_exporter("pass_numerique", personal_data.export_books)
        extensions.register_merge_handler(personal_data.move_books)
