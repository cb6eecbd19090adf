from django.urls import path

from . import api

app_name = "insights_api"
urlpatterns = [path("insights/", api.InsightsApi.as_view(), name="figures")]
