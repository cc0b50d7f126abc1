from django.urls import path

from vouchers import views

app_name = "vouchers"

urlpatterns = [
    path("encaisser/", views.redeem, name="redeem"),
    path("releves/", views.statements, name="statements"),
    path("releves/etablir/", views.statements_build, name="statements_build"),
    path("releves/<int:pk>/csv/", views.statement_csv, name="statement_csv"),
    path("releves/<int:pk>/pdf/", views.statement_pdf, name="statement_pdf"),
]
