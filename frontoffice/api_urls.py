from django.urls import path  # noqa: F401

app_name = "frontoffice_api"
urlpatterns: list = []
