"""From the lines recognised on a page to text in reading order, with paragraphs and headings.

    horizontal pages   lines top to bottom (pieces of one line left to right)
    vertical pages     columns right to left, each top to bottom

A page is vertical when most of its ink stands in boxes taller than wide. Lines are joined into a
paragraph until one starts indented (two characters' room at the start of a line or column) or the
one before it stopped short (a last line); a heading (centred, or set larger than the body) is a
paragraph of its own, written as the Markdown heading the text layouts already read (`# ` for the
first on the first page, `## ` for the others). Vertical punctuation forms (︵︶﹁﹂︽︾) and the shapes
a recogniser reads for vertical commas and stops are put back as the horizontal forms; specks read as
`·` or `.` are dropped (except a decimal point and the stop after a line's opening number), and a dash
read as 一 between Arabic digits (50一70) is read as the dash it is (schemas/scans.yaml).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from statistics import median

from pipeline import vocab
from pipeline.grammar import HAN_DIGITS, NUMERAL_CLASS
from pipeline.markers import starts_with_marker

TALL = 1.5  # a box this many times taller than wide is a vertical column
INDENT = 1.5  # characters of room at a line's start that make it a paragraph's first line
SHORT = 2.5  # characters of room at a line's end that make it a paragraph's last line, after a stop
FAR_SHORT = 8  # … and whatever it ends with
CLOSING = "。！？；：」』）)”.!?;:"
NUMBER_END = re.compile(r"[0-9０-９][.．,，]?$")  # a line that ends inside a number …
NUMBER_START = re.compile(r"[.．,，]?[0-9０-９]")  # … and a line that goes on with it
OPENS_ITEM = re.compile(rf"[（(][{NUMERAL_CLASS}]{{1,3}}[）)]$")  # an item's number, with nothing after it yet
LARGER = 1.3  # a line whose characters are this much larger than the page's median is a heading
CENTRED = 3.0  # characters of room at both ends, equal within CENTRE_SLACK, make a short line centred
CENTRE_SLACK = 1.5
HEADING_WORD = 2  # a heading has at least this many letters or digits: a lone mark or speck (，O 一) is none
MARGIN_BAND = 0.75  # characters: the line starts (or ends) within this much of each other that set the margin


@dataclass(frozen=True)
class PlacedLine:
    """A line of the page's text in reading order, its box and per-character confidences, and what the layout
    made of it: whether it opens a paragraph, and the heading level it stands at (0: body)."""

    box: tuple[int, int, int, int]
    text: str
    confidences: tuple[float, ...]
    opens: bool
    heading: int


@lru_cache(maxsize=1)
def _vocab() -> tuple[dict[str, str], dict[str, str], str, str]:
    data = vocab.load("scans")
    return (dict(data["vertical_forms"]["map"]), dict(data["vertical_confusions"]["map"]),
            "".join(data["specks"]["chars"]), "".join(data["dashes_between_digits"]["chars"]))


@lru_cache(maxsize=1)
def _one_in_words() -> str:
    return "".join(str(w) for w in vocab.load("scans")["one_in_words"]["after"])


def is_vertical(lines) -> bool:
    tall = sum((b[2] - b[0]) * (b[3] - b[1]) for b in (ln.box for ln in lines) if b[3] - b[1] > TALL * (b[2] - b[0]))
    area = sum((b[2] - b[0]) * (b[3] - b[1]) for b in (ln.box for ln in lines))
    return area > 0 and tall > area / 2


def clean_text(text: str, confidences: tuple[float, ...], vertical: bool) -> tuple[str, tuple[float, ...]]:
    """Vertical forms to horizontal ones, a vertical page's misread commas and stops put back, specks dropped;
    one character for one except for the specks, whose confidences go with them."""
    forms, confusions, specks, dashes = _vocab()
    out, confs = [], []
    for k, ch in enumerate(text):
        ch = forms.get(ch, ch)
        if vertical:
            ch = confusions.get(ch, ch)
        if ch in dashes and _between_digits(text, k):
            ch = "—"
        if ch in "1１" and k + 1 < len(text) and text[k + 1] in _one_in_words() and not (k and _digit(text[k - 1])):
            ch = "一"  # 1般 → 一般: the numeral of a word, read as a digit
        if ch in specks and not (_decimal_point(text, k) or _after_line_number(text, k)):
            continue
        out.append(ch)
        confs.append(confidences[k] if k < len(confidences) else 0.0)
    return "".join(out), tuple(confs)


def _between_digits(text: str, k: int) -> bool:
    """Whether text[k] stands between two Arabic digits (a decimal point, a range's dash), full-width or not."""
    return 0 < k < len(text) - 1 and _digit(text[k - 1]) and _digit(text[k + 1])


def _decimal_point(text: str, k: int) -> bool:
    """Whether a speck at text[k] may be a decimal point: between two digits, Arabic or Han (90.85, 三一.二), or
    at a line's end after one or its start before one (a number the line wraps: `…的90` / `.85%`)."""
    def digit(j: int) -> bool:
        return 0 <= j < len(text) and (_digit(text[j]) or text[j] in HAN_DIGITS)

    return (digit(k - 1) or k == 0) and (digit(k + 1) or k == len(text) - 1) and (digit(k - 1) or digit(k + 1))


def _after_line_number(text: str, k: int) -> bool:
    """Whether text[k] follows the number a line opens with (`2.公共食堂…`: an item's number and its stop)."""
    head = text[:k].lstrip()
    return 0 < len(head) <= 3 and all(_digit(c) for c in head) and k + 1 < len(text) and not _digit(text[k + 1])


def _digit(ch: str) -> bool:
    return "0" <= ch <= "9" or "０" <= ch <= "９"


def order(lines, first_page: bool) -> tuple[list[PlacedLine], bool]:
    """The page's lines in reading order with their paragraph starts and headings; and whether it is vertical."""
    vertical = is_vertical(lines)
    cleaned = []
    for ln in lines:
        text, confs = clean_text(ln.text, ln.confidences, vertical)
        if text.strip():
            cleaned.append((ln.box, text, confs))
    if not cleaned:
        return [], vertical
    return _placed_lines(cleaned, vertical, first_page), vertical


def _char_size(box, text: str, vertical: bool) -> float:
    across = (box[2] - box[0]) if vertical else (box[3] - box[1])
    along = (box[3] - box[1]) if vertical else (box[2] - box[0])
    return max(1.0, min(across, along / max(1, len(text))))


def _placed_lines(items, vertical: bool, first_page: bool) -> list[PlacedLine]:
    """The page's lines (or columns) in reading order, each with its paragraph start and heading level. Along
    the reading direction a line's start is its left (a column's top) and its end its right (bottom); a
    horizontal line may also be a heading by standing centred and short."""
    merged = _bands(items, vertical)
    along = 1 if vertical else 0  # the box coordinate along the lines: y for columns, x for rows
    size = median(_char_size(b, t, vertical) for b, t, _ in merged)
    first = _margin([b[along] for b, _, _ in merged], size)
    last = -_margin([-b[along + 2] for b, _, _ in merged], size)
    out: list[PlacedLine] = []
    previous_short = True
    previous_text = ""
    for k, (box, text, confs) in enumerate(merged):
        own = _char_size(box, text, vertical)
        room_start, room_end = (box[along] - first) / size, (last - box[along + 2]) / size
        centred = not vertical and room_start > CENTRED and room_end > CENTRED and \
            abs(room_start - room_end) < CENTRE_SLACK * 2 and len(text) < 40 and not text.endswith(("。", "，", "；"))
        heading = (own > LARGER * size or centred) and sum(ch.isalnum() for ch in text) >= HEADING_WORD
        # a number the line break cut (…的90. / 85%…; 1，96 / 6个) goes on, however short its first part stood
        wrapped = bool(NUMBER_END.search(previous_text) and NUMBER_START.match(text)) and not heading
        # a line opening with an article's or item's number after a line that closed a sentence starts one, however
        # little room the recogniser's box shows before it (一 is a thin stroke; 如下： may fill its line)
        numbered = previous_text.rstrip()[-1:] in CLOSING and starts_with_marker(text)
        starts = (previous_short and not wrapped) or room_start > INDENT or numbered
        out.append(_placed(out, box, text, confs, heading, own, starts, first_page, k))
        previous_short = heading or _ends(text, room_end)
        previous_text = text
    return out


def _margin(starts: list[float], size: float) -> float:
    """Where the page's lines start: the lowest edge of the densest band of starts (MARGIN_BAND characters
    wide). Not the lowest start: a recogniser's box sometimes reaches past the print (a speck, a wide column
    box), and measured from it every other line would stand indented. Paragraphs' first lines stand in a band
    of their own, two characters in, and are the fewer; on a page of one or two lines it is the lowest start.
    Ends are measured the same way, negated."""
    ordered = sorted(starts)
    band = MARGIN_BAND * size
    best, best_count = ordered[0], 0
    for k, s in enumerate(ordered):
        count = bisect_right(ordered, s + band) - k
        if count > best_count:
            best, best_count = s, count
    return best


def _ends(text: str, room: float) -> bool:
    """A line that stops short ends its paragraph when it closes with a stop (。！？：…) or stops far short; a line
    of narrow digits (…全国240个) also stops short of the margin, and goes on, and so does a line that ends with
    the number of what follows (…正确执行党的政策。（三）)."""
    if OPENS_ITEM.search(text.rstrip()):
        return False
    return (room > SHORT and text.rstrip()[-1:] in CLOSING) or room > FAR_SHORT


def _placed(out: list[PlacedLine], box, text: str, confs, heading: bool, size: float, starts: bool,
            first_page: bool, k: int) -> PlacedLine:
    """A line with its paragraph start and heading level. A heading set in the size of the heading before it
    goes on with it (a title wrapped over two lines); after a heading, a body line starts a paragraph."""
    before = out[-1] if out else None
    if heading and before is not None and before.heading and abs(_size_of(before) - size) <= 0.2 * size:
        return PlacedLine(box, text, confs, False, before.heading)
    if heading:
        level = 1 if first_page and not any(p.heading for p in out) and k < 3 else 2
        return PlacedLine(box, text, confs, True, level)
    return PlacedLine(box, text, confs, bool(starts or (before is not None and before.heading)), 0)


def _size_of(line: PlacedLine) -> float:
    """The size of a line's characters: its box across, or along it per character, whichever is smaller (a
    skewed line's box is taller than its characters)."""
    w, h = line.box[2] - line.box[0], line.box[3] - line.box[1]
    return min(min(w, h), max(w, h) / max(1, len(line.text)))


def _bands(items, vertical: bool) -> list[tuple]:
    """The pieces of one line (or column) joined: grouped where they overlap across the reading direction, the
    groups in reading order (rows top to bottom, columns right to left), each group's pieces along it."""
    across = 0 if vertical else 1  # the box coordinate across the lines: x for columns, y for rows
    sign = -1 if vertical else 1

    def mid(box) -> float:
        return (box[across] + box[across + 2]) / 2

    groups: list[list] = []
    for it in sorted(items, key=lambda it: sign * mid(it[0])):
        box = it[0]
        if groups and abs(mid(box) - sum(mid(x[0]) for x in groups[-1]) / len(groups[-1])) < \
                0.5 * (box[across + 2] - box[across]):
            groups[-1].append(it)
        else:
            groups.append([it])
    merged = []
    for group in groups:
        group.sort(key=lambda it: it[0][1 - across])
        box = (min(it[0][0] for it in group), min(it[0][1] for it in group), max(it[0][2] for it in group),
               max(it[0][3] for it in group))
        merged.append((box, "".join(it[1] for it in group), tuple(c for it in group for c in it[2])))
    return merged
