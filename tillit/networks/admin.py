from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import Announcement, Meeting, Membership, Network, SharedFile


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["person", "invited_by"]
    fields = ["person", "role", "status", "joined_at", "left_at"]


@admin.register(Network)
class NetworkAdmin(TranslationAdmin):
    list_display = [
        "name",
        "kind",
        "owner",
        "join_policy",
        "allows_external",
        "is_active",
    ]
    list_filter = ["kind", "join_policy", "allows_external", "is_active"]
    search_fields = ["name", "slug", "owner__name"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["owner", "programme"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "network", "role", "status", "joined_at", "left_at"]
    list_filter = ["status", "role", "network"]
    search_fields = ["person__email", "person__last_name", "network__name"]
    raw_id_fields = ["person", "network", "invited_by"]


@admin.register(Meeting)
class MeetingAdmin(TranslationAdmin):
    list_display = ["title", "network", "starts_at", "place"]
    list_filter = ["network"]
    date_hierarchy = "starts_at"


@admin.register(Announcement)
class AnnouncementAdmin(TranslationAdmin):
    list_display = ["title", "network", "author", "published_at"]
    list_filter = ["network"]
    raw_id_fields = ["author"]


@admin.register(SharedFile)
class SharedFileAdmin(admin.ModelAdmin):
    list_display = ["original_name", "network", "file_type", "size", "uploaded_at"]
    list_filter = ["network", "file_type"]
    raw_id_fields = ["uploaded_by"]
    readonly_fields = ["file", "file_type", "size"]
