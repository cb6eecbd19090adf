from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import card_views, dashboard_views, data_update_views, views
from .forms import EmailLoginForm

app_name = "participants"
urlpatterns = [
    # Accounts: login, activation, password reset (views.py)
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="participants/login.html",
            authentication_form=EmailLoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("logout/everywhere/", views.logout_everywhere, name="logout_everywhere"),
    path("activate/", views.activate, name="activate"),
    path("activate/email/", views.activate_email, name="activate_email"),
    path("activate/code/", views.activate_code, name="activate_code"),
    path("activate/code/new/", views.activate_code_resend, name="activate_code_resend"),
    path("activate/password/", views.activate_password, name="activate_password"),
    path(
        "password-reset/",
        views.MailCheckedPasswordResetView.as_view(
            template_name="participants/password_reset_form.html",
            email_template_name="participants/email/password_reset.txt",
            subject_template_name="participants/email/password_reset_subject.txt",
            success_url=reverse_lazy("participants:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="participants/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.GuardedPasswordResetConfirmView.as_view(
            template_name="participants/password_reset_confirm.html",
            success_url=reverse_lazy("participants:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="participants/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    # The participant's own pages (dashboard_views.py)
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("profile/", dashboard_views.profile, name="profile"),
    path("profile/channels/", dashboard_views.channels, name="channels"),
    # The digital KPJ card and its public check (card_views.py).
    path("card/", card_views.card_page, name="card"),
    path("card/kpj-card.png", card_views.card_image, name="card-image"),
    path("card/verify/<str:token>/", card_views.card_verify, name="card-verify"),
    # The data update, pengkinian data (data_update_views.py); the selfie step
    # is biometrics:update-selfie.
    path("profile/update/", data_update_views.update, name="update"),
    path(
        "profile/update/membership/",
        data_update_views.membership,
        name="update-membership",
    ),
    path(
        "profile/update/contact/",
        data_update_views.section,
        {"step": "contact"},
        name="update-contact",
    ),
    path("profile/update/phone/", data_update_views.phone, name="update-phone"),
    path(
        "profile/update/population/",
        data_update_views.section,
        {"step": "population"},
        name="update-population",
    ),
    path(
        "profile/update/emergency/",
        data_update_views.section,
        {"step": "emergency"},
        name="update-emergency",
    ),
    path("profile/update/review/", data_update_views.review, name="update-review"),
]
