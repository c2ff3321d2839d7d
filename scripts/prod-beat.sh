#!/usr/bin/env bash
# The Celery beat: exactly one for the whole installation (it sends the nightly tasks). A lock file makes a
# second beat on the same machine refuse to start; on several machines, enable the beat unit on one only.
# (Two beats would only send each nightly task twice, and the task lock would skip the second run, but the
# log would be confusing.)
set -euo pipefail
source "$(dirname "$0")/prod-env.sh"
exec 9>"$VAR/celery/beat.lock"
if ! flock -n 9; then
  echo "another celery beat is already running on this machine ($VAR/celery/beat.lock); not starting a second" >&2
  exit 1
fi
exec "$BIN/celery" -A smarteconomy beat --loglevel INFO --schedule "$VAR/celery/beat-schedule" "$@"
