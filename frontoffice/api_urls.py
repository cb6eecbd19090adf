from django.urls import path

from . import api

app_name = "frontoffice_api"
urlpatterns = [
    path("desk/blocks/", api.BlockListApi.as_view(), name="blocks"),
    path(
        "desk/blocks/<int:pk>/unblock/",
        api.BlockUnblockApi.as_view(),
        name="unblock",
    ),
    path("policy/", api.PolicyApi.as_view(), name="policy"),
]
