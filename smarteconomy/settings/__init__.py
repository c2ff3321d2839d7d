"""Default settings: the embedded set-up (SQLite, Celery on a file broker) unless the environment says otherwise."""

from .base import *  # noqa: F401,F403
