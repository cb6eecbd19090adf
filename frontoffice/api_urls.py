from django.urls import path

from . import api, desk_api, desk_claims_api

app_name = "frontoffice_api"
urlpatterns = [
    path("desk/blocks/", api.BlockListApi.as_view(), name="blocks"),
    path(
        "desk/blocks/<int:pk>/unblock/",
        api.BlockUnblockApi.as_view(),
        name="unblock",
    ),
    path(
        "desk/participants/",
        desk_api.DeskParticipantListApi.as_view(),
        name="participants",
    ),
    path(
        "desk/participants/<int:pk>/reference/",
        desk_api.DeskReferenceEnrolApi.as_view(),
        name="participant-reference",
    ),
    path(
        "desk/participants/<int:pk>/data-update/",
        desk_api.DeskDataUpdateApi.as_view(),
        name="participant-data-update",
    ),
    path("policy/", api.PolicyApi.as_view(), name="policy"),
    path(
        "desk/claims/<str:reference>/return/",
        desk_claims_api.DeskClaimReturnApi.as_view(),
        name="claim-return",
    ),
    path(
        "desk/claims/<str:reference>/approve/",
        desk_claims_api.DeskClaimApproveApi.as_view(),
        name="claim-approve",
    ),
    path(
        "desk/claims/<str:reference>/reject/",
        desk_claims_api.DeskClaimRejectApi.as_view(),
        name="claim-reject",
    ),
]
