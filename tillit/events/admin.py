from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from .models import Event, Invitation, InvitationRound, MaterialFile, Talk


class TalkInline(TranslationTabularInline):
    model = Talk
    extra = 0


@admin.register(Event)
class EventAdmin(TranslationAdmin):
    list_display = ["title", "format", "is_published"]
    list_filter = ["format", "is_published"]
    search_fields = ["title", "theme"]
    readonly_fields = ["cohort", "session"]
    inlines = [TalkInline]


@admin.register(InvitationRound)
class InvitationRoundAdmin(admin.ModelAdmin):
    list_display = ["event", "audience", "matched", "invited", "sent_at"]
    readonly_fields = ["event", "sent_by", "matched", "invited"]


admin.site.register(Invitation)
admin.site.register(MaterialFile)
