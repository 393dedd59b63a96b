from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("invitation/<uidb64>/<token>/", views.activate, name="activate"),
    path("invitation/new-link/", views.new_link, name="new-link"),
]
