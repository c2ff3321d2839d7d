#!/usr/bin/env bash
# `make run-prod`: the production processes on one machine, in the foreground: release steps, then the web
# server (gunicorn), one worker pool and the one beat. On a server use the systemd units in deploy/systemd.
set -euo pipefail
here=$(dirname "$0")
bash "$here/prod-release.sh"
pids=()
stop() { for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done; wait; }
trap stop EXIT INT TERM
bash "$here/prod-worker.sh" & pids+=($!)
bash "$here/prod-beat.sh" & pids+=($!)
bash "$here/prod-web.sh" & pids+=($!)
wait -n
