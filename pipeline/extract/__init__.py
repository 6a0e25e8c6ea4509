"""Extract: StructuredDocument → typed rows of standards, conversion_rates, facts and numbers.

Entry point: `extract(sd)` (document.py). The language pipelines (spaCy,
jieba) are imported when `extract` is first used, not with the package: the
build's main process, which loads rows and applies errata and reviews
(pipeline/load), never needs them.
"""
from __future__ import annotations

from typing import Any

__all__ = ["extract", "Extraction"]


def warm_up() -> None:
    """Make the language pipelines and the segmenter now (a worker's start-up), not with its first text."""
    from pipeline.extract.nlp import nlp
    from pipeline.extract.segmenter import segmenter

    nlp("jieba"), nlp("char"), segmenter().lcut("统购统销")


def __getattr__(name: str) -> Any:
    if name in __all__:
        from pipeline.extract import document

        return getattr(document, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
