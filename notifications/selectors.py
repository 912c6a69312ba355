from mentorprogram.paging import page_of
from notifications.models import Notification

PAGE_SIZE = 100


def notification_list_for_user(*, user, limit: int = PAGE_SIZE):
    """The user's own notifications, newest first."""
    return Notification.objects.filter(recipient=user)[:limit]


def unread_count_for_user(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_page_for_user(*, user, page: int, per_page: int):
    """A page of the user's own notifications, newest first, and whether another follows."""
    return page_of(Notification.objects.filter(recipient=user), page=page, per_page=per_page)
