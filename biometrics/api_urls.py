from django.urls import path

from . import api

app_name = "biometrics_api"
urlpatterns = [
    path("biometrics/status/", api.BiometricStatusApi.as_view(), name="status"),
    path("biometrics/selfies/", api.SelfieCreateApi.as_view(), name="selfie-create"),
    path(
        "biometrics/challenges/",
        api.LivenessChallengeCreateApi.as_view(),
        name="challenge-create",
    ),
    path(
        "biometrics/selfies/<int:pk>/",
        api.SelfieDetailApi.as_view(),
        name="selfie-detail",
    ),
]
