from django.urls import path

from orientation import views_callback, views_diagnostic, views_guide

app_name = "orientation"

urlpatterns = [
    # The guided search: four steps, then the result.
    path("trouver-de-l-aide/", views_guide.start, name="guide"),
    path("trouver-de-l-aide/<slug:step>/", views_guide.step, name="guide_step"),
    path("trouver-de-l-aide/resultat/lieux/", views_guide.result, name="guide_result"),
    path("trouver-de-l-aide/resultat/envoyer/", views_guide.send_result, name="guide_send"),
    # « Être rappelé ».
    path("etre-rappele/", views_callback.callback, name="callback"),
    path("etre-rappele/merci/", views_callback.callback_done, name="callback_done"),
    # The diagnostic.
    path("diagnostic/", views_diagnostic.start, name="diagnostic"),
    path("diagnostic/resultat/", views_diagnostic.result, name="diagnostic_result"),
    path("personnes/<int:person_pk>/diagnostic/", views_diagnostic.for_person, name="diagnostic_person"),
]
