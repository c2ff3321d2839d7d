"""The MSME registry import: 50,000 rows through the shared importer on the configured database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/se_msme_bench BENCH_MSMES=50000 .venv/bin/python bench/msme_import.py

A throw-away test database gets the demo (48,161 MSMEs of the paper's table 3 among them); then a CSV of
BENCH_MSMES new MSMEs (structurally valid NIKs, the 34 kelurahan, synthetic names unlike each other) is
checked with --dry-run and then imported, through run_import as the upload page and `import_msmes` do:
reading, validation of every cell, duplicate detection against the registry and within the file, bulk
inserts with history rows. Reported: seconds for each step; target < 60 s for the import. BENCH_PROFILE=1 adds
a profile of the import step.
"""

import cProfile
import importlib.util
import os
import pstats
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or os.getcwd()).resolve() != HERE]
os.chdir(HERE.parent)
_spec = importlib.util.spec_from_file_location("_common", HERE / "_common.py")
_common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_common)
_spec = importlib.util.spec_from_file_location("load_volumes", HERE / "load_volumes.py")
load_volumes = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(load_volumes)

ROWS = int(os.environ.get("BENCH_MSMES", "50000"))


def main():
    from msme.models import Msme
    from smarteconomy.importing import run_import
    from smarteconomy.models import Kelurahan

    with _common.demo_database():
        before = Msme.objects.count()
        codes = list(Kelurahan.objects.values_list("code", flat=True))
        started = time.perf_counter()
        data = load_volumes.msme_csv(ROWS, codes, seed=11)
        generated = time.perf_counter() - started
        print(
            f"MSME import, {_common.engine()}, {ROWS} rows ({len(data) / 1e6:.1f} MB CSV), {before} MSMEs already registered"
        )
        print(f"  generate CSV      {generated:6.1f} s")
        started = time.perf_counter()
        batch = run_import("msmes", data=data, filename="bench.csv", user=None, dry_run=True, source="command")
        print(f"  dry run           {time.perf_counter() - started:6.1f} s   {batch.status}: {batch.message}")
        if batch.errors:
            print("  first errors:", batch.errors[:5])
        profiler = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        batch = run_import("msmes", data=data, filename="bench.csv", user=None, source="command")
        elapsed = time.perf_counter() - started
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        print(f"  import            {elapsed:6.1f} s   {batch.status}: {batch.message}")
        after = Msme.objects.count()
        assert after == before + ROWS, (before, after)
        print(f"  target < 60 s: {'met' if elapsed < 60 else 'MISSED'}; MSMEs now {after}")


if __name__ == "__main__":
    main()
