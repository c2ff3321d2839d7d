#!/usr/bin/env bash
# Started by `make run`: the web server and, beside it, the Celery worker with its beat (the scheduled
# tasks). Without REDIS_URL they talk through a folder under the var folder (no server to install).
# The var folder is DJANGO_VAR_DIR (default ./var), the same folder the settings use for the database, the
# broker folders and the beat schedule (CELERY_BEAT_SCHEDULE_FILENAME), so the log goes there too.
set -euo pipefail
BIN=$1 HOST=$2 PORT=$3
VAR_DIR=${DJANGO_VAR_DIR:-var}
mkdir -p "$VAR_DIR/log" "$VAR_DIR/celery"
LOG="$VAR_DIR/log/celery.log"
"$BIN/celery" -A smarteconomy worker --beat --concurrency 1 --loglevel INFO >"$LOG" 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true; wait $WORKER 2>/dev/null || true' EXIT INT TERM
cat <<MSG

  Smart Economy Balikpapan is running:  http://$HOST:$PORT/
  Demo logins (password: ${DEMO_PASSWORD:-smart-economy-demo}):
    admin, bappeda, dpmptsp, dkumkmp, operator_airport, operator_mall
  Celery worker + beat log: $LOG      Stop with Ctrl+C.

MSG
"$BIN/python" manage.py runserver --noreload "$HOST:$PORT"
