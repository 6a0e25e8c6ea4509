#!/usr/bin/env bash
# Set up and run the test suite: Python dependencies from PyPI at the versions the suite passed with
# (constraints.txt; PIPELINE_UNPINNED=1 tries the newest versions pyproject.toml allows), and Debian's
# Chromium (the report's browser test) and CJK fonts (the scan tests) when missing and apt-get can install
# them (as root).
# Used by the README and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian's chromium (the report's browser test) and CJK fonts (scripts/make_scans.py sets the test scans in them)
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
[ -e /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc ] || missing="$missing fonts-noto-cjk"
[ -e /usr/share/fonts/truetype/arphic/uming.ttc ] || missing="$missing fonts-arphic-uming"
if [ -n "$missing" ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "installing Debian's$missing for the report and scan tests…" >&2
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
if [ "${PIPELINE_UNPINNED:-0}" = 1 ]; then
  python3 -m pip install -q -e '.[test]'
else
  python3 -m pip install -q -c constraints.txt -e '.[test]'
fi
# pip installs the DuckDB CLI of duckdb-cli without its executable bit: make the binary runnable
cli="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/duckdb"
if [ -f "$cli" ] && [ ! -x "$cli" ]; then chmod +x "$cli" || true; fi
# in as many processes as the machine has cores (pytest-xdist; PIPELINE_TEST_WORKERS=0 runs them in this one)
python3 -m pytest -n "${PIPELINE_TEST_WORKERS:-auto}" "$@"
