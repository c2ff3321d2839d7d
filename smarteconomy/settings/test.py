"""Settings for the test suite: the defaults plus a sample app that exercises the shared importer."""

from .base import *  # noqa: F401,F403
from .base import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "smarteconomy.tests.sampleapp"]
# Tasks run in-process unless a test starts a real worker (see test_celery_worker.py).
CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
