from django.urls import path  # noqa: F401

app_name = "participants_api"
urlpatterns: list = []
