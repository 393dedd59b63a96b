from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from tillit.accounts.views import LoginView, SamlFinishView
from tillit.core.urls import language_urlpatterns

# Sign-in: Tillit's login page (allauth's, with discovery of the organisation's
# own sign-in service) at /login/ and /accounts/login/, then the rest of allauth.
auth_urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/login/", LoginView.as_view(), name="account_login"),
    # Before allauth's own: a replayed SAML response gets the refusal page.
    path(
        "accounts/saml/<str:organization_slug>/acs/finish/",
        SamlFinishView.as_view(),
    ),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("tillit.accounts.urls")),
]

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
    path("", include("tillit.portal.urls")),
    path("", include("tillit.privacy.urls")),
    path("admin/", admin.site.urls),
    *auth_urlpatterns,
]

# Uploaded files are never served from MEDIA_URL: every download goes through a
# view that checks who may fetch it.
