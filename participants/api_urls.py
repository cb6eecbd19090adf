from django.urls import path

from . import api

app_name = "participants_api"
urlpatterns = [
    path("me/", api.MeGetApi.as_view(), name="me"),
    path("balance/", api.BalanceGetApi.as_view(), name="balance"),
    path("contributions/", api.ContributionListApi.as_view(), name="contributions"),
]
