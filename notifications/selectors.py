from django.core.cache import cache

from .models import Notification

UNREAD_CACHE_SECONDS = 60


def _unread_key(user_id):
    return f"notifications:unread:{user_id}"


def unread_count(user):
    """The bell's number. Cached for a minute (no query on every page); a mark-read here clears it at once, and a
    notification created by the worker shows within the minute."""
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


def forget_unread_count(user_id):
    cache.delete(_unread_key(user_id))


def notification_list(user, limit=100):
    return list(Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")[:limit])
