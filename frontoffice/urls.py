from django.urls import path

from . import views

app_name = "frontoffice"
urlpatterns = [path("desk/", views.index, name="index")]
