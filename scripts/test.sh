#!/usr/bin/env bash
# Set up and run the test suite: Python dependencies from PyPI, and Debian's
# Chromium for the report's browser test when it is missing and apt-get can
# install it (as root). Used by the README and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "installing Debian's chromium for the report test…" >&2
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
python3 -m pip install -q -e '.[test]'
python3 -m pytest "$@"
