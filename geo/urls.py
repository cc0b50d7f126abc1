from django.urls import path

from geo import views

app_name = "geo"

urlpatterns = [
    path("communes/", views.commune_autocomplete, name="commune_autocomplete"),
]
