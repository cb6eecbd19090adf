from django.urls import path  # noqa: F401

app_name = "tutorials_api"
urlpatterns: list = []
