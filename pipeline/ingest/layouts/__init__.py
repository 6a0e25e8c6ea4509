"""Registry of layout readers: a new source format is one new module here.

A reader has `detect(text) -> float` (0 = not this layout, 1 = certain) and
`read(text) -> Layout` (regions of the original text and the metadata the
furniture states). The registry picks the reader with the highest score.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from pipeline.ingest.model import Metadata, Region


@dataclass
class Layout:
    regions: list[Region]
    metadata: Metadata


class LayoutReader(Protocol):
    name: str

    def detect(self, text: str) -> float: ...

    def read(self, text: str) -> Layout: ...


READERS: dict[str, LayoutReader] = {}


def register(name: str) -> Callable[[type], type]:
    """Class decorator: instantiate the reader and add it under `name`."""

    def wrap(cls: type) -> type:
        reader = cls()
        reader.name = name
        READERS[name] = reader
        return cls

    return wrap


def choose(text: str) -> LayoutReader:
    scored = sorted(READERS.values(), key=lambda r: r.detect(text), reverse=True)
    return scored[0]


# Import the readers so they register themselves.
from pipeline.ingest.layouts import markdown, peoples_daily, plain, wikisource  # noqa: E402,F401
