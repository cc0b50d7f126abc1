from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.login_view, name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("", views.profile, name="profile"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("organisations/", views.organization_list, name="organization_list"),
    path("invitations/", views.invitation_list, name="invitation_list"),
    path("double-authentification/activer/", views.otp_setup, name="otp_setup"),
    path("double-authentification/", views.otp_verify, name="otp_verify"),
]
