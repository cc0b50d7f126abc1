from django.urls import path

from api import views, views_manage

app_name = "api"

urlpatterns = [
    path("", views_manage.documentation, name="documentation"),
    path("jetons/", views_manage.token_list, name="token_list"),
    path("jetons/nouveau/", views_manage.token_create, name="token_create"),
    path("jetons/<int:pk>/revoquer/", views_manage.token_revoke, name="token_revoke"),
    path("donnees/", views_manage.open_data, name="open_data"),
    path("v1/openapi.json", views.openapi, name="openapi"),
    path("v1/lieux/", views.place_list, name="place_list"),
    path("v1/lieux/<str:uid>/", views.place_detail, name="place_detail"),
    path("v1/evenements/seances/", views.session_list, name="session_list"),
    path("v1/chiffres/", views.figure_list, name="figure_list"),
]
