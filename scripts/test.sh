#!/usr/bin/env bash
# The whole test run: lint, types, Django checks, the suite on SQLite, then on PostgreSQL.
# Locally, PostgreSQL and browser tests skip with a one-line reason when their programs are
# missing; with CI=true they must run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export TATARA_TESTING=1
export TATARA_DATA_DIR="${TATARA_DATA_DIR:-$(mktemp -d /tmp/tatara-test.XXXXXX)}"
unset TATARA_DATABASE_URL || true

echo "== ruff"
$BIN/ruff check .
$BIN/ruff format --check --quiet . || { echo "ruff format would change files: run .venv/bin/ruff format ."; exit 1; }
echo "== mypy"
$BIN/mypy src
echo "== import contracts (pyproject.toml [tool.importlinter])"
$BIN/lint-imports --no-cache
echo "== django checks"
$BIN/tatara check --fail-level WARNING
$BIN/tatara makemigrations --check --dry-run
TATARA_SECRET_KEY=check-deploy-not-a-real-secret-0123456789abcdefghijklmnop \
  TATARA_ALLOWED_HOSTS=tatara.example.com TATARA_TESTING=0 \
  $BIN/tatara check --deploy --fail-level WARNING

if [ ! -x /usr/bin/chromium ]; then
  if [ "${CI:-}" = "true" ]; then echo "CI: /usr/bin/chromium is missing (apt-get install chromium)"; exit 1; fi
  echo "browser tests: skipped (no /usr/bin/chromium; apt-get install chromium)"
fi

# The suite runs in parallel, one worker per core (TATARA_TEST_WORKERS=1 for one process).
# --dist load: a test class's tests may go to different workers; each worker has its own
# test database (pytest-django names it per worker).
WORKERS="${TATARA_TEST_WORKERS:-auto}"
PYTEST=($BIN/pytest -n "$WORKERS" --dist load)

echo "== pytest on SQLite"
"${PYTEST[@]}" "$@"

PG_URL="${TATARA_TEST_POSTGRES_URL:-}"
STARTED=""
if [ -z "$PG_URL" ]; then
  if PG_URL=$(bash scripts/pg-tmp.sh start 2>/tmp/tatara-pg.err); then
    STARTED=1
  else
    PG_URL=""
    if [ "${CI:-}" = "true" ]; then echo "CI: could not start PostgreSQL: $(cat /tmp/tatara-pg.err)"; exit 1; fi
    echo "PostgreSQL tests: skipped ($(head -n 1 /tmp/tatara-pg.err))"
  fi
fi
if [ -n "$PG_URL" ]; then
  trap '[ -n "$STARTED" ] && bash scripts/pg-tmp.sh stop' EXIT
  echo "== pytest on PostgreSQL"
  TATARA_DATABASE_URL="$PG_URL" "${PYTEST[@]}" "$@"
fi
