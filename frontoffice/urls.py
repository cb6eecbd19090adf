from django.contrib.auth import views as auth_views
from django.urls import path, register_converter

from . import member_views, policy_views, queue_views, review_views, views


class BranchConverter:
    """A branch code as Branch.code and WalkInTicket.branch hold it (lowercase, at
    most 40): any other address is a 404, not a ticket the database refuses (it
    was a 500). The queue views 404 a well-formed code no branch has."""

    regex = "[a-z0-9-]{1,40}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(BranchConverter, "branch")

app_name = "frontoffice"
urlpatterns = [
    path("desk/", views.index, name="index"),
    path("desk/login/", views.StaffLoginView.as_view(), name="login"),
    path(
        "desk/logout/",
        auth_views.LogoutView.as_view(next_page="frontoffice:login"),
        name="logout",
    ),
    path("desk/participants/<int:pk>/", views.participant, name="participant"),
    path(
        "desk/participants/<int:pk>/reference/",
        member_views.reference,
        name="reference",
    ),
    path(
        "desk/participants/<int:pk>/data-update/",
        member_views.data_update,
        name="data-update",
    ),
    path("desk/blocks/<int:pk>/unblock/", views.unblock, name="unblock"),
    path(
        "desk/selfies/<int:pk>/thumbnail/",
        views.selfie_thumbnail,
        name="selfie-thumbnail",
    ),
    path("desk/audit/", views.audit, name="audit"),
    path("desk/policy/", policy_views.policy, name="policy"),
    path("desk/policy/tradeoff/", policy_views.tradeoff, name="tradeoff"),
    path("desk/claims/", review_views.claims, name="claims"),
    path("desk/claims/<str:reference>/", review_views.claim, name="claim"),
    path("desk/claims/<str:reference>/decide/", review_views.decide, name="decide"),
    path(
        "desk/claims/<str:reference>/documents/<int:pk>/",
        review_views.document,
        name="claim-document",
    ),
    path("desk/kiosk/<branch:branch>/", queue_views.kiosk, name="kiosk"),
    path("desk/queue/<branch:branch>/", queue_views.queue, name="queue"),
    path("desk/queue/<branch:branch>/next/", queue_views.call_next, name="call-next"),
    path("desk/tickets/<int:pk>/finish/", queue_views.finish, name="ticket-finish"),
    path("desk/stats/", queue_views.stats, name="stats"),
]
