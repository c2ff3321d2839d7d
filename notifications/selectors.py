import time

from .models import Notification

UNREAD_SESSION_KEY = "notifications_unread"
UNREAD_FRESH_SECONDS = 60


def unread_query(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def remember_unread_count(request, user):
    """Count the user's unread notifications into the session (at login, and when the kept number is a minute old)."""
    count = unread_query(user)
    request.session[UNREAD_SESSION_KEY] = {"count": count, "at": time.time()}
    return count


def unread_count(request):
    """The bell's number, kept in the session and counted again when it is a minute old (storing it saves the
    session): no query on most pages, and a notification created by the worker shows within the minute."""
    kept = request.session.get(UNREAD_SESSION_KEY)
    if kept and time.time() - kept.get("at", 0) < UNREAD_FRESH_SECONDS:
        return kept["count"]
    return remember_unread_count(request, request.user)


def forget_unread_count(request):
    """After a mark-read: the next page counts again."""
    request.session.pop(UNREAD_SESSION_KEY, None)


def notification_list(user, limit=100):
    return list(Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")[:limit])
