from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("export/pass.csv", views.export_passes, name="export_passes"),
    path("partages/", views.share_links, name="share_links"),
    path("partages/creer/", views.share_create, name="share_create"),
    path("partages/<int:pk>/revoquer/", views.share_revoke, name="share_revoke"),
    path("partage/<str:token>/", views.shared, name="shared"),
    path("partage/<str:token>/export.csv", views.shared_csv, name="shared_csv"),
    path("partage/<str:token>/export.xlsx", views.shared_xlsx, name="shared_xlsx"),
    path("couverture/", views.coverage_page, name="coverage"),
    path("couverture/export.csv", views.coverage_csv, name="coverage_csv"),
    path("bilan/", views.report_index, name="report_index"),
    path("bilan/<int:year>/", views.report, name="report"),
    path("bilan/<int:year>/pdf/", views.report_pdf_view, name="report_pdf"),
]
