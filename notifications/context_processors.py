from .selectors import unread_count


def bell(request):
    """The bell's unread number for the top bar, read only when the page shows it (and cached: see unread_count)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": lambda: unread_count(user)}
