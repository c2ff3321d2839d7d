"""The one Celery app. Reads every ``CELERY_*`` Django setting and discovers each app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smarteconomy.settings")

app = Celery("smarteconomy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
