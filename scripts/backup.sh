#!/usr/bin/env bash
# Back up the database (pg_dump, custom format: compressed, restorable table by table) and the uploaded files.
#
#   scripts/backup.sh                 DATABASE_URL from the environment (or /etc/smarteconomy/env)
#   BACKUP_DIR=/srv/backups scripts/backup.sh
#
# Writes $BACKUP_DIR/smarteconomy-<UTC time>.dump and, when the media folder exists, smarteconomy-<time>-media.tar.gz
# (and -parking-archive.tar when months of the parking log are archived: their dumps are already compressed);
# removes backups older than BACKUP_KEEP_DAYS (default 30). Run it nightly from cron or a systemd timer, after the
# 01:00 WITA recompute, and copy $BACKUP_DIR to another machine.
set -euo pipefail
[ -n "${BACKUP_DIR:-}" ] && BACKUP_DIR=$(realpath -m "$BACKUP_DIR")
source "$(dirname "$0")/prod-env.sh"
: "${DATABASE_URL:?DATABASE_URL must be set (postgres://...)}"
BACKUP_DIR=${BACKUP_DIR:-$VAR/backups}
KEEP=${BACKUP_KEEP_DAYS:-30}
mkdir -p "$BACKUP_DIR"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
dump="$BACKUP_DIR/smarteconomy-$stamp.dump"
# A consistent snapshot of the whole database while the product keeps running.
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$dump.partial" "$DATABASE_URL"
mv "$dump.partial" "$dump"
pg_restore --list "$dump" >/dev/null  # the archive is readable
echo "database: $dump ($(du -h "$dump" | cut -f1))"
media=${DJANGO_MEDIA_ROOT:-$VAR/media}
if [ -d "$media" ]; then
  tar -czf "$BACKUP_DIR/smarteconomy-$stamp-media.tar.gz" -C "$(dirname "$media")" "$(basename "$media")"
  echo "uploaded files: $BACKUP_DIR/smarteconomy-$stamp-media.tar.gz"
fi
# The months archived out of the e-parking log (cashless.archive) live only in their dumps: keep a copy of them too.
archive=${PARKING_ARCHIVE_DIR:-$VAR/archive/parking}
if [ -d "$archive" ] && [ -n "$(ls -A "$archive")" ]; then
  tar -cf "$BACKUP_DIR/smarteconomy-$stamp-parking-archive.tar" -C "$(dirname "$archive")" "$(basename "$archive")"
  echo "archived parking months: $BACKUP_DIR/smarteconomy-$stamp-parking-archive.tar"
fi
find "$BACKUP_DIR" -maxdepth 1 -name 'smarteconomy-*' -mtime +"$KEEP" -print -delete
