from django.urls import path

from . import quiz_views, views

app_name = "tutorials"
urlpatterns = [
    path("tutorials/<slug:slug>/", views.detail, name="detail"),
    path("tutorials/media/<slug:slug>/<str:name>", views.media, name="media"),
    path("help/faq/", views.faq, name="faq"),
    path("help/branches/", views.branches, name="branches"),
    path("quiz/", quiz_views.quiz_list, name="quiz_list"),
    path("quiz/join/", quiz_views.quiz_join, name="quiz_join"),
    path("quiz/<int:pk>/", quiz_views.quiz_detail, name="quiz_detail"),
    path("quiz/entries/<int:pk>/", quiz_views.entry_detail, name="quiz_entry"),
    path("quiz/staff/", quiz_views.staff_list, name="quiz_staff_list"),
    path("quiz/staff/new/", quiz_views.staff_create, name="quiz_staff_create"),
    path("quiz/staff/<int:pk>/", quiz_views.staff_detail, name="quiz_staff_detail"),
    path(
        "quiz/staff/<int:pk>/<str:action>/",
        quiz_views.staff_action,
        name="quiz_staff_action",
    ),
]
