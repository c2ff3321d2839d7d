# Sourced by the scripts/prod-*.sh scripts: production settings, the virtualenv, and the environment file.
# ENV_FILE (default /etc/smarteconomy/env, then ./.env.production) holds DJANGO_SECRET_KEY, DATABASE_URL, ...
# (see deploy/env.example). Variables already set in the environment win over the file.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ENV_FILE=${ENV_FILE:-}
if [ -z "$ENV_FILE" ]; then
  for candidate in /etc/smarteconomy/env .env.production; do
    if [ -r "$candidate" ]; then ENV_FILE=$candidate; break; fi
  done
fi
if [ -n "$ENV_FILE" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in ''|\#*) continue ;; esac
    name=${line%%=*}
    if [ -z "${!name+x}" ]; then export "$line"; fi
  done <"$ENV_FILE"
fi
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-smarteconomy.settings.production}
BIN=${BIN:-.venv/bin}
VAR=${DJANGO_VAR_DIR:-var}
mkdir -p "$VAR/celery"
