from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("invitation/<uidb64>/<token>/", views.activate, name="activate"),
    path("invitation/new-link/", views.new_link, name="new-link"),
    path("api-keys/", views.api_keys, name="api-keys"),
    path("api-keys/<str:digest>/revoke/", views.api_key_revoke, name="api-key-revoke"),
]
