"""Markdown-ish text: `#` headings; the first one is the title.

Headings below the title are kept in the body, where the structure stage
reads them as sections.
"""
from __future__ import annotations

import re

from pipeline.ingest.layouts import Layout, register
from pipeline.ingest.layouts.plain import read_plain

HEADING_RE = re.compile(r"^#{1,6}\s+\S", re.M)


@register("markdown")
class MarkdownReader:
    name = "markdown"

    def detect(self, text: str) -> float:
        n = len(HEADING_RE.findall(text))
        return 0.0 if n == 0 else min(0.5, 0.2 + 0.1 * n)

    def read(self, text: str) -> Layout:
        first = next((ln for ln in text.splitlines() if ln.strip()), "")
        prefix = re.match(r"^#{1,6}", first.strip())
        return read_plain(text, title_prefix=prefix.group(0) if prefix else "")
