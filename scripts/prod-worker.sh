#!/usr/bin/env bash
# One Celery worker pool (prefork, CELERY_CONCURRENCY processes). Never with --beat: the beat runs alone
# (scripts/prod-beat.sh), exactly once for the whole installation.
set -euo pipefail
source "$(dirname "$0")/prod-env.sh"
exec "$BIN/celery" -A smarteconomy worker --pool prefork --concurrency "${CELERY_CONCURRENCY:-2}" \
  --hostname "worker@%h" --loglevel INFO --without-mingle --without-gossip "$@"
