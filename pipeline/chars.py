"""Characters every stage reads alike.

FORMAT_CHARS: Unicode format characters (category Cf: zero-width spaces and joiners, the soft hyphen,
bidirectional controls, the byte-order mark). Invisible in print, inside a copy they split numbers and
markers (四\u200b百二十斤, 第\u200b四条): normalization drops them as it drops a wrap's whitespace, and
ingest warns where a text holds them (E122). The original text keeps them.
"""
from __future__ import annotations

FORMAT_CHARS = "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"  # a regex class body
