#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database.
#
#   scripts/restore.sh /srv/backups/smarteconomy-20260101T000000Z.dump [postgres://.../target]
#
# The target defaults to DATABASE_URL. Stop the web, worker and beat services first, create the empty database
# (createdb -O smarteconomy smarteconomy), restore, then start the services. The restore runs in one transaction:
# it is complete or nothing. It refuses a target that already has tables (restoring over live data is never what
# you want; drop and create the database deliberately first). Uploaded files: untar the -media.tar.gz beside it
# into the parent of DJANGO_MEDIA_ROOT.
set -euo pipefail
dump=${1:?usage: scripts/restore.sh BACKUP.dump [DATABASE_URL]}
[ -r "$dump" ] || { echo "cannot read $dump" >&2; exit 1; }
dump=$(realpath "$dump")
source "$(dirname "$0")/prod-env.sh"
target=${2:-${DATABASE_URL:?DATABASE_URL must be set (postgres://...)}}
tables=$(psql "$target" -Atc "select count(*) from pg_tables where schemaname = 'public'")
if [ "$tables" != "0" ]; then
  echo "the target database already has $tables tables; restore only into an empty database" >&2
  exit 1
fi
pg_restore --no-owner --no-privileges --single-transaction --exit-on-error --dbname="$target" "$dump"
echo "restored $dump into ${target##*/}"
