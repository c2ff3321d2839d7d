from .selectors import unread_count


def bell(request):
    """The bell's unread number for the top bar, read only when the page shows it (kept in the session)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return {}
    return {"notifications_unread": lambda: unread_count(request)}
