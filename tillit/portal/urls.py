from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("home/", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/send/", views.invitations_send, name="invitations-send"),
]
