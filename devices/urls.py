from django.urls import path

from devices import views, views_requests

app_name = "devices"

urlpatterns = [
    path("", views.stock, name="stock"),
    path("dons/", views.donation_list, name="donations"),
    path("dons/nouveau/", views.donation_create, name="donation_create"),
    path("dons/<int:pk>/", views.donation_detail, name="donation_detail"),
    path("dons/<int:pk>/recevoir/", views.device_receive, name="device_receive"),
    path("dons/<int:pk>/attestation.pdf", views.donation_attestation, name="donation_attestation"),
    path("appareils/<int:pk>/", views.device_detail, name="device_detail"),
    path("appareils/<int:pk>/modifier/", views.device_edit, name="device_edit"),
    path("appareils/<int:pk>/effacement/", views.device_erase, name="device_erase"),
    path("appareils/<int:pk>/reconditionnement/", views.device_refurbish, name="device_refurbish"),
    path("appareils/<int:pk>/pret/", views.device_ready, name="device_ready"),
    path("appareils/<int:pk>/recyclage/", views.device_recycle, name="device_recycle"),
    path("appareils/<int:pk>/photos/", views.device_photo_add, name="device_photo_add"),
    path("appareils/<int:pk>/photos/<int:photo_pk>/", views.device_photo, name="device_photo"),
    path("appareils/<int:pk>/certificat-effacement.pdf", views.erasure_certificate, name="erasure_certificate"),
    path("appareils/<int:pk>/etiquette.pdf", views.device_label, name="device_label"),
    path("e/<str:token>/", views.label_scan, name="label_scan"),
    path("demandes/", views_requests.queue, name="queue"),
    path("demandes/mes-demandes/", views_requests.my_requests, name="my_requests"),
    path("demandes/nouvelle/<int:person_pk>/", views_requests.request_create, name="request_create"),
    path("demandes/<int:pk>/", views_requests.request_detail, name="request_detail"),
    path("demandes/<int:pk>/reserver/", views_requests.request_reserve, name="request_reserve"),
    path("demandes/<int:pk>/remettre/", views_requests.request_deliver, name="request_deliver"),
    path("demandes/<int:pk>/priorite/", views_requests.request_priority, name="request_priority"),
    path("demandes/<int:pk>/annuler/", views_requests.request_cancel, name="request_cancel"),
    path("demandes/<int:pk>/bon-de-remise.pdf", views_requests.delivery_note, name="delivery_note"),
    path("impact/", views.impact, name="impact"),
    path("impact/export.csv", views.impact_csv, name="impact_csv"),
    path("impact/export.xlsx", views.impact_xlsx, name="impact_xlsx"),
    path("reglages/", views.settings_page, name="settings"),
    path("heures/", views.work_logs, name="work_logs"),
]
