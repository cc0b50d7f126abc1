from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.login_view, name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("", views.profile, name="profile"),
    path("mes-donnees/", views.my_data, name="my_data"),
    path("notifications/", views.notification_preferences, name="notifications"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    # Passwords
    path("mot-de-passe/oubli/", views.password_reset, name="password_reset"),
    path("mot-de-passe/oubli/envoye/", views.password_reset_done, name="password_reset_done"),
    path("mot-de-passe/nouveau/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("mot-de-passe/nouveau/termine/", views.password_reset_complete, name="password_reset_complete"),
    path("mot-de-passe/changer/", views.password_change, name="password_change"),
    path("mot-de-passe/change/", views.password_change_done, name="password_change_done"),
    # Second factor
    path("double-authentification/activer/", views.otp_setup, name="otp_setup"),
    path("double-authentification/", views.otp_verify, name="otp_verify"),
    # Organisations
    path("organisations/", views.organization_list, name="organization_list"),
    path("organisations/nouvelle/", views.organization_create, name="organization_create"),
    path("organisations/<int:pk>/", views.organization_detail, name="organization_detail"),
    path("organisations/<int:pk>/modifier/", views.organization_edit, name="organization_edit"),
    path("roles/<int:pk>/retirer/", views.membership_remove, name="membership_remove"),
    # Invitations
    path("invitations/", views.invitation_list, name="invitation_list"),
    path("invitations/nouvelle/", views.invitation_create, name="invitation_create"),
    path("invitations/<int:pk>/annuler/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<int:pk>/renvoyer/", views.invitation_resend, name="invitation_resend"),
    path("invitation/nouveau-lien/", views.invitation_renewal, name="invitation_renewal"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
