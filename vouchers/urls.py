from django.urls import path

from vouchers import views, views_coordination, views_orders, views_stock

app_name = "vouchers"

urlpatterns = [
    # The place: recording a pass.
    path("encaisser/", views.redeem, name="redeem"),
    # Orders (coordination).
    path("commandes/", views_orders.orders, name="orders"),
    path("commandes/nouvelle/", views_orders.order_create, name="order_create"),
    path("commandes/<int:pk>/", views_orders.order_detail, name="order_detail"),
    path("commandes/<int:pk>/modifier/", views_orders.order_edit, name="order_edit"),
    path("commandes/<int:pk>/generer/", views_orders.order_generate, name="order_generate"),
    path("commandes/<int:pk>/importer/", views_orders.order_import, name="order_import"),
    path("commandes/<int:pk>/importer/exemple.csv", views_orders.order_import_sample, name="order_import_sample"),
    path("commandes/<int:pk>/importer/colonnes/", views_orders.order_import_mapping, name="order_import_mapping"),
    path("commandes/<int:pk>/importer/verification/", views_orders.order_import_preview, name="order_import_preview"),
    path("commandes/<int:pk>/importer/abandonner/", views_orders.order_import_cancel, name="order_import_cancel"),
    path("commandes/<int:pk>/attribuer/", views_orders.order_allocate, name="order_allocate"),
    path("commandes/<int:pk>/envoyer/", views_orders.order_ship, name="order_ship"),
    # The prescriber side: stock, receipt, hand-out, letter.
    path("mon-stock/", views_stock.my_stock, name="my_stock"),
    path("mon-stock/remettre/", views_stock.hand_out_search, name="hand_out_search"),
    path("envois/<int:pk>/reception/", views_stock.shipment_receive, name="shipment_receive"),
    path("personnes/<int:person_pk>/remettre/", views_stock.hand_out, name="hand_out"),
    path("carnets/<int:pk>/courrier/", views_stock.letter, name="letter"),
    # Coordination: redemptions, statements, figures.
    path("encaissements/", views_coordination.redemptions, name="redemptions"),
    path("encaissements/<int:pk>/", views_coordination.redemption_detail, name="redemption_detail"),
    path("releves/", views.statements, name="statements"),
    path("releves/etablir/", views.statements_build, name="statements_build"),
    path("releves/<int:pk>/csv/", views.statement_csv, name="statement_csv"),
    path("releves/<int:pk>/pdf/", views.statement_pdf, name="statement_pdf"),
    path("releves/<int:pk>/valider/", views_coordination.statement_validate, name="statement_validate"),
    path("releves/<int:pk>/payer/", views_coordination.statement_pay, name="statement_pay"),
    path("chiffres/", views_coordination.figures_dashboard, name="figures"),
    path("chiffres/export.csv", views_coordination.figures_csv, name="figures_csv"),
    path("chiffres/export.xlsx", views_coordination.figures_xlsx, name="figures_xlsx"),
]
