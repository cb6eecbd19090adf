from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/<int:pk>/open/", views.notification_open, name="open"),
    # The SMS gateway's delivery reports (notifications/sms.py).
    path("notifications/sms/report/", views.sms_report, name="sms-report"),
]
