"""Extract: StructuredDocument → rows of standards, conversion_rates and facts.

Entry point: `extract(sd)`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.structure import StructuredDocument


@dataclass
class Extraction:
    standards: list[dict[str, Any]] = field(default_factory=list)
    conversion_rates: list[dict[str, Any]] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        return {"standards": self.standards, "conversion_rates": self.conversion_rates, "facts": self.facts}


def extract(sd: StructuredDocument) -> Extraction:
    return Extraction()
