#!/usr/bin/env bash
# Started by `make run`: the web server and, beside it, the Celery worker with its beat (the scheduled
# tasks). Without REDIS_URL they talk through a folder under var/ (no server to install).
set -euo pipefail
BIN=$1 HOST=$2 PORT=$3
mkdir -p var/log
"$BIN/celery" -A smarteconomy worker --beat --concurrency 1 --loglevel INFO \
  --schedule var/celery/beat-schedule >var/log/celery.log 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true; wait $WORKER 2>/dev/null || true' EXIT INT TERM
cat <<MSG

  Smart Economy Balikpapan is running:  http://$HOST:$PORT/
  Demo logins (password: ${DEMO_PASSWORD:-smart-economy-demo}):
    admin, bappeda, dpmptsp, dkumkmp, operator_airport, operator_mall
  Celery worker + beat log: var/log/celery.log      Stop with Ctrl+C.

MSG
"$BIN/python" manage.py runserver --noreload "$HOST:$PORT"
