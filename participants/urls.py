from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "participants"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="participants/login.html"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("activate/", views.activate, name="activate"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
