from notifications.models import Notification

PAGE_SIZE = 100


def notification_list_for_user(*, user, limit: int = PAGE_SIZE):
    """The user's own notifications, newest first."""
    return Notification.objects.filter(recipient=user)[:limit]


def unread_count_for_user(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
