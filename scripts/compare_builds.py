"""Compare every table of two built databases: a refactoring must leave them identical.

    python scripts/compare_builds.py OLD.duckdb NEW.duckdb [--ignore COLUMN ...]

Prints the tables that differ (rows, or values at the same count) and exits 1, or says they are identical.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.load.fingerprint import differences  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("--ignore", nargs="*", default=[], help="columns added on purpose, left out of the comparison")
    a = ap.parse_args(argv)
    lines = differences(a.old, a.new, tuple(a.ignore))
    print("\n".join(lines) if lines else "every table identical")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
