from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.index, name="index"),
    path("privacy/erasures/", views.erasures, name="erasures"),
    path("privacy/erasures/<int:pk>/", views.erasure_decide, name="erasure-decide"),
    path("privacy/<slug:slug>/", views.notice, name="notice"),
    path("my-data/", views.my_data, name="my-data"),
    path("my-data/download/", views.my_data_download, name="my-data-download"),
    path("my-data/erasure/", views.erasure_request, name="erasure-request"),
]
