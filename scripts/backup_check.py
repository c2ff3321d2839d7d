#!/usr/bin/env python3
"""Backup check: the documented procedure (scripts/backup.sh, scripts/restore.sh) really restores everything.

Dumps a PostgreSQL database with scripts/backup.sh, restores the dump with scripts/restore.sh into a fresh
database, and compares the row count of every table. Prints one line per table and PASS or FAIL; the exit status
is 0 only when every table has the same number of rows on both sides (and the same tables exist).

    .venv/bin/python scripts/backup_check.py                       # demo data in se_backup_src -> se_backup_restore
    .venv/bin/python scripts/backup_check.py --source postgres://postgres@127.0.0.1:5432/smarteconomy --no-seed

With --seed (the default) the source database is created, migrated and loaded with the demo data first. The
script only ever drops databases that it created itself (it marks them with a comment); an existing database of
another name is never touched, and an existing restore target without the mark makes it stop.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BACKUP_CHECK_SERVER", "postgres://postgres@127.0.0.1:5432")
MARK = "created by scripts/backup_check.py"


def url_for(server, name):
    parts = urlsplit(server)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, "", ""))


def admin_url(url):
    return url_for(url, "postgres")


def psql(url, sql):
    result = subprocess.run(["psql", url, "-Atq", "-v", "ON_ERROR_STOP=1", "-c", sql], capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"psql failed: {result.stderr.strip()}")
    return result.stdout.strip()


def db_name(url):
    return urlsplit(url).path.lstrip("/")


def exists(url):
    return psql(admin_url(url), f"select count(*) from pg_database where datname = '{db_name(url)}'") == "1"


def ours(url):
    comment = psql(
        admin_url(url),
        f"select coalesce(shobj_description(oid, 'pg_database'), '') from pg_database where datname = '{db_name(url)}'",
    )
    return comment == MARK


def create_fresh(url):
    """Create an empty database; drop it first only if this script created it."""
    name = db_name(url)
    if exists(url):
        if not ours(url):
            raise SystemExit(f"database {name} exists and was not created by this script: not touching it")
        drop(url)
    psql(admin_url(url), f'create database "{name}"')
    psql(admin_url(url), f"comment on database \"{name}\" is '{MARK}'")


def drop(url):
    if exists(url) and ours(url):
        psql(admin_url(url), f'drop database "{db_name(url)}" with (force)')


def counts(url):
    tables = psql(url, "select tablename from pg_tables where schemaname = 'public' order by tablename").split()
    return {table: int(psql(url, f'select count(*) from "{table}"')) for table in tables}


def run(command, **env):
    environment = {**os.environ, "ENV_FILE": "/dev/null", **env}
    result = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)
    if result.returncode:
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr)
        raise SystemExit(f"failed: {' '.join(map(str, command))}")
    return result.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", default=url_for(SERVER, "se_backup_src"))
    parser.add_argument("--restore", default=url_for(SERVER, "se_backup_restore"))
    parser.add_argument("--no-seed", dest="seed", action="store_false", help="dump the source database as it is")
    parser.add_argument("--keep", action="store_true", help="keep the databases this script created")
    args = parser.parse_args()
    python = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="se-backup-check-") as tmp:
            if args.seed:
                create_fresh(args.source)
                env = {
                    "DATABASE_URL": args.source,
                    "DJANGO_VAR_DIR": tmp,
                    "DJANGO_SETTINGS_MODULE": "smarteconomy.settings",
                }
                for key in ("REDIS_URL",):
                    os.environ.pop(key, None)
                run([python, "manage.py", "migrate", "--noinput", "-v0"], **env)
                run([python, "manage.py", "seed_demo"], **env)
                print(f"source {db_name(args.source)}: migrated and loaded with the demo data")
            source_counts = counts(args.source)
            output = run(
                ["bash", "scripts/backup.sh"],
                DATABASE_URL=args.source,
                BACKUP_DIR=tmp + "/backups",
                DJANGO_VAR_DIR=tmp,
                DJANGO_MEDIA_ROOT=tmp + "/no-media",
            )
            dump = next(Path(tmp, "backups").glob("smarteconomy-*.dump"))
            print(output.strip().splitlines()[0])
            create_fresh(args.restore)
            run(["bash", "scripts/restore.sh", str(dump), args.restore], DJANGO_VAR_DIR=tmp)
            restored_counts = counts(args.restore)
    finally:
        if not args.keep:
            drop(args.restore)
            if args.seed:
                drop(args.source)

    failures = []
    print(f"{'table':<48} {'source':>10} {'restored':>10}")
    for table in sorted(set(source_counts) | set(restored_counts)):
        a, b = source_counts.get(table), restored_counts.get(table)
        flag = "" if a == b else "  <-- differs"
        if a != b:
            failures.append(table)
        print(f"{table:<48} {a if a is not None else '-':>10} {b if b is not None else '-':>10}{flag}")
    total = sum(source_counts.values())
    print(f"{len(source_counts)} tables, {total} rows in the source, {sum(restored_counts.values())} restored")
    if total == 0:
        failures.append("(the source database is empty: nothing was checked)")
    print(f"{'PASS' if not failures else 'FAIL'}: backup and restore check in {time.monotonic() - started:.0f} s")
    if failures:
        print("differences: " + ", ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
