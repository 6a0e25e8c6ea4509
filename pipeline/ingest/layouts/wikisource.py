"""Wikisource pages copied as text.

    <title>
    維基文庫,自由的圖書館          site line
    <title again>
    1955年9月20日                  date line
    發布機關:<issuer>               issuer line
    <body>
    本作品來自…公有領域             licence footer
    Public domainPublic domain…
"""
from __future__ import annotations

from pipeline.ingest.dates import find_date
from pipeline.ingest.layouts import Layout, register
from pipeline.ingest.layouts.common import (
    is_licence_line,
    is_site_line,
    issuer_from_label,
    issuer_from_title,
    lines,
    looks_like_title,
    merged,
)
from pipeline.ingest.model import Metadata, Region

HEADER_SCAN = 12  # the furniture sits in the first lines


@register("wikisource")
class WikisourceReader:
    name = "wikisource"

    def detect(self, text: str) -> float:
        head = lines(text)[:HEADER_SCAN]
        site = any(is_site_line(ln.text) for ln in head)
        licence = any(is_licence_line(ln.text) for ln in lines(text)[-6:])
        if not (site or licence):  # an issuer line alone is plain-text furniture too
            return 0.0
        issuer = any(issuer_from_label(ln.text) for ln in head)
        return 0.6 * site + 0.2 * licence + 0.2 * issuer

    def read(self, text: str) -> Layout:
        meta = Metadata(source="Wikisource (維基文庫)", languages=["zh"])
        regions: list[Region] = []
        all_lines = lines(text)
        content = [ln for ln in all_lines if not ln.blank]
        # header: up to and including the issuer line, or the date line after the site line
        last_header = -1
        for k, ln in enumerate(content[:HEADER_SCAN]):
            s = ln.stripped
            if k == 0 and looks_like_title(s):
                meta.title = s
                last_header = k
            elif is_site_line(s):
                last_header = k
            elif meta.title and s == meta.title:
                last_header = k
            elif (issuer := issuer_from_label(s)) is not None:
                meta.issuer = issuer
                last_header = k
            elif (d := find_date(s)[0]) and len(s) <= 16:
                meta.date = meta.date or d
                last_header = k
        if last_header >= 0:
            regions.append(Region("header", content[0].start, content[last_header].end))
        # footer: from the first licence line among the last lines
        body_lines = content[last_header + 1:]
        footer_at = next((k for k, ln in enumerate(body_lines) if k >= len(body_lines) - 6
                          and is_licence_line(ln.text)), None)
        if footer_at is not None:
            regions.append(Region("footer", body_lines[footer_at].start, body_lines[-1].end))
            meta.licence = body_lines[footer_at].stripped
            body_lines = body_lines[:footer_at]
        if body_lines:
            regions.append(Region("body", body_lines[0].start, body_lines[-1].end))
        if meta.title and not meta.issuer:
            meta.issuer = issuer_from_title(meta.title)
        return Layout(merged(regions, text), meta)
