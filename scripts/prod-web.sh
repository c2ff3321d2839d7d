#!/usr/bin/env bash
# The web server: gunicorn (settings in deploy/gunicorn.conf.py) serving Django and, through whitenoise, the
# collected static files. Run scripts/prod-release.sh first.
set -euo pipefail
source "$(dirname "$0")/prod-env.sh"
exec "$BIN/gunicorn" --config deploy/gunicorn.conf.py smarteconomy.wsgi:application "$@"
