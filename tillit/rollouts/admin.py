from django.contrib import admin

from .models import (
    Employment,
    Exclusion,
    FollowUp,
    ImportBatch,
    Placement,
    RolloutCohort,
    RolloutPlan,
)


@admin.register(Employment)
class EmploymentAdmin(admin.ModelAdmin):
    list_display = ["employee_id", "person", "organisation", "department", "left_on"]
    list_filter = ["organisation"]
    search_fields = ["employee_id", "person__email", "person__last_name"]
    raw_id_fields = ["person", "department"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["filename", "organisation", "status", "created_at"]
    readonly_fields = ["rows", "problems", "preview", "result"]


@admin.register(RolloutPlan)
class RolloutPlanAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "programme", "status", "run_status"]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["employment", "cohort", "held_on"]
    raw_id_fields = ["employment", "cohort", "logged_by"]


@admin.register(RolloutCohort)
class RolloutCohortAdmin(admin.ModelAdmin):
    list_display = ["plan", "number", "capacity", "cohort"]
    raw_id_fields = ["plan", "cohort"]


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["plan", "employment", "rollout_cohort", "pinned"]
    raw_id_fields = ["plan", "employment", "rollout_cohort"]


@admin.register(Exclusion)
class ExclusionAdmin(admin.ModelAdmin):
    list_display = ["employment", "plan", "reason", "excluded_by", "created_at"]
    list_filter = ["plan__organisation"]
    search_fields = ["employment__employee_id", "employment__person__email", "reason"]
    raw_id_fields = ["employment", "excluded_by"]
