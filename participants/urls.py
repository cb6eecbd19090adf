from django.contrib.auth import views as auth_views
from django.urls import path

from . import dashboard_views, views

app_name = "participants"
urlpatterns = [
    # Accounts: login, activation, password reset (views.py)
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="participants/login.html"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("activate/", views.activate, name="activate"),
    # The participant's own pages (dashboard_views.py)
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("profile/", dashboard_views.profile, name="profile"),
]
