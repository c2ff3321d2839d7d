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
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or os.getcwd()).resolve() != HERE]
os.chdir(HERE.parent)
_spec = importlib.util.spec_from_file_location("_common", HERE / "_common.py")
_common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_common)

ROWS = int(os.environ.get("BENCH_MSMES", "50000"))
SYLLABLES = [c + v for c in "bcdfghjklmnprstwy" for v in "aiueo"]
CATEGORIES = ["culinary", "fashion", "craft", "agribusiness", "trade", "services", "creative", "other"]


def synthetic_name(rng):
    word = lambda n: "".join(rng.choice(SYLLABLES) for _ in range(n)).capitalize()  # noqa: E731
    return f"{word(rng.randint(3, 4))} {word(rng.randint(3, 4))}"


def build_csv(rows, kelurahan_codes, seed=11):
    rng = random.Random(seed)
    lines = [
        "name,owner_name,owner_nik,nib,phone,address,kelurahan,business_category,scale,registered_on,status,"
        "qris_since,duplicate_of"
    ]
    start = date(2023, 1, 1)
    niks = set()
    for n in range(rows):
        code = rng.choice(kelurahan_codes)
        district = code[6:8]
        birth = date(1960, 1, 1) + timedelta(days=rng.randint(0, 15000))
        day = birth.day + (40 if rng.random() < 0.5 else 0)
        serial = 5001  # the demo numbers its owners from 0001: no clash with it
        nik = f"6471{district}{day:02d}{birth:%m%y}{serial:04d}"
        while nik in niks:  # one NIK per owner: the next serial number of that birth date and district
            serial += 1
            nik = f"6471{district}{day:02d}{birth:%m%y}{serial:04d}"
        niks.add(nik)
        nib = f"{9120000000000 + n:013d}" if rng.random() < 0.3 else ""
        phone = f"08{rng.randint(1_000_000_000, 9_999_999_999)}" if rng.random() < 0.7 else ""
        registered = start + timedelta(days=rng.randint(0, 700))
        lines.append(
            f"{synthetic_name(rng)},{synthetic_name(rng)},{nik},{nib},{phone},Jl. Contoh {n},{code},"
            f"{rng.choice(CATEGORIES)},micro,{registered:%Y-%m-%d},active,,"
        )
    return ("\n".join(lines) + "\n").encode()


def main():
    from msme.models import Msme
    from smarteconomy.importing import run_import
    from smarteconomy.models import Kelurahan

    with _common.demo_database():
        before = Msme.objects.count()
        codes = list(Kelurahan.objects.values_list("code", flat=True))
        started = time.perf_counter()
        data = build_csv(ROWS, codes)
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
