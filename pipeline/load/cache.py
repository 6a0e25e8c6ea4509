"""The document cache's keys and look-ups: a file's key is its bytes, its sidecar and the pipeline's
fingerprint (see pipeline.load.parts for what is stored under it).

Light on purpose (hashlib and json): a build that finds nothing changed needs no more.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from pipeline.files import sidecar_path

PACKAGE = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """The pipeline's identity: its version, code and vocabulary. A change invalidates the cache."""
    from pipeline import __version__
    from pipeline.vocab import SCHEMAS_DIR

    h = hashlib.sha256(__version__.encode())
    for path in sorted([*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.json"), *Path(SCHEMAS_DIR).glob("*.yaml")]):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def file_key(path: Path) -> str:
    h = hashlib.sha256(fingerprint().encode())
    h.update(path.read_bytes())
    side = sidecar_path(path)
    if side.exists():
        h.update(side.read_bytes())
    return h.hexdigest()[:32]


def content_id(key: str) -> str:
    """What stands for the document id in a cached document's rows until the load names it."""
    return f"@{key}"


def cached(cache_dir: Path, key: str) -> dict | None:
    """The summary of a document processed before, with its batch folder (relative to `cache_dir`)."""
    summary = cache_dir / "docs" / f"{key}.json"
    try:
        data = json.loads(summary.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # not cached, or a summary from an unreadable or older cache
        return None
    batch = data.get("batch")
    if not isinstance(batch, str) or Path(batch).is_absolute() or not (cache_dir / batch).is_dir():
        return None
    return data
