from django.contrib import admin

from .models import Application, GroupMember, GroupRound, PeerGroup


@admin.register(GroupRound)
class GroupRoundAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "owner", "status"]
    list_filter = ["status", "year"]
    filter_horizontal = ["facilitators"]
    raw_id_fields = ["network", "continues", "created_by"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["person", "round", "status", "source"]
    list_filter = ["status", "source"]
    raw_id_fields = ["person", "round", "continuing_group", "decided_by"]


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    raw_id_fields = ["person", "round"]
    extra = 0


@admin.register(PeerGroup)
class PeerGroupAdmin(admin.ModelAdmin):
    list_display = ["__str__", "round", "number"]
    inlines = [GroupMemberInline]
