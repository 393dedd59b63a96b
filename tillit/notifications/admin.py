from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import CalendarFeed, Notification, Optout


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["kind", "person", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["person__email", "key", "subject"]
    date_hierarchy = "created_at"
    list_select_related = ["person"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send failed e-mail again"))
    def send_again(self, request, queryset):
        count = services.retry_failed(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail queued again.",
                "%(count)d e-mails queued again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Optout)
class OptoutAdmin(admin.ModelAdmin):
    list_display = ["person", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["person__email"]
    raw_id_fields = ["person"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["person", "created_at"]
    search_fields = ["person__email"]
    raw_id_fields = ["person"]
    exclude = ["token"]
