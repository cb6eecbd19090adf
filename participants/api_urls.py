from django.urls import path

from . import api, profile_api

app_name = "participants_api"
urlpatterns = [
    path("me/", api.MeGetApi.as_view(), name="me"),
    path("balance/", api.BalanceGetApi.as_view(), name="balance"),
    path("contributions/", api.ContributionListApi.as_view(), name="contributions"),
    path("profile/", profile_api.ProfileGetApi.as_view(), name="profile"),
    path(
        "profile/phone/code/",
        profile_api.ProfilePhoneCodeApi.as_view(),
        name="profile-phone-code",
    ),
    path(
        "profile/phone/verify/",
        profile_api.ProfilePhoneVerifyApi.as_view(),
        name="profile-phone-verify",
    ),
    path(
        "profile/confirm/",
        profile_api.ProfileConfirmApi.as_view(),
        name="profile-confirm",
    ),
    path(
        "profile/<str:section>/",
        profile_api.ProfileSectionUpdateApi.as_view(),
        name="profile-section",
    ),
]
