"""The admin sees background work that failed or was closed, with its error, and can retry it."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from notifications.models import OutboxItem
from notifications.services import outbox_item_retry


@admin.action(description=_("Try again"), permissions=["change"])
def retry(modeladmin, request, queryset):
    items = list(queryset.filter(status__in=[OutboxItem.Status.FAILED, OutboxItem.Status.CLOSED]))
    for item in items:
        outbox_item_retry(item=item)
    messages.success(request, _("%(count)d items will be tried again.") % {"count": len(items)})


@admin.register(OutboxItem)
class OutboxItemAdmin(admin.ModelAdmin):
    list_display = ("pk", "kind", "status", "attempts", "created_at", "finished_at", "last_error")
    list_filter = ("status", "kind")
    readonly_fields = (
        "kind",
        "payload",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "available_at",
        "dispatched_at",
        "finished_at",
    )
    actions = [retry]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
