"""Extract: StructuredDocument → typed rows of standards, conversion_rates, facts and numbers.

Entry point: `extract(sd)` (document.py). The language pipelines (spaCy,
jieba) are imported when `extract` is first used, not with the package: the
build's main process, which loads rows and applies errata and reviews
(pipeline/load), never needs them.
"""
from __future__ import annotations

from typing import Any

__all__ = ["extract", "Extraction", "is_report"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from pipeline.extract import document

        return getattr(document, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
