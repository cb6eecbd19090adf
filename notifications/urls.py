from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/<int:pk>/open/", views.notification_open, name="open"),
]
