"""The notification pages in the permission matrix (see smarteconomy/testing.py): every user has their own bell,
so every role may see the list and mark their own notifications read; the two writes are POST only."""

from smarteconomy.testing import LOGIN, NOT_ALLOWED, OK, REDIRECT, Case, everyone

MATRIX = [
    Case("notifications:list", everyone(OK)),
    Case("notifications:read", everyone(REDIRECT), method="post", label="notifications:read (all)"),
    Case("notifications:read", everyone(NOT_ALLOWED, anonymous=LOGIN), label="notifications:read (GET)"),
    Case(
        "notifications:preferences",
        everyone(REDIRECT),
        method="post",
        data={"rule-licensing.overdue": "digest"},
    ),
    Case("notifications:preferences", everyone(NOT_ALLOWED, anonymous=LOGIN), label="notifications:preferences (GET)"),
]
