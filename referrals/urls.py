from django.urls import path

from referrals import views_coordination, views_place, views_prescriber

app_name = "referrals"

urlpatterns = [
    # The prescriber's side, and the referral page shared by both sides.
    path("", views_prescriber.my_referrals, name="mine"),
    path("nouvelle/<int:person_pk>/", views_prescriber.referral_create, name="create"),
    path("<int:pk>/", views_prescriber.referral_detail, name="detail"),
    path("<int:pk>/message/", views_prescriber.comment_create, name="comment"),
    path("<int:pk>/annuler/", views_prescriber.referral_cancel, name="cancel"),
    path("<int:pk>/fiche/", views_prescriber.referral_sheet, name="sheet"),
    path("<int:pk>/pieces-jointes/", views_prescriber.attachment_upload, name="attachment_upload"),
    path("<int:pk>/pieces-jointes/<int:attachment_pk>/", views_prescriber.attachment_download, name="attachment"),
    # The place's side.
    path("lieux/", views_place.place_inboxes, name="place_inboxes"),
    path("lieux/<int:place_pk>/", views_place.place_inbox, name="inbox"),
    path("<int:pk>/examiner/", views_place.referral_review, name="review"),
    path("<int:pk>/accepter/", views_place.referral_accept, name="accept"),
    path("<int:pk>/refuser/", views_place.referral_decline, name="decline"),
    path("<int:pk>/rendez-vous/", views_place.referral_appointment, name="appointment"),
    path("<int:pk>/terminer/", views_place.referral_close, name="close"),
    path("<int:pk>/transferer/", views_place.referral_transfer, name="transfer"),
    path("reponse/<str:token>/", views_place.answer_link, name="answer_link"),
    # The coordination.
    path("coordination/", views_coordination.all_referrals, name="coordination"),
    path("coordination/delais/", views_coordination.response_times, name="response_times"),
    path("<int:pk>/attribuer/", views_coordination.referral_dispatch, name="dispatch"),
]
