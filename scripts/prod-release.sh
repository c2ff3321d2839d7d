#!/usr/bin/env bash
# Before starting (or after updating) the services: deployment checks, migrations, static files.
set -euo pipefail
source "$(dirname "$0")/prod-env.sh"
# Warnings are printed; errors stop the release. (CI runs the same check with --fail-level WARNING.)
"$BIN/python" manage.py check --deploy --fail-level ERROR
"$BIN/python" manage.py migrate --noinput
"$BIN/python" manage.py collectstatic --noinput -v0
