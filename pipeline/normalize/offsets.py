"""The offset map from a normalized view back to the original text."""
from __future__ import annotations

from array import array


class OffsetMap:
    """origin[i] is the original offset of normalized character i.

    Normalization only deletes characters (wrap breaks, spaces inside words)
    or replaces one character by one (punctuation width, OpenCC t2s), so a
    normalized span [a, b) maps to the original span from origin[a] to just
    after origin[b - 1]: it covers the evidence plus any deleted characters
    between, exactly as a reader sees it in the file.
    """

    __slots__ = ("origin", "original_length")

    def __init__(self, origin: array, original_length: int):
        self.origin = origin
        self.original_length = original_length

    def __len__(self) -> int:
        return len(self.origin)

    def span(self, start: int, end: int) -> tuple[int, int]:
        if not 0 <= start <= end <= len(self.origin):
            raise IndexError(f"span {start}:{end} outside the normalized text (length {len(self.origin)})")
        if start == end:
            pos = self.origin[start] if start < len(self.origin) else self.original_length
            return pos, pos
        return self.origin[start], self.origin[end - 1] + 1
