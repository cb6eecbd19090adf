from django.urls import path

from . import views

app_name = "biometrics"
urlpatterns = [
    path("selfie/", views.guidance, name="guidance"),
    path("profile/update/selfie/", views.update_selfie, name="update-selfie"),
    path("selfie/capture/", views.capture, name="capture"),
    path("selfie/<int:pk>/", views.attempt, name="attempt"),
    path("selfie/<int:pk>/image/", views.selfie_image, name="selfie-image"),
    path(
        "selfie/references/<int:pk>/photo/",
        views.reference_photo,
        name="reference-photo",
    ),
]
