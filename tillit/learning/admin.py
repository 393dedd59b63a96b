"""Admin for support staff. Uploaded files are listed by name only: files are
fetched through the permission-checked download views, never from MEDIA_URL."""

from django.contrib import admin

from .models import (
    AlumniMembership,
    Assignment,
    Attendance,
    Certificate,
    CompletionRule,
    Feedback,
    Milestone,
    Preparation,
    PreparationFile,
    SessionCode,
    Submission,
    SubmissionFile,
)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Preparation)
class PreparationAdmin(admin.ModelAdmin):
    list_display = ["session", "updated_at"]
    search_fields = ["session__title", "session__cohort__programme__title"]
    raw_id_fields = ["session"]


class UploadedFileAdmin(admin.ModelAdmin):
    list_display = ["original_name", "file_type", "size", "uploaded_by", "uploaded_at"]
    exclude = ["file"]
    readonly_fields = ["original_name", "file_type", "size", "uploaded_by"]


@admin.register(PreparationFile)
class PreparationFileAdmin(UploadedFileAdmin):
    raw_id_fields = ["preparation"]


@admin.register(SubmissionFile)
class SubmissionFileAdmin(UploadedFileAdmin):
    raw_id_fields = ["submission"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["title", "cohort", "kind", "due_at"]
    list_filter = ["kind", "cohort__programme__organiser"]
    search_fields = ["title", "cohort__programme__title"]
    raw_id_fields = ["cohort", "session"]
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "assignment", "due_at"]
    raw_id_fields = ["assignment"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["assignment", "person", "status", "version", "submitted_at"]
    list_filter = ["status"]
    search_fields = ["person__email", "assignment__title"]
    raw_id_fields = ["assignment", "person"]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["submission", "author", "verdict", "created_at"]
    list_filter = ["verdict"]
    raw_id_fields = ["submission", "author"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["session", "person", "status", "method", "marked_at"]
    list_filter = ["status", "method"]
    search_fields = ["person__email", "session__title"]
    raw_id_fields = ["session", "person", "marked_by"]


@admin.register(SessionCode)
class SessionCodeAdmin(admin.ModelAdmin):
    list_display = ["session", "code"]
    raw_id_fields = ["session"]


@admin.register(CompletionRule)
class CompletionRuleAdmin(admin.ModelAdmin):
    list_display = ["programme", "min_sessions", "min_share", "all_assignments"]
    raw_id_fields = ["programme"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "participant_name", "programme_title", "cohort_name"]
    search_fields = ["code", "participant_name", "person__email"]
    raw_id_fields = ["person", "cohort"]


@admin.register(AlumniMembership)
class AlumniMembershipAdmin(admin.ModelAdmin):
    list_display = ["programme", "person", "joined_at"]
    search_fields = ["person__email", "programme__title"]
    raw_id_fields = ["programme", "person"]
