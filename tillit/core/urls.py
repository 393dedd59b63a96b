from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("accessibility/", views.accessibility, name="accessibility"),
    path("cookies/", views.cookies, name="cookies"),
]
