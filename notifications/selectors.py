from django.db.models import Count

from mentorprogram.compiled import CompiledQuery
from mentorprogram.paging import page_of
from notifications.models import Notification

PAGE_SIZE = 100


def notification_list_for_user(*, user, limit: int = PAGE_SIZE):
    """The user's own notifications, newest first."""
    return Notification.objects.filter(recipient=user)[:limit]


# Every page's menu shows it: compiled once (mentorprogram.compiled). Grouped by recipient, so no row means none.
UNREAD_COUNT = CompiledQuery(
    lambda recipient_id: (
        Notification.objects.filter(recipient_id=recipient_id, read_at__isnull=True)
        .order_by()
        .values("recipient_id")
        .annotate(unread=Count("pk"))
        .values_list("unread")
    ),
    recipient_id=int,
)


def unread_count_for_user(*, user) -> int:
    rows = UNREAD_COUNT.rows(recipient_id=user.pk)
    return rows[0][0] if rows else 0


def notification_page_for_user(*, user, page: int, per_page: int):
    """A page of the user's own notifications, newest first, and whether another follows."""
    return page_of(Notification.objects.filter(recipient=user), page=page, per_page=per_page)
