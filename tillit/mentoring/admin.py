"""Admin for pools, matchings and pairs. Meetings, notes and evaluations stay
out: a pair's space is private to the mentee and the mentor."""

from django.contrib import admin

from .models import (
    MatchingRun,
    Mentor,
    MentoringProgramme,
    Pair,
    ProposedPair,
    Wish,
    Wishlist,
)


@admin.register(MentoringProgramme)
class MentoringProgrammeAdmin(admin.ModelAdmin):
    list_display = ["programme", "max_wishes", "reminder_weeks", "created_at"]
    raw_id_fields = ["programme"]


@admin.register(Mentor)
class MentorAdmin(admin.ModelAdmin):
    list_display = ["person", "mentoring", "capacity", "region", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["person__email", "person__last_name"]
    raw_id_fields = ["mentoring", "person"]


@admin.register(Wishlist)
class WishlistAdmin(admin.ModelAdmin):
    list_display = ["mentee", "mentoring", "updated_at"]
    raw_id_fields = ["mentoring", "mentee"]


@admin.register(Wish)
class WishAdmin(admin.ModelAdmin):
    list_display = ["wishlist", "mentor", "rank"]
    raw_id_fields = ["wishlist", "mentor"]


@admin.register(MatchingRun)
class MatchingRunAdmin(admin.ModelAdmin):
    list_display = ["mentoring", "status", "created_at", "published_at"]
    list_filter = ["status"]
    raw_id_fields = ["mentoring", "created_by", "published_by"]


@admin.register(ProposedPair)
class ProposedPairAdmin(admin.ModelAdmin):
    list_display = ["run", "mentee", "mentor", "wish_rank", "fit", "adjusted"]
    raw_id_fields = ["run", "mentee", "mentor"]


@admin.register(Pair)
class PairAdmin(admin.ModelAdmin):
    list_display = ["mentee", "mentor", "mentoring", "published_at"]
    search_fields = ["mentee__email", "mentor__person__email"]
    raw_id_fields = ["mentoring", "mentee", "mentor", "run"]
