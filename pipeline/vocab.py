"""Load the vocabulary files under `schemas/` once per process.

Entries are written in either script; `simplified()` folds them so matching
works on the simplified view of any text.
"""
from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import opencc
import yaml

SCHEMAS_DIR = Path(os.environ.get("PIPELINE_SCHEMAS", Path(__file__).resolve().parents[1] / "schemas"))

_T2S = opencc.OpenCC("t2s")
# libyaml's safe loader where PyYAML was built with it (ten times faster on schemas/tables.yaml), else PyYAML's
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def simplified(text: str) -> str:
    """The simplified-script form of `text`; same length (see docs/libraries.md)."""
    out = _T2S.convert(text)
    if len(out) != len(text):  # never seen with t2s, but offsets depend on it
        out = "".join(_T2S.convert(c) if len(_T2S.convert(c)) == 1 else c for c in text)
    return out


@cache
def load(name: str) -> dict[str, Any]:
    path = SCHEMAS_DIR / f"{name}.yaml"
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=SAFE_LOADER)  # noqa: S506 (a safe loader)


@cache
def words(name: str, key: str, field: str | None = None) -> tuple[str, ...]:
    """The simplified forms of the entries listed under `key` in schemas/NAME.yaml, made once per process.

    A section is a list, or a mapping whose `words` or `names` list holds the
    entries; an entry is a string or a mapping with `word`/`name` (or `field`).
    """
    section = load(name)[key]
    items = section if isinstance(section, list) else (section.get("words") or section.get("names") or [])
    return tuple(simplified(str(_entry_word(item, field))) for item in items)


def _entry_word(item: Any, field: str | None) -> Any:
    if not isinstance(item, dict):
        return item
    for key in (field, "word", "name"):
        if key and key in item:
            return item[key]
    raise KeyError(f"vocabulary entry without a word: {item!r}")
