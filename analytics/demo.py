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
    seed_scorecard(stdout)


def seed_scorecard(stdout):
    """Demo baselines and targets (marked as demo in their notes); seed_demo then recomputes the scorecard."""
    from django.contrib.auth import get_user_model

    from .scorecard import indicator_baseline_set, indicator_target_set

    bappeda = get_user_model().objects.filter(username="bappeda").first()
    indicator_baseline_set(
        indicator_code="analytics.basis_sector_count",
        year=2019,
        value=12,
        source="Demo: LQ 2019 dari PDRB hasil rekonstruksi",  # typed by Bappeda, in Indonesian
        by=bappeda,
    )
    for code, year, value in [
        ("analytics.basis_sector_count", 2023, 12),
        ("analytics.basis_sector_count", 2024, 13),
        ("analytics.competitive_sector_count", 2023, 5),
    ]:
        indicator_target_set(indicator_code=code, year=year, value=value, note="Demo target", by=bappeda)


DEMO_EDITION = ("2025", "Evaluasi Smart Economy 2025")


def seed_edition(stdout):
    """After seed_demo's recompute: Bappeda's published edition of 2025 (once; a second run leaves it as it is)."""
    from .editions import EditionError, publish
    from .models import ScorecardEdition

    period, title = DEMO_EDITION
    edition = ScorecardEdition.objects.filter(period=period, title=title).first()
    if edition is None:
        try:
            edition = publish(period, title, get_user_model().objects.filter(username="bappeda").first())
        except EditionError as exc:
            stdout.write(f"Demo edition not published: {exc}")
            return
    stdout.write(f"Published edition #{edition.pk} “{edition.title}”, SHA-256 {edition.content_hash[:16]}…")
