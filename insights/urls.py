from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("desk/insights/", views.page, name="page"),
    path("desk/insights/<slug:key>.csv", views.figure_csv, name="csv"),
]
