"""Build the unit tree of a normalized document.

Chinese body paragraphs are read top to bottom, each classified by what starts
it (pipeline/markers.py): a Markdown heading, a chapter (第N章), a marker of
one of the enumeration families (第N条, 一、, （一）, （1）, 1．, 1、, （甲）),
an inline point (第一，), a footnote (〔1〕), a note (注：), a table caption
(第一表), a source line (来源：), or plain text.

Which family numbers the articles is decided from the whole text:
第N条 where it has them; else enumerated Markdown headings (## 一、…); else
paragraphs starting 一、; else paragraphs starting （一）. Any other family met
inside an article numbers its items, whether it starts a paragraph or runs on
inside one (：（甲）…。（乙）…). A report's numbered sections are articles too:
the document's kind, not the unit's, tells a rule from a report.

Also read: a table of contents (a run of 第N章 lines repeated later) is not a
second set of chapters; an article number out of sequence between two in
sequence is a misprint (三十二、 between 二十一、 and 二十三、 is 22, flagged);
an item marker continuing the article sequence ends the list as its next
article ((九) after 八、); an unnumbered paragraph after the last article that
refers back to all of them (以上, 上述, 最后, 各级…) closes the list; a
Markdown heading that is a whole sentence is a paragraph; runs of table rows and
their short labels form a table. English paragraphs become `translation`
units, aligned to the Chinese article of their Roman numeral (or paragraph by
paragraph when the counts agree).

Unit ids follow Akoma Ntoso: built from the path (`chp_3__art_9__item_2`),
a repeated number gets a suffix (`art_9_2`), an unnumbered unit `nn_1`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline import vocab
from pipeline.crops import is_names_run
from pipeline.grammar import SENTENCE_ENDS, han_numeral
from pipeline.ingest.dates import find_date
from pipeline.markers import (
    CHAPTER_RE,
    FAMILIES,
    FOOTNOTE_RE,
    INLINE,
    INLINE_POINT_RE,
    NOTE_RE,
    NOTES_HEADING_RE,
    NUMERAL_CHARS,
    POINT_RE,
    SECTION_RE,
    TABLE_CAPTION_RE,
    family_of,
    parse_number,
)
from pipeline.normalize import NormalizedDocument, Paragraph
from pipeline.structure.model import Unit

LABEL_MAX = 10
# a garbled 四十、 (円、) where an article is missing; not the first of a list of short words (豬、羊、兔、)
DAMAGED_ENUM_RE = re.compile(r"^[^\s、，。；：]{1,3}、(?![^、]{0,3}、)")
TITLE_MAX = 40  # a title line (no sentence in it) is at most this long
HEADING_SENTENCE_MIN = 16  # a Markdown heading this long that ends a sentence is a paragraph
ROMAN_RE = re.compile(r"^(?P<num>M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))\.\s")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
SENTENCE_END = SENTENCE_ENDS


def roman_value(s: str) -> int:
    total = 0
    for a, b in zip(s, s[1:] + " ", strict=True):
        v = _ROMAN[a]
        total += -v if b != " " and _ROMAN.get(b, 0) > v else v
    return total


@dataclass
class Reading:
    """What starts a body paragraph."""

    idx: int
    text: str  # the paragraph without its Markdown hashes
    offset: int  # where `text` starts inside the paragraph
    heading: bool = False
    kind: str = "text"  # chapter, marker, point, footnote, note, notes_heading, caption, source, signature, text
    family: str | None = None
    number: int | None = None
    number_text: str | None = None
    flags: list[str] = field(default_factory=list)


@dataclass
class _State:
    section: Unit | None = None
    chapter: Unit | None = None
    article: Unit | None = None
    item: Unit | None = None
    item_family: str | None = None  # the enumeration family of the current article's items
    closed: bool = False  # the list of articles was closed by a closing paragraph
    notes: Unit | None = None  # an open 注释 section


def _words(key: str) -> tuple[str, ...]:
    return vocab.words("documents", key)


class StructureParser:
    def __init__(self, nd: NormalizedDocument):
        self.nd = nd
        self.units: list[Unit] = []
        self.ids: set[str] = set()
        self.paragraph_unit: list[str | None] = [None] * len(nd.paragraphs)
        self.article_paragraphs: dict[str, list[int]] = {}
        self.child_counters: dict[str, dict[str, int]] = {}
        self.table_paragraphs = self._find_tables()
        self.readings = {i: self._read(i, p) for i, p in enumerate(nd.paragraphs)
                         if p.region == "body" and p.language == "zh" and i not in self.table_paragraphs}
        self.article_family, self.article_headings = self._article_family()
        self._headings_as_chapters()
        self.toc = self._table_of_contents()
        self.article_numbers = self._article_numbers()
        self.last_article_idx = max((i for i in self.article_numbers), default=-1)

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
             parent: Unit | None, p: Paragraph, counters: dict[str, int], start: int | None = None,
             end: int | None = None, **kw) -> Unit:
        if number is None:
            counters[f"nn_{kind}"] = counters.get(f"nn_{kind}", 0) + 1
            local = f"{prefix}_nn_{counters[f'nn_{kind}']}"
        else:
            local = f"{prefix}_{number}"
        base = f"{parent.unit_id}__{local}" if parent is not None else local
        unit = Unit(self._new_id(base), kind, number, number_text, parent.unit_id if parent else None,
                    p.start if start is None else start, p.end if end is None else end, language=p.language,
                    ordinal=len(self.units), **kw)
        self.units.append(unit)
        return unit

    def _count(self, counters: dict[str, int], key: str) -> int:
        counters[key] = counters.get(key, 0) + 1
        return counters[key]

    # -- reading each paragraph ----------------------------------------------------------
    def _read(self, idx: int, p: Paragraph) -> Reading:
        raw = self.text(p)
        heading = False
        offset = 0
        if m := SECTION_RE.match(raw):
            heading, offset = True, m.start("heading")
        t = raw[offset:]
        r = Reading(idx, t, offset, heading)
        simp = self.nd.simplified[p.start + offset:p.end]
        if heading and len(t) >= HEADING_SENTENCE_MIN and t.rstrip()[-1:] in SENTENCE_END:
            r.heading = False  # a whole sentence marked as a heading by mistake: a paragraph
        if m := CHAPTER_RE.match(t):
            r.kind, r.number_text = "chapter", m.group(0)
            r.number, bad = parse_number(m.group("num"))
            r.flags += ["misprinted_number"] if bad else []
        elif m := TABLE_CAPTION_RE.match(t):
            r.kind, r.number, r.number_text = "caption", parse_number(m.group("num"))[0], m.group(0)
        elif m := POINT_RE.match(t):
            r.kind, r.number, r.number_text = "point", parse_number(m.group("num"))[0], m.group(0)
        elif fm := family_of(t):
            name, m = fm
            r.kind, r.family, r.number_text = "marker", name, m.group(0)
            r.number, bad = parse_number(m.group("num"))
            r.flags += ["misprinted_number"] if bad else []
            if name == "enum" and t.startswith(("（", "(")):
                r.flags.append("marker_in_brackets")
        elif m := FOOTNOTE_RE.match(t):
            r.kind, r.number_text = "footnote", m.group(0)
            r.number = int(m.group("num")) if m.group("num") else ord(m.group("circled")) - ord("①") + 1
        elif NOTE_RE.match(t):
            r.kind = "note"
        elif NOTES_HEADING_RE.match(t.strip()):
            r.kind = "notes_heading"
        elif any(simp.lstrip("·• ").startswith(w) for w in _words("source_openers")) or (
                t.strip()[:1] in "（(" and any(w in simp for w in _words("archive_words"))):
            r.kind = "source"
        elif any(w in simp for w in _words("distribution_words")) and len(t) < 80:
            r.kind = "source"
        return r

    def _article_family(self) -> tuple[str | None, bool]:
        """The family that numbers the articles, and whether its markers are Markdown headings."""
        rs = [r for r in self.readings.values() if r.kind == "marker"]
        if any(r.family == "tiao" for r in rs):  # 第N条 is never anything but an article
            return "tiao", False
        for fam in ("enum", "paren_cn", "paren_ar", "dot_ar", "dunhao_ar"):
            heads = [r for r in rs if r.family == fam and r.heading]
            if len(heads) >= 2 and self._in_sequence([r.number for r in heads]):
                return fam, True
        for fam in ("enum", "paren_cn", "dunhao_ar"):
            plain = [r for r in rs if r.family == fam]
            if len(plain) >= 2 and self._in_sequence([r.number for r in plain]):
                return fam, False
        return None, False

    def _headings_as_chapters(self) -> None:
        """Numbered headings over 第N条 articles are their chapters: `## 一、民主管理` … `## 十、组织领导` above
        第一条 … 第二十五条, or the same headings as short lines of their own (一、总则: a title, no sentence).
        They must be headings of one enumeration family, in sequence, with an article after the first of them;
        a heading of that family after the last article is no chapter."""
        if self.article_family != "tiao":
            return
        articles = sorted(i for i, r in self.readings.items() if r.kind == "marker" and r.family == "tiao")
        if not articles:
            return
        for fam in ("enum", "paren_cn"):
            heads = sorted((r for r in self.readings.values()
                            if r.kind == "marker" and r.family == fam and (r.heading or self._titled(r))),
                           key=lambda r: r.idx)
            heads = [r for r in heads if r.idx < articles[-1]]  # one after the last article heads nothing
            if heads and not any(heads[0].idx < a < (heads[1].idx if len(heads) > 1 else articles[-1] + 1)
                                 for a in articles):
                continue  # the first heading must head an article
            if len(heads) >= 2 and self._in_sequence([r.number for r in heads]):
                for r in heads:
                    r.kind = "chapter"
                return

    def _titled(self, r: Reading) -> bool:
        """A numbered line that is a title, not a provision: short, after its marker no sentence (一、总则)."""
        t = self.text(self.nd.paragraphs[r.idx]).strip()
        m = family_of(t)
        rest = t[m[1].end():].strip() if m else t
        return 0 < len(rest) <= LABEL_MAX and not any(c in rest for c in "。，；：:,;")

    def _title_line(self, r: Reading) -> bool:
        """A line that is a title (a plain copy's or a scan's, no Markdown): short, and no sentence in it."""
        t = self.text(self.nd.paragraphs[r.idx]).strip()
        return 0 < len(t) <= TITLE_MAX and not any(c in t for c in "。，；：:,;！？")

    @staticmethod
    def _in_sequence(numbers: list[int | None]) -> bool:
        """Do the numbers start at 1 and mostly go up one at a time (restarts and misprints allowed)?"""
        nums = [n for n in numbers if n is not None]
        if not nums or nums[0] != 1:
            return False
        steps = sum(1 for a, b in zip(nums, nums[1:], strict=False) if b == a + 1)
        return steps >= max(1, (len(nums) - 1) // 2)

    def _table_of_contents(self) -> set[int]:
        """Chapter lines of a 目录: the first of two lines with one chapter number, when no text but titles
        stands between it and the next chapter line (a listing, not a chapter with its articles)."""
        chapters = sorted((r for r in self.readings.values() if r.kind == "chapter"), key=lambda r: r.idx)
        repeated = {r.number for k, r in enumerate(chapters) if any(x.number == r.number for x in chapters[k + 1:])}
        out: set[int] = set()
        for k, r in enumerate(chapters):
            if r.number not in repeated or any(x.number == r.number and x.idx < r.idx for x in chapters):
                continue
            nxt = chapters[k + 1].idx if k + 1 < len(chapters) else None
            between = [self.readings[i] for i in range(r.idx + 1, nxt or r.idx) if i in self.readings]
            if nxt is not None and all(x.kind == "chapter" or x.heading or self._title_line(x) for x in between):
                out.add(r.idx)  # only chapter lines or titles follow it: a listing
        return out

    def _article_numbers(self) -> dict[int, tuple[int | None, list[str]]]:
        """Paragraph index → (article number, flags), with misprinted numbers read from the sequence."""
        fam = self.article_family
        if fam is None:
            return {}
        marks = [r for r in sorted(self.readings.values(), key=lambda r: r.idx)
                 if r.kind == "marker" and r.family == fam and (fam == "tiao" or r.heading == self.article_headings)]
        out: dict[int, tuple[int | None, list[str]]] = {}
        numbers = [r.number for r in marks]
        for k, r in enumerate(marks):
            n, flags = r.number, list(r.flags)
            prev = out[marks[k - 1].idx][0] if k else None
            nxt = numbers[k + 1] if k + 1 < len(marks) else None
            if k == 0 and n is not None and n != 1 and nxt == 2:
                flags.append("misprinted_number")  # 第二条 before 第二条, 第三条: the first is 第一条 misread
                n = 1
            elif prev is not None and n is not None and n != prev + 1:
                if nxt is not None and nxt == prev + 2:
                    flags.append("misprinted_number")  # 三十二、 between 二十一、 and 二十三、: 22
                    n = prev + 1
                elif n != 1:
                    flags.append("number_out_of_sequence")
            out[r.idx] = (n, list(dict.fromkeys(flags)))
        if fam in ("enum", "dunhao_ar"):
            self._damaged_article_markers(marks, out)
        return out

    def _damaged_article_markers(self, marks: list[Reading], out: dict[int, tuple[int | None, list[str]]]) -> None:
        """三十九、 … 円、 … 四十一、: where the articles' numbers skip one, the one paragraph between them that opens
        with a mark the recogniser garbled (one to three characters, then 、) is the missing article."""
        for a, b in zip(marks, marks[1:], strict=False):
            na, nb = out[a.idx][0], out[b.idx][0]
            if na is None or nb != na + 2:
                continue
            expected = han_numeral(na + 1) if a.family == "enum" else str(na + 1)
            damaged = [(self.readings[i], m) for i in range(a.idx + 1, b.idx)
                       if i in self.readings and self.readings[i].kind == "text"
                       and (m := DAMAGED_ENUM_RE.match(self.readings[i].text) or _dropped_mark(self.readings[i].text,
                                                                                              expected))]
            if len(damaged) == 1:
                r, m = damaged[0]
                r.kind, r.family, r.number = "marker", a.family, na + 1
                r.number_text = m.group(0)
                out[r.idx] = (na + 1, ["damaged_marker", "ocr_suspect"])
                out[b.idx] = (nb, [f for f in out[b.idx][1] if f != "number_out_of_sequence"])

    # -- the walk ------------------------------------------------------------------------
    def parse(self) -> tuple[list[Unit], list[str]]:
        """The document's units and, for each paragraph, the id of the unit that holds it.

        Paragraphs are read in order: a heading line opens a chapter or section, a 第N条 an article, a
        numbered line (一、 （一） 1． …) an article or an item of the family that numbers the text's
        articles, a 注 a note; a table's rows join their caption. For 《第一条…第二十五条》 under
        `## 一、民主管理` headings, the headings are chapters. Units of the English translation are left to
        their own region.
        """
        zh = _State()
        root_counters: dict[str, int] = {}
        last_table: tuple[int, Unit] | None = None
        for idx, p in enumerate(self.nd.paragraphs):
            if p.region == "translation" or p.language != "zh":
                continue
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
                counters = self._counters(parent, root_counters)
                unit = self._add("table", "table", self._count(counters, "table"), None, parent, p, counters)
                last_table = (number, unit)
                self.paragraph_unit[idx] = unit.unit_id
                continue
            self.paragraph_unit[idx] = self._body_paragraph(zh, root_counters, p, self.readings[idx]).unit_id
        self._inline_items()
        self._inline_points()
        self._paragraph_units()
        self._damaged_items()
        self._translations()
        self._close_spans()
        return self.units, [u or "" for u in self.paragraph_unit]

    def _counters(self, parent: Unit | None, root: dict[str, int]) -> dict[str, int]:
        """The counters of unnumbered children (para_nn_1 …) of `parent`, or of the top level."""
        if parent is None:
            return root
        return self.child_counters.setdefault(parent.unit_id, {})

    def _body_paragraph(self, zh: _State, root: dict[str, int], p: Paragraph, r: Reading) -> Unit:
        idx = r.idx
        if r.kind == "chapter":
            if idx in self.toc:
                return self._add("toc", "toc", self._count(root, "toc"), None, None, p, root,
                                 heading=_heading(r.text[len(r.number_text or ""):]))
            zh.chapter = self._add("chapter", "chp", r.number, r.number_text, zh.section, p, root,
                                   heading=_heading(r.text[len(r.number_text or ""):]), flags=r.flags)
            zh.article = zh.item = None
            zh.closed = False
            return zh.chapter
        if idx in self.article_numbers:
            number, flags = self.article_numbers[idx]
            return self._article(zh, root, p, idx, number, r.number_text, flags,
                                 heading=_heading(r.text[len(r.number_text or ""):]) if r.heading else None)
        # an item marker that continues the article sequence ends the list as its next article: （九） after 八、
        if r.kind == "marker" and zh.article is not None and r.family != self.article_family \
                and zh.article.number is not None and r.number == zh.article.number + 1 \
                and self._next_item_number(zh) != r.number and idx > self.last_article_idx:
            return self._article(zh, root, p, idx, r.number, r.number_text, ["marker_of_another_family"])
        if r.heading and r.kind in ("text", "note"):
            return self._heading(zh, root, p, r)
        if r.kind == "caption":
            parent = zh.article or zh.chapter or zh.section
            return self._add("section", "table_caption", r.number, r.number_text, parent, p,
                             self._counters(parent, root), heading=_heading(r.text))
        if r.kind == "source":
            return self._add("source", "source", self._count(root, "source"), None, None, p, root)
        if r.kind == "notes_heading":
            zh.notes = self._add("note", "notes", self._count(root, "notes"), None, None, p, root,
                                 heading=r.text.strip())
            return zh.notes
        if r.kind == "footnote":
            parent = zh.notes
            counters = self._counters(parent, root)
            return self._add("note", "fn", r.number, r.number_text, parent, p, counters)
        parent = zh.item or zh.article or zh.chapter or zh.section
        if zh.closed:
            parent = zh.chapter or zh.section
        if r.kind == "marker" and zh.article is not None and not zh.closed:
            number, flags = r.number, list(r.flags)
            if zh.item is not None and zh.item_family is not None and r.family != zh.item_family:
                # another family inside an item numbers its sub-items: （二）… then （1）（2）（3）
                return self._add("subitem", "subitem", number, r.number_text, zh.item, p,
                                 self._counters(zh.item, root), flags=flags)
            zh.item = self._add("item", "item", number, r.number_text, zh.article, p,
                                self._counters(zh.article, root), flags=flags)
            zh.item.heading = r.family  # the family, read back by _inline_items
            zh.item_family = r.family
            return zh.item
        if r.kind == "point":
            counters = self._counters(parent, root)
            return self._add("point", "point", r.number, r.number_text, parent, p, counters)
        if r.kind == "note":
            counters = self._counters(parent, root)
            return self._add("note", "note", self._count(counters, "note"), None, parent, p, counters)
        if zh.article is not None and not zh.closed:
            if idx > self.last_article_idx and self._closes(r.text):
                zh.closed = True
                zh.article = zh.item = None
                parent = zh.chapter or zh.section
            else:
                self.article_paragraphs[zh.article.unit_id].append(idx)
                return zh.article
        counters = self._counters(parent, root)
        if parent is None and not zh.closed and not any(u.kind == "article" for u in self.units) \
                and idx < self.last_article_idx:
            return self._add("preamble", "preamble", self._count(root, "preamble"), None, None, p, root)
        return self._add("paragraph", "para", self._count(counters, "para"), None, parent, p, counters)

    def _article(self, zh: _State, root: dict[str, int], p: Paragraph, idx: int, number: int | None,
                 number_text: str | None, flags: list[str], heading: str | None = None) -> Unit:
        parent = zh.chapter or zh.section
        zh.article = self._add("article", "art", number, number_text, parent, p, self._counters(parent, root),
                               flags=flags, heading=heading)
        zh.item = zh.item_family = None
        zh.closed = False
        self.article_paragraphs[zh.article.unit_id] = [idx]
        return zh.article

    def _next_item_number(self, zh: _State) -> int:
        items = [u for u in self.units if u.parent_id == zh.article.unit_id and u.kind == "item"]
        return (items[-1].number or 0) + 1 if items else 1

    def _heading(self, zh: _State, root: dict[str, int], p: Paragraph, r: Reading) -> Unit:
        """A Markdown heading without a marker: a dated line, an editor's note, or the title of a part."""
        t = r.text.strip()
        if t[:1] in "（(" and t[-1:] in "）)":
            date, m = find_date(t[1:-1])
            if date is not None and m is not None and m.start() == 0:
                return self._add("byline", "dateline", self._count(root, "dateline"), None, None, p, root,
                                 heading=t)
            return self._add("note", "note", self._count(root, "note"), None, zh.article or zh.chapter or zh.section,
                             p, self._counters(zh.article or zh.chapter or zh.section, root))
        zh.section = self._add("section", "sec", self._count(root, "sec"), None, None, p, root, heading=t)
        zh.chapter = zh.article = zh.item = None
        zh.closed = False
        return zh.section

    def _closes(self, text: str) -> bool:
        simp = vocab.simplified(text.lstrip())
        return any(simp.startswith(w) for w in _words("closing_openers"))

    # -- after the walk ------------------------------------------------------------------
    def _inline_items(self) -> None:
        """Items run on inside a paragraph: ：（甲）…。（乙）… or 三大纪律是：（一）…。（二）…"""
        by_id = {u.unit_id: u for u in self.units}
        for idx, uid in enumerate(self.paragraph_unit):
            if not uid or uid not in by_id:
                continue
            unit = by_id[uid]
            art = unit if unit.kind == "article" else (by_id.get(unit.parent_id) if unit.kind == "item" else None)
            if art is None or art.kind != "article":
                continue
            p = self.nd.paragraphs[idx]
            text = self.text(p)
            family = unit.heading if unit.kind == "item" else None
            for fam, rx in INLINE.items():
                if family and fam != family or fam == self.article_family:
                    continue
                marks = [(m.start(), m.end(), parse_number(m.group("num"))[0]) for m in rx.finditer(text)]
                expected = (unit.number or 0) + 1 if unit.kind == "item" else 1
                run = []
                for a, b, n in marks:
                    if n == expected:
                        run.append((a, b, n))
                        expected += 1
                if not run:
                    continue
                for k, (a, b, n) in enumerate(run):
                    start = p.start + a + len(text[a:b]) - len(text[a:b].lstrip())
                    end = p.start + run[k + 1][0] if k + 1 < len(run) else p.end
                    item = Unit(self._new_id(f"{art.unit_id}__item_{n}"), "item", n, text[a:b].strip(), art.unit_id,
                                start, end, ordinal=len(self.units), heading=fam)
                    self.units.append(item)
                if unit.kind == "item":
                    unit.end = p.start + run[0][0]
                break
        for u in self.units:
            if u.kind == "item" and u.heading in FAMILIES:
                u.heading = None

    def _inline_points(self) -> None:
        """Points of an argument run on inside a paragraph (…：第一，…；第二，…): a `point` unit for each,
        when they count up from 第一 (or continue a paragraph that opened with one)."""
        by_id = {u.unit_id: u for u in self.units}
        for idx, uid in enumerate(self.paragraph_unit):
            unit = by_id.get(uid or "")
            p = self.nd.paragraphs[idx]
            if unit is None or p.region != "body" or p.language != "zh":
                continue
            text = self.text(p)
            marks = [(m.start(), parse_number(m.group("num"))[0]) for m in INLINE_POINT_RE.finditer(text)]
            expected = (unit.number or 0) + 1 if unit.kind == "point" else 1
            run = []
            for a, n in marks:
                if n == expected and not (unit.kind == "point" and a == 0):
                    run.append((a, n))
                    expected += 1
            if len(run) < (1 if unit.kind == "point" else 2):
                continue
            parent = by_id.get(unit.parent_id or "") if unit.kind == "point" else unit
            for k, (a, n) in enumerate(run):
                start = p.start + a + len(text[a:]) - len(text[a:].lstrip())
                end = p.start + run[k + 1][0] if k + 1 < len(run) else p.end
                base = f"{parent.unit_id}__point_{n}" if parent else f"point_{n}"
                self.units.append(Unit(self._new_id(base), "point", n, None, parent.unit_id if parent else None,
                                       start, end, ordinal=len(self.units)))
            if unit.kind == "point":
                unit.end = p.start + run[0][0]

    def _find_tables(self) -> dict[int, int]:
        """Paragraph index → table number: runs of table rows with their labels."""
        paras = self.nd.paragraphs
        out: dict[int, int] = {}
        i, table_no = 0, 0
        while i < len(paras):
            j, rows, flattened = i, 0, False
            while j < len(paras) and paras[j].region == "body" and (paras[j].table_row or self._is_label(paras[j])
                                                                    or is_names_run(self.text(paras[j]))):
                rows += paras[j].table_row or is_names_run(self.text(paras[j]))
                flattened = flattened or (paras[j].table_row and "\t" in self.text(paras[j]))
                j += 1
            if rows >= 2 or flattened:  # a flattened table keeps its rows on one line, apart by tabs
                # trailing labels belong to the next text, not the table
                while j > i and not (paras[j - 1].table_row or is_names_run(self.text(paras[j - 1]))):
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
            CHAPTER_RE.match(t) or family_of(t) or NOTE_RE.match(t) or SECTION_RE.match(t))

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
            expected = f"（{han_numeral(len(items) + 1)}）"
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


def _dropped_mark(text: str, numeral: str) -> re.Match | None:
    """四已經實行…: the article's number with its 、 lost (a scan's column head); not a count (四個縣, 四年: a unit
    of schemas/units.yaml follows)."""
    m = re.match(rf"{re.escape(numeral)}(?=[^{NUMERAL_CHARS}\s、，。])", text)
    if m is None or vocab.simplified(text[m.end()]) in _unit_starts():
        return None
    return m


@lru_cache(maxsize=1)
def _unit_starts() -> frozenset[str]:
    data = vocab.load("units")  # the abstract measure words (件, 项 …) are among the measure words
    words = [u["word"] for u in data["units"]] + list(data["measure_words"]["words"])
    return frozenset(vocab.simplified(str(w))[0] for w in words)


def _heading(rest: str) -> str | None:
    h = re.sub(r"\s+", "", rest).strip("：:　 ")
    return h or None
