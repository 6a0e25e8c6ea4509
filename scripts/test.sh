#!/usr/bin/env bash
# Set up and run the test suite: Python dependencies from PyPI at the versions the suite passed with
# (constraints.txt; PIPELINE_UNPINNED=1 tries the newest versions pyproject.toml allows), and Debian's
# Chromium for the report's browser test when it is missing and apt-get can install it (as root).
# Used by the README and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "installing Debian's chromium for the report test…" >&2
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ "${PIPELINE_UNPINNED:-0}" = 1 ]; then
  python3 -m pip install -q -e '.[test]'
else
  python3 -m pip install -q -c constraints.txt -e '.[test]'
fi
# pip installs the DuckDB CLI of duckdb-cli without its executable bit: make the binary runnable
cli="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/duckdb"
if [ -f "$cli" ] && [ ! -x "$cli" ]; then chmod +x "$cli" || true; fi
python3 -m pytest "$@"
