from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("nouvelle/", views.person_create, name="create"),
    path("doublons/", views.duplicates, name="duplicates"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/modifier/", views.person_edit, name="edit"),
    path("<int:pk>/consentement/", views.consent_create, name="consent"),
    path("<int:pk>/consentement/<int:consent_pk>/retirer/", views.consent_withdraw, name="consent_withdraw"),
    path("<int:pk>/export/", views.person_export, name="export"),
    path("<int:pk>/effacer/", views.person_erase, name="erase"),
    path("<int:pk>/fusionner/", views.person_merge, name="merge"),
]
