"""Build the unit tree of a normalized document.

Chinese body paragraphs are read top to bottom: 第N章 opens a chapter, 第N條
(or, in texts without 第N條, a leading 一、) an article, （一） an item, 註：
a note; runs of table rows and their short labels form a table; other
paragraphs are the article's paragraphs (款), a preamble before the first
article, or plain paragraphs in a text without articles. English paragraphs
become `translation` units, numbered by their Roman numeral and aligned to
the Chinese article of that number (or, in unnumbered texts, paragraph by
paragraph when the counts agree).

Unit ids follow Akoma Ntoso: built from the path (`chp_3__art_9__item_2`),
a repeated number gets a suffix (`art_9_2`), an unnumbered unit `nn_1`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import cn2an

from pipeline import vocab
from pipeline.markers import ARTICLE_RE, CHAPTER_RE, ENUM_RE, ITEM_RE, NOTE_RE, SECTION_RE, parse_number
from pipeline.normalize import NormalizedDocument, Paragraph
from pipeline.structure.model import Unit

LABEL_MAX = 10
ROMAN_RE = re.compile(r"^(?P<num>M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))\.\s")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def roman_value(s: str) -> int:
    total = 0
    for a, b in zip(s, s[1:] + " ", strict=True):
        v = _ROMAN[a]
        total += -v if b != " " and _ROMAN.get(b, 0) > v else v
    return total


@dataclass
class _State:
    chapter: Unit | None = None
    section: Unit | None = None
    article: Unit | None = None
    counters: dict[str, int] = field(default_factory=dict)


class StructureParser:
    def __init__(self, nd: NormalizedDocument):
        self.nd = nd
        self.units: list[Unit] = []
        self.ids: set[str] = set()
        self.paragraph_unit: list[str | None] = [None] * len(nd.paragraphs)
        self.article_paragraphs: dict[str, list[int]] = {}
        body = [p for p in nd.paragraphs if p.region == "body"]
        has_tiao = any(ARTICLE_RE.match(self.text(p)) for p in body)
        self.enum_articles = not has_tiao and sum(1 for p in body if ENUM_RE.match(self.text(p))) >= 2
        self.table_paragraphs = self._find_tables()

    # -- helpers -------------------------------------------------------------------------
    def text(self, p: Paragraph) -> str:
        return self.nd.text[p.start:p.end]

    def _new_id(self, base: str) -> str:
        uid, k = base, 2
        while uid in self.ids:
            uid = f"{base}_{k}"
            k += 1
        self.ids.add(uid)
        return uid

    def _add(self, kind: str, prefix: str, number: int | None, number_text: str | None,
             parent: Unit | None, p: Paragraph, counters: dict[str, int], **kw) -> Unit:
        if number is None:
            counters[f"nn_{kind}"] = counters.get(f"nn_{kind}", 0) + 1
            local = f"{prefix}_nn_{counters[f'nn_{kind}']}"
        else:
            local = f"{prefix}_{number}"
        base = f"{parent.unit_id}__{local}" if parent is not None else local
        unit = Unit(self._new_id(base), kind, number, number_text, parent.unit_id if parent else None,
                    p.start, p.end, language=p.language, ordinal=len(self.units), **kw)
        self.units.append(unit)
        return unit

    def _count(self, counters: dict[str, int], key: str) -> int:
        counters[key] = counters.get(key, 0) + 1
        return counters[key]

    def _find_tables(self) -> dict[int, int]:
        """Paragraph index → table number: runs of table rows with their labels."""
        paras = self.nd.paragraphs
        out: dict[int, int] = {}
        i, table_no = 0, 0
        while i < len(paras):
            j, rows = i, 0
            while j < len(paras) and paras[j].region == "body" and (paras[j].table_row or self._is_label(paras[j])):
                rows += paras[j].table_row
                j += 1
            if rows >= 2:
                # trailing labels belong to the next text, not the table
                while j > i and not paras[j - 1].table_row:
                    j -= 1
                table_no += 1
                for k in range(i, j):
                    out[k] = table_no
                i = j
            else:
                i = max(j, i + 1)
        return out

    def _is_label(self, p: Paragraph) -> bool:
        t = self.text(p)
        return len(t) <= LABEL_MAX and not any(c in t for c in "。，；") and not (
            CHAPTER_RE.match(t) or ARTICLE_RE.match(t) or ITEM_RE.match(t) or NOTE_RE.match(t))

    # -- the walk ------------------------------------------------------------------------
    def parse(self) -> tuple[list[Unit], list[str]]:
        zh = _State()
        root_counters: dict[str, int] = {}
        last_table: tuple[int, Unit] | None = None
        for idx, p in enumerate(self.nd.paragraphs):
            if p.region == "translation" or p.language != "zh":
                continue
            t = self.text(p)
            if p.region in ("headline", "byline", "procedure"):
                n = self._count(root_counters, p.region)
                unit = self._add(p.region, p.region, n, None, None, p, root_counters)
                self.paragraph_unit[idx] = unit.unit_id
                continue
            if idx in self.table_paragraphs:
                number = self.table_paragraphs[idx]
                if last_table and last_table[0] == number:
                    last_table[1].end = p.end
                    self.paragraph_unit[idx] = last_table[1].unit_id
                    continue
                parent = zh.article or zh.chapter or zh.section
                counters = zh.counters.setdefault(parent.unit_id if parent else "", {}) if parent else root_counters
                unit = self._add("table", "table", self._count(counters, "table"), None, parent, p, counters)
                last_table = (number, unit)
                self.paragraph_unit[idx] = unit.unit_id
                continue
            self.paragraph_unit[idx] = self._body_paragraph(zh, root_counters, p, t, idx).unit_id
        self._paragraph_units()
        self._damaged_items()
        self._translations()
        self._close_spans()
        return self.units, [u or "" for u in self.paragraph_unit]

    def _body_paragraph(self, zh: _State, root: dict[str, int], p: Paragraph, t: str, idx: int) -> Unit:
        if m := SECTION_RE.match(t):
            zh.section = self._add("section", "sec", self._count(root, "sec"), None, None, p, root,
                                   heading=m.group("heading").strip())
            zh.chapter = zh.article = None
            return zh.section
        if m := CHAPTER_RE.match(t):
            number, bad = parse_number(m.group("num"))
            zh.chapter = self._add("chapter", "chp", number, m.group(0), zh.section, p, root,
                                   heading=_heading(t[m.end():]), flags=["misprinted_number"] if bad else [])
            zh.article = None
            return zh.chapter
        m = ARTICLE_RE.match(t) or (ENUM_RE.match(t) if self.enum_articles else None)
        if m:
            number, bad = parse_number(m.group("num"))
            flags = ["misprinted_number"] if bad else []
            prev = [u.number for u in self.units if u.kind == "article" and u.number is not None]
            if number is not None and prev and number != prev[-1] + 1:
                flags.append("number_out_of_sequence")
            parent = zh.chapter or zh.section
            zh.article = self._add("article", "art", number, m.group(0), parent, p, root, flags=flags)
            self.article_paragraphs[zh.article.unit_id] = [idx]
            return zh.article
        parent = zh.article or zh.chapter or zh.section
        counters = zh.counters.setdefault(parent.unit_id, {}) if parent else root
        if m := ITEM_RE.match(t):
            number, bad = parse_number(m.group("num"))
            return self._add("item", "item", number, m.group(0), parent, p, counters,
                             flags=["misprinted_number"] if bad else [])
        if NOTE_RE.match(t):
            return self._add("note", "note", self._count(counters, "note"), None, parent, p, counters)
        if zh.article is not None:
            self.article_paragraphs[zh.article.unit_id].append(idx)
            return zh.article
        if parent is None and not any(u.kind == "article" for u in self.units) and self._has_articles_later(idx):
            return self._add("preamble", "preamble", self._count(root, "preamble"), None, None, p, root)
        return self._add("paragraph", "para", self._count(counters, "para"), None, parent, p, counters)

    def _has_articles_later(self, idx: int) -> bool:
        for p in self.nd.paragraphs[idx + 1:]:
            t = self.text(p)
            if p.region == "body" and (ARTICLE_RE.match(t) or (self.enum_articles and ENUM_RE.match(t))):
                return True
        return False

    def _paragraph_units(self) -> None:
        """An article of several paragraphs (款) gets a unit for each, the first included."""
        for art_id, idxs in self.article_paragraphs.items():
            if len(idxs) < 2:
                continue
            art = next(u for u in self.units if u.unit_id == art_id)
            for k, idx in enumerate(idxs, start=1):
                p = self.nd.paragraphs[idx]
                unit = self._add("paragraph", "para", k, None, art, p, {})
                self.paragraph_unit[idx] = unit.unit_id

    def _damaged_items(self) -> None:
        """A garbled next marker after a sentence end in an article's last item (schemas/ocr_confusions.yaml)."""
        confusions = [(vocab.simplified(e["garbled"]), vocab.simplified(e["reading"]))
                      for e in vocab.load("ocr_confusions")["markers"]]
        for art in [u for u in self.units if u.kind == "article"]:
            items = [u for u in self.units if u.parent_id == art.unit_id and u.kind == "item"]
            numbers = [u.number for u in items]
            if not items or numbers != list(range(1, len(items) + 1)):
                continue
            last = items[-1]
            expected = f"（{cn2an.an2cn(len(items) + 1)}）"
            text = self.nd.simplified[last.start:last.end]
            for garbled, reading in confusions:
                if reading != expected:
                    continue
                k = text.find("。" + garbled)
                if k < 0:
                    continue
                start = last.start + k + 1
                unit = Unit(self._new_id(f"{art.unit_id}__item_{len(items) + 1}"), "item", len(items) + 1,
                            self.nd.text[start:start + len(garbled)], art.unit_id, start, last.end,
                            flags=["damaged_marker", "ocr_suspect"], ordinal=len(self.units))
                last.end = start
                self.units.append(unit)
                break

    def _translations(self) -> None:
        en_idx = [i for i, p in enumerate(self.nd.paragraphs) if p.language == "en"]
        if not en_idx:
            return
        zh_articles = {u.number: u for u in self.units if u.kind == "article" and u.language == "zh"}
        zh_paras = [u for u in self.units if u.kind == "paragraph" and u.parent_id is None] or [
            u for u in self.units if u.kind == "preamble"]
        zh_heads = [u for u in self.units if u.kind == "headline"]
        counters: dict[str, int] = {}
        current: Unit | None = None
        plain: list[Unit] = []
        for i in en_idx:
            p = self.nd.paragraphs[i]
            t = self.text(p)
            kind = p.region if p.region in ("headline", "byline") else "translation"
            if kind != "translation":
                n = self._count(counters, kind)
                unit = self._add("translation", f"en__{kind}", n, None, None, p, counters, heading=kind)
                if kind == "headline" and n <= len(zh_heads):
                    unit.aligned_unit_id = zh_heads[n - 1].unit_id
            elif m := ROMAN_RE.match(t):
                n = roman_value(m.group("num"))
                current = self._add("translation", "en__art", n, m.group(0).strip(), None, p, counters)
                if n in zh_articles:
                    current.aligned_unit_id = zh_articles[n].unit_id
                unit = current
            elif current is not None:
                unit = self._add("translation", "para", self._count(counters, current.unit_id), None, current, p,
                                 counters)
            else:
                unit = self._add("translation", "en__para", self._count(counters, "para"), None, None, p, counters)
                plain.append(unit)
            self.paragraph_unit[i] = unit.unit_id
        if plain and len(plain) == len(zh_paras):
            for en, zh in zip(plain, zh_paras, strict=True):
                en.aligned_unit_id = zh.unit_id

    def _close_spans(self) -> None:
        """A unit ends where its last descendant ends."""
        by_id = {u.unit_id: u for u in self.units}
        for u in sorted(self.units, key=lambda u: -u.unit_id.count("__")):
            if u.parent_id in by_id:
                parent = by_id[u.parent_id]
                parent.end = max(parent.end, u.end)
        self.units.sort(key=lambda u: (u.start, u.unit_id.count("__")))
        for k, u in enumerate(self.units):
            u.ordinal = k


def _heading(rest: str) -> str | None:
    h = re.sub(r"\s+", "", rest).strip("：:　 ")
    return h or None
