"""The crop vocabulary (schemas/crops.yaml), shared by the structure stage (which tells a row of crop
names run together from text) and the extraction of conversion tables."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline import vocab

NAMES_RUN_MIN_SHARE = 0.6
CJK_ONLY = re.compile(r"[\u3400-\u9fff]+")  # the share of a run's characters that known crop names must cover


@dataclass(frozen=True)
class Crop:
    name: str
    canonical: str
    grain: bool


@lru_cache(maxsize=1)
def crops() -> dict[str, Crop]:
    data = vocab.load("crops")
    out = {}
    for c in data["crops"]:
        name = vocab.simplified(c["name"])
        out[name] = Crop(name, vocab.simplified(c.get("same_as", c["name"])), c.get("grain", True))
    return out


@lru_cache(maxsize=1)
def reference_grain() -> str:
    return vocab.simplified(vocab.load("crops")["reference_grain"])


def is_names_run(text: str) -> bool:
    """A row of crop names run together (大麥大豆大麥蕎麥高粱玉米栗子): no punctuation, and at least
    two known names covering most of it. The text may be in either script."""
    t = text.strip()
    if not 4 <= len(t) <= 48 or not CJK_ONLY.fullmatch(t):
        return False
    t = vocab.simplified(t)
    if t == reference_grain():
        return False
    names = sorted(crops(), key=len, reverse=True)
    covered = found = k = 0
    while k < len(t):
        hit = next((n for n in names if t.startswith(n, k)), None)
        if hit:
            covered += len(hit)
            found += 1
            k += len(hit)
        else:
            k += 1
    return found >= 2 and covered >= NAMES_RUN_MIN_SHARE * len(t)
