from django.urls import path

from . import views

app_name = "rollouts"
urlpatterns = [
    path("rollouts/", views.home, name="home"),
    path("rollouts/organisations/<int:pk>/", views.organisation, name="organisation"),
    path("rollouts/organisations/<int:pk>/left/", views.mark_left, name="mark-left"),
    path(
        "rollouts/organisations/<int:pk>/import/",
        views.import_upload,
        name="import-upload",
    ),
    path("rollouts/imports/<int:pk>/", views.import_detail, name="import-detail"),
    path(
        "rollouts/imports/<int:pk>/confirm/",
        views.import_confirm,
        name="import-confirm",
    ),
    path("rollouts/organisations/<int:pk>/plans/new/", views.plan_new, name="plan-new"),
    path("rollouts/plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("rollouts/plans/<int:pk>/status/", views.plan_status, name="plan-status"),
    path("rollouts/plans/<int:pk>/run/", views.plan_run, name="plan-run"),
    path("rollouts/plans/<int:pk>/adjust/", views.plan_adjust, name="plan-adjust"),
    path("rollouts/plans/<int:pk>/publish/", views.plan_publish, name="plan-publish"),
    path("rollouts/plans/<int:pk>/days/", views.plan_days, name="plan-days"),
    path(
        "rollouts/plans/<int:pk>/cohorts/new/",
        views.plan_add_cohort,
        name="plan-add-cohort",
    ),
    path("rollouts/plans/<int:pk>/exclude/", views.plan_exclude, name="plan-exclude"),
    path(
        "rollouts/plans/<int:pk>/exclusions/<int:exclusion_pk>/include/",
        views.plan_include,
        name="plan-include",
    ),
    path(
        "rollouts/plans/<int:pk>/cohorts/<int:cohort_pk>/",
        views.plan_cohort,
        name="plan-cohort",
    ),
    path(
        "rollouts/organisations/<int:pk>/dashboard/",
        views.dashboard,
        name="dashboard",
    ),
    path(
        "rollouts/organisations/<int:pk>/dashboard.xlsx",
        views.dashboard_xlsx,
        name="dashboard-xlsx",
    ),
    path("rollouts/follow-ups/", views.follow_ups, name="follow-ups"),
    path("rollouts/follow-ups/<int:pk>/", views.follow_up_log, name="follow-up-log"),
]
