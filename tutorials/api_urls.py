from django.urls import path

from .api import TutorialListApi

app_name = "tutorials_api"
urlpatterns = [path("tutorials/", TutorialListApi.as_view(), name="list")]
