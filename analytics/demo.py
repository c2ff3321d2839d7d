"""Demo GRDP: Balikpapan and Kalimantan Timur, 2019 and 2023 (ADHK), reconstructed from the source study's
published tables, not official BPS data; the file's source column says so wherever the data is shown."""

from pathlib import Path

from django.contrib.auth import get_user_model

from smarteconomy.choices import ImportStatus
from smarteconomy.importing import run_import

DEMO_FILE = Path(__file__).resolve().parent / "data" / "grdp_demo_2019_2023.csv"


def seed(stdout):
    user = get_user_model().objects.filter(username="bappeda").first()
    batch = run_import("grdp", data=DEMO_FILE.read_bytes(), filename=DEMO_FILE.name, user=user, source="seed_demo")
    if batch.status != ImportStatus.COMMITTED:
        raise RuntimeError(f"demo GRDP did not import: {batch.message} {batch.errors[:5]}")
    stdout.write(f"GRDP demo data: {batch.message}")
