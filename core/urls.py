from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("sante/", views.health, name="health"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("accessibilite/", views.accessibility_statement, name="accessibility"),
    path("donnees-personnelles/", views.privacy, name="privacy"),
    path("styleguide/", views.styleguide, name="styleguide"),
    path("historique/", views.history, name="history"),
]
