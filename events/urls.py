from django.urls import path

from events import views_attendance, views_manage, views_person, views_public

app_name = "events"

urlpatterns = [
    path("", views_public.calendar, name="calendar"),
    path("agenda.ics", views_public.feed, name="feed"),
    path("<int:pk>/", views_public.detail, name="detail"),
    path("seances/<int:session_pk>/inscription/", views_public.register, name="register"),
    path("seances/<int:session_pk>/agenda.ics", views_public.session_ics, name="session_ics"),
    path("inscription/<str:token>/", views_public.registration, name="registration"),
    path("inscription/<str:token>/annuler/", views_public.cancel, name="cancel"),
    path("inscription/<str:token>/agenda.ics", views_public.registration_ics, name="registration_ics"),
    path("personnes/<int:person_pk>/inscrire/", views_person.register_person, name="register_person"),
    path("gestion/", views_manage.manage_list, name="manage_list"),
    path("gestion/nouveau/", views_manage.event_create, name="event_create"),
    path("gestion/series/nouvelle/", views_manage.series_create, name="series_create"),
    path("gestion/<int:pk>/", views_manage.manage_event, name="manage_event"),
    path("gestion/<int:pk>/modifier/", views_manage.event_edit, name="event_edit"),
    path("gestion/<int:pk>/publier/", views_manage.event_publish, name="event_publish"),
    path("gestion/<int:pk>/annuler/", views_manage.event_cancel, name="event_cancel"),
    path("gestion/<int:pk>/seances/nouvelle/", views_manage.session_create, name="session_create"),
    path("gestion/seances/<int:pk>/", views_manage.manage_session, name="manage_session"),
    path("gestion/seances/<int:pk>/modifier/", views_manage.session_edit, name="session_edit"),
    path("gestion/seances/<int:pk>/places/", views_manage.session_capacity, name="session_capacity"),
    path("gestion/seances/<int:pk>/relais/", views_manage.relay_site_add, name="relay_site_add"),
    path(
        "gestion/seances/<int:pk>/relais/<int:site_pk>/accueil/", views_manage.relay_site_host, name="relay_site_host"
    ),
    path(
        "gestion/seances/<int:pk>/relais/<int:site_pk>/retirer/",
        views_manage.relay_site_remove,
        name="relay_site_remove",
    ),
    path("gestion/seances/<int:pk>/annuler/", views_manage.session_cancel, name="session_cancel"),
    path("gestion/inscriptions/<int:pk>/annuler/", views_manage.registration_cancel, name="registration_cancel"),
    # Attendance, documents, survey, figures (views_attendance)
    path("gestion/accueil/", views_attendance.hosting, name="hosting"),
    path("gestion/seances/<int:pk>/pointage/", views_attendance.check_in_list, name="check_in_list"),
    path(
        "gestion/seances/<int:pk>/relais/<int:site_pk>/pointage/",
        views_attendance.check_in_list_site,
        name="check_in_list_site",
    ),
    path("gestion/seances/<int:pk>/emargement.pdf", views_attendance.sign_in_sheet, name="sign_in_sheet"),
    path(
        "gestion/seances/<int:pk>/relais/<int:site_pk>/emargement.pdf",
        views_attendance.sign_in_sheet_site,
        name="sign_in_sheet_site",
    ),
    path("pointage/<str:token>/", views_attendance.check_in_scan, name="check_in_scan"),
    path("gestion/inscriptions/<int:pk>/attestation.pdf", views_attendance.certificate, name="certificate"),
    path("gestion/seances/<int:pk>/attestations/", views_attendance.certificates_send, name="certificates_send"),
    path("gestion/seances/<int:pk>/avis/", views_attendance.survey_results, name="survey_results"),
    path("avis/<str:token>/", views_attendance.survey, name="survey"),
    path("gestion/chiffres/", views_attendance.figures_page, name="figures"),
    path("gestion/chiffres/export.csv", views_attendance.figures_csv, name="figures_csv"),
    path("gestion/chiffres/export.xlsx", views_attendance.figures_xlsx, name="figures_xlsx"),
]
