from django.urls import path

from places import views_data, views_manage, views_public

app_name = "places"

urlpatterns = [
    path("lieux/", views_public.search_places, name="search"),
    path("lieux/<int:pk>/", views_public.place_detail, name="detail"),
    path("lieux/<int:pk>/signaler/", views_public.report_error, name="report_error"),
    path("espace/lieux/", views_manage.manage_list, name="manage_list"),
    path("espace/lieux/nouveau/", views_manage.place_create, name="manage_create"),
    path("espace/lieux/<int:pk>/", views_manage.place_edit, name="manage_edit"),
    path("espace/lieux/<int:pk>/confirmer/", views_manage.place_confirm, name="manage_confirm"),
    path("espace/lieux/<int:pk>/publier/", views_manage.place_publish, name="manage_publish"),
    path("espace/lieux/<int:pk>/archiver/", views_manage.place_archive, name="manage_archive"),
    path("espace/moderation/lieux/", views_manage.moderation, name="moderation"),
    path("espace/moderation/lieux/<int:pk>/doublons/", views_manage.duplicates_compare, name="duplicates_compare"),
    path("espace/moderation/lieux/<int:pk>/fusionner/", views_manage.duplicates_merge, name="duplicates_merge"),
    path("espace/lieux/signalements/<int:pk>/", views_manage.report_resolve, name="report_resolve"),
    path("lieux/toujours-exact/<str:token>/", views_manage.confirm_by_link, name="confirm_by_link"),
    path("espace/lieux/import/", views_data.import_upload, name="import_upload"),
    path("espace/lieux/import/<int:pk>/", views_data.import_detail, name="import_detail"),
    path("donnees/lieux.csv", views_data.open_data_csv, name="open_data_csv"),
    path("donnees/lieux.json", views_data.open_data_json, name="open_data_json"),
    path("donnees/lieux-data-inclusion.json", views_data.open_data_data_inclusion, name="open_data_data_inclusion"),
]
