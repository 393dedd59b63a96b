"""The REST API under /api/v1/ (namespace `api`)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from tillit.core.headers import cacheable

from . import views

#: Seconds a cache (also a proxy's) may keep the public catalogue's answers.
PUBLIC_MAX_AGE = 60
public = cacheable(PUBLIC_MAX_AGE, shared=True)

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.SwaggerDocs.as_view(url_name="api:schema"), name="docs"),
    path("auth/token/", views.obtain_token, name="token"),
    path("programmes/", public(views.ProgrammeList.as_view()), name="programme-list"),
    path(
        "programmes/<int:pk>/", public(views.programme_detail), name="programme-detail"
    ),
    path("cohorts/", public(views.CohortList.as_view()), name="cohort-list"),
    path(
        "cohorts/<int:pk>/", public(views.CohortDetail.as_view()), name="cohort-detail"
    ),
    path("cohorts/<int:pk>/register/", views.cohort_register, name="cohort-register"),
    path(
        "registrations/<int:pk>/cancel/",
        views.registration_cancel,
        name="registration-cancel",
    ),
    path(
        "me/registrations/",
        views.MyRegistrationList.as_view(),
        name="my-registrations",
    ),
    path(
        "organiser/programmes/<int:pk>/cohorts/",
        views.OrganiserCohortList.as_view(),
        name="organiser-cohorts",
    ),
    path(
        "organiser/cohorts/<int:pk>/registrations/",
        views.OrganiserCohortRegistrationList.as_view(),
        name="organiser-cohort-registrations",
    ),
    path(
        "employer/cohorts/<int:pk>/bookings/",
        views.employer_booking,
        name="employer-bookings",
    ),
    path(
        "employer/cohorts/<int:pk>/reservations/",
        views.employer_reservation_create,
        name="employer-reservations",
    ),
    path(
        "employer/reservations/<int:pk>/name/",
        views.employer_reservation_name,
        name="employer-reservation-name",
    ),
    path(
        "employer/registrations/",
        views.EmployerRegistrationList.as_view(),
        name="employer-registrations",
    ),
    path(
        "employer/registrations/<int:pk>/swap/",
        views.employer_registration_swap,
        name="employer-registration-swap",
    ),
    path("approvals/", views.ApprovalList.as_view(), name="approvals"),
    path("approvals/<int:pk>/", views.approval_decide, name="approval-decide"),
    path(
        "registrations/<int:pk>/accept-offer/",
        views.registration_accept_offer,
        name="registration-accept-offer",
    ),
    path(
        "registrations/<int:pk>/decline-offer/",
        views.registration_decline_offer,
        name="registration-decline-offer",
    ),
]
