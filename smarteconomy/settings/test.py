"""Settings for the test suite: the defaults plus a sample app that exercises the shared importer."""

import tempfile

from .base import *  # noqa: F401,F403
from .base import INSTALLED_APPS, REDIS_URL

INSTALLED_APPS = [*INSTALLED_APPS, "smarteconomy.tests.sampleapp"]
# Tasks run in-process unless a test starts a real worker (see test_celery_worker.py).
CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# seed_demo runs before every browser test: a tenth of the demo licensing year keeps it quick.
DEMO_LICENSING_SCALE = 0.1
# ... and three months of the industry centre's levy instead of 24.
DEMO_INDUSTRY_MONTHS = 3
DEMO_MSME_SCALE = 0.03
# ... and a tenth of the parking demo's daily volume (91 days × 1.150 transactions were 6-7 s of each seed).
DEMO_CASHLESS_SCALE = 0.1

if not REDIS_URL:
    # The real-worker test uses the file-system broker; give each test run its own folder.
    _queue = tempfile.mkdtemp(prefix="se-celery-")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": _queue,
        "data_folder_out": _queue,
        "control_folder": _queue + "/control",
        "store_processed": False,
    }
