"""Admin for forms and their attachment to cohorts. Answers are left out on
purpose: anonymous responses and the receipts of who answered must not be
browsed side by side, not even by support staff."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from .models import Evaluation, EvaluationForm, Question


class QuestionInline(TranslationTabularInline):
    model = Question
    extra = 0


@admin.register(EvaluationForm)
class EvaluationFormAdmin(TranslationAdmin):
    list_display = ["title", "organisation", "created_at"]
    search_fields = ["title", "organisation__name"]
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(TranslationAdmin):
    list_display = ["text", "form", "kind", "position", "required"]
    list_filter = ["kind"]


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["form", "cohort", "session", "anonymous", "opens_at", "closes_at"]
    raw_id_fields = ["cohort", "session"]
