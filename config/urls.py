from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from tillit.core.urls import auth_urlpatterns

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("tillit.api.urls")),
    path("", include("tillit.core.urls")),
    path("", include("tillit.programmes.urls")),
    path("", include("tillit.registrations.urls")),
    path("admin/", admin.site.urls),
    *auth_urlpatterns,
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
