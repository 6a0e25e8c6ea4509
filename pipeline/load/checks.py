"""Named row checks that tables.yaml attaches to tables (`checks: [...]`).

Each returns a boolean Series (True = row passes). Checks that need the
documents' original text are built with `make_checks(texts)`.
"""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from pipeline import vocab


def make_checks(texts: dict[str, str]) -> dict[str, Callable[[pd.DataFrame], pd.Series]]:
    """Row checks; `texts` maps doc_id to its original text."""
    known = set(vocab.load("flags"))

    def span_ordered(df: pd.DataFrame) -> pd.Series:
        return (df["char_start"] <= df["char_end"]).fillna(False).astype(bool)

    def norm_span_ordered(df: pd.DataFrame) -> pd.Series:
        return (df["norm_start"] <= df["norm_end"]).fillna(False).astype(bool)

    def quote_matches_original(df: pd.DataFrame) -> pd.Series:
        ok = [
            texts.get(d, "")[int(a):int(b)] == q and int(b) <= len(texts.get(d, ""))
            for d, a, b, q in zip(df["doc_id"], df["char_start"], df["char_end"], df["quote"], strict=True)
        ]
        return pd.Series(ok, index=df.index, dtype=bool)

    def range_ordered(df: pd.DataFrame) -> pd.Series:
        """min ≤ max, unless the row is flagged as a range printed the wrong way round."""
        both = df["value_min"].notna() & df["value_max"].notna()
        flagged = df["flags"].map(lambda f: "reversed_range" in f)
        return (~both | flagged | (df["value_min"] <= df["value_max"])).fillna(True).astype(bool)

    def flags_explained(df: pd.DataFrame) -> pd.Series:
        """Every flag a row carries is explained in schemas/flags.yaml (the report's glossary)."""
        return df["flags"].map(lambda f: set(f) <= known).astype(bool)

    return {
        "flags_explained": flags_explained,
        "span_ordered": span_ordered,
        "norm_span_ordered": norm_span_ordered,
        "quote_matches_original": quote_matches_original,
        "range_ordered": range_ordered,
    }
