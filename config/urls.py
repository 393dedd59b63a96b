from django.contrib import admin
from django.urls import include, path

from tillit.core.urls import auth_urlpatterns, language_urlpatterns

urlpatterns = [
    *language_urlpatterns,
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("tillit.api.urls")),
    path("", include("tillit.core.urls")),
    path("", include("tillit.programmes.urls")),
    path("", include("tillit.registrations.urls")),
    path("", include("tillit.learning.urls")),
    path("", include("tillit.evaluations.urls")),
    path("", include("tillit.notifications.urls")),
    path("", include("tillit.mentoring.urls")),
    path("", include("tillit.rollouts.urls")),
    path("", include("tillit.networks.urls")),
    path("", include("tillit.groups.urls")),
    path("", include("tillit.events.urls")),
    path("admin/", admin.site.urls),
    *auth_urlpatterns,
]

# Uploaded files are never served from MEDIA_URL: every download goes through a
# view that checks who may fetch it.
