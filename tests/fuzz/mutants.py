"""Mutations of period texts, as a careless copy, a bad scan or a hostile user would make them.

`mutants(sources, n, seed)` yields (file name, bytes) pairs: each a source text changed by one to
three random operations. The operations cover what the build must survive: deletions, insertions
of structure markers, numerals, masks and punctuation, truncations, duplicated chunks, swapped
lines, changed encodings and line ends, control characters, invisible format characters inside
numbers and markers, signs, amounts beyond any of the period (1e308, 四億億億), and extreme lengths
(a text of one character, a text of markers only, a long text on one line). `BAD_SIDECARS` are
sidecars of wrong shapes, depth, repeated keys and aliases. Deterministic for a given seed.
"""
from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator

MARKERS = ["第一條", "第十七條", "第二章", "第三百條", "（一）", "(二)", "一、", "十、", "甲、", "（甲）", "註：",
           "注：", "〔1〕", "①", "第一，", "附件：", "目錄", "# ", "## 第一章", "　　", "\t", "|", "---", "第條",
           "第章"]
NUMERALS = ["四百八十", "480", "四八〇", "一九五五年", "八O.二亿", "百分之二、三十", "二分之一", "1/4", "十几", "半斤",
            "一元二角五分", "91亿4,900万", "○", "〇〇〇", "×××", "□□", "__", "0.", "1,", "，000", "十十十", "亿亿",
            "一千零", "七八十万", "每人", "至", "—", "～", "-", "斤", "市斤", "畝", "%", "％", "两", "兩"]
PUNCTUATION = list("，。、；：？！（）()[]【】「」『』《》“”\"'…—·,.;:!?") + ["\r", "\n", "\n\n", "\u3000", " "]
CONTROL = ["\x00", "\x1b[31m", "\x07", "\ufeff", "\u200b", "\u202e", "\x7f", "\ud7ff", "\U0001F600"]


def _chunk(rng: random.Random, text: str, most: int = 400) -> tuple[int, int]:
    a = rng.randrange(len(text) + 1)
    return a, min(len(text), a + rng.randint(1, most))


def _delete(rng: random.Random, text: str) -> str:
    a, b = _chunk(rng, text)
    return text[:a] + text[b:]


def _insert(words: list[str]) -> Callable[[random.Random, str], str]:
    def op(rng: random.Random, text: str) -> str:
        out = text
        for _ in range(rng.randint(1, 8)):
            k = rng.randrange(len(out) + 1)
            word = rng.choice(words)
            if rng.random() < 0.3:  # at a line start, where markers count
                k = out.rfind("\n", 0, k) + 1
            out = out[:k] + word + out[k:]
        return out
    return op


def _truncate(rng: random.Random, text: str) -> str:
    return text[:rng.randrange(len(text) + 1)]


def _duplicate(rng: random.Random, text: str) -> str:
    a, b = _chunk(rng, text, 2000)
    k = rng.randrange(len(text) + 1)
    return text[:k] + text[a:b] * rng.randint(1, 3) + text[k:]


def _swap_lines(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    if len(lines) > 2:
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


def _one_line(rng: random.Random, text: str) -> str:
    return text.replace("\n", rng.choice(["", " ", "\u3000"]))


def _wrap(rng: random.Random, text: str) -> str:
    width = rng.randint(3, 40)
    return "\n".join(line[k:k + width] for line in text.split("\n") for k in range(0, max(len(line), 1), width))


def _long(rng: random.Random, text: str) -> str:
    return (text.replace("\n", "") * (120_000 // max(len(text), 1) + 1))[:rng.randint(60_000, 120_000)]


def _tiny(rng: random.Random, text: str) -> str:
    return rng.choice(["條", "第一條", "一", "(一)", "。", "斤", text[:1], "第一條\n第二條\n第三條", "四百八十斤"])


def _markers_only(rng: random.Random, text: str) -> str:
    return "\n".join(rng.choice(MARKERS) for _ in range(rng.randint(1, 60)))


def _numbers_only(rng: random.Random, text: str) -> str:
    return "".join(rng.choice(NUMERALS) for _ in range(rng.randint(1, 300)))


def _shuffle_chars(rng: random.Random, text: str) -> str:
    a, b = _chunk(rng, text, 200)
    middle = list(text[a:b])
    rng.shuffle(middle)
    return text[:a] + "".join(middle) + text[b:]


FORMAT = ["\u200b", "\u2060", "\u00ad", "\u202e", "\u2066", "\u200d", "\ufeff"]  # invisible format characters
NUMERAL_CHARS = "0123456789〇零一二三四五六七八九十百千万萬亿億两兩"
INSIDE_RE = re.compile(f"(?<=[{NUMERAL_CHARS}第])(?=[{NUMERAL_CHARS}條条章])")
BEFORE_NUMBER_RE = re.compile(f"(?<![{NUMERAL_CHARS}.])(?=[{NUMERAL_CHARS}])")
SIGNS = ["-", "－", "−", "負", "负"]
HUGE = ["1e308", "9.9e999", "2E+400", "四億億億", "四亿亿亿", "百分之九千九百九十九", "999999999999999999999"]


def format_inside(rng: random.Random, text: str) -> str:
    """Invisible format characters inside numbers and markers (四\u200b百二十斤, 第\u200b四條): removing them gives
    the text back, so the build must read what it reads without them."""
    places = [m.start() for m in INSIDE_RE.finditer(text)]
    for k in sorted(rng.sample(places, min(len(places), rng.randint(1, 8))), reverse=True):
        text = text[:k] + rng.choice(FORMAT) + text[k:]
    return text


def _signs(rng: random.Random, text: str) -> str:
    places = [m.start() for m in BEFORE_NUMBER_RE.finditer(text)]
    for k in sorted(rng.sample(places, min(len(places), rng.randint(1, 6))), reverse=True):
        text = text[:k] + rng.choice(SIGNS) + text[k:]
    return text


OPERATIONS: list[tuple[str, Callable[[random.Random, str], str], float]] = [
    ("format_inside", format_inside, 1),
    ("signs", _signs, 1),
    ("huge", _insert(HUGE), 1),
    ("delete", _delete, 3),
    ("markers", _insert(MARKERS), 3),
    ("numerals", _insert(NUMERALS), 3),
    ("punctuation", _insert(PUNCTUATION), 3),
    ("control", _insert(CONTROL), 1),
    ("truncate", _truncate, 2),
    ("duplicate", _duplicate, 2),
    ("swap_lines", _swap_lines, 1),
    ("one_line", _one_line, 1),
    ("wrap", _wrap, 1),
    ("shuffle", _shuffle_chars, 1),
    ("long", _long, 0.05),
    ("tiny", _tiny, 0.3),
    ("markers_only", _markers_only, 0.3),
    ("numbers_only", _numbers_only, 0.3),
]


def _encode(rng: random.Random, text: str) -> bytes:
    """Mostly UTF-8; sometimes another encoding, CRLF line ends or a byte cut."""
    choice = rng.random()
    if choice < 0.08:
        text = text.replace("\n", "\r\n")
    if choice < 0.75:
        data = text.encode("utf-8", "surrogatepass")
    elif choice < 0.85:
        data = text.encode("gb18030", "replace")
    elif choice < 0.92:
        data = text.encode("big5", "replace")
    elif choice < 0.96:
        data = text.encode("utf-16", "surrogatepass")
    else:
        data = text.encode("utf-8", "surrogatepass")
        k = rng.randrange(len(data) + 1)
        data = data[:k] + bytes([rng.randrange(256)]) + data[k + 1:]
    return data


def _window(rng: random.Random, text: str) -> str:
    """A whole text (one time in eight), else a stretch of 300–3,000 characters from a line start: mutants
    stay small, so thousands of them build in a minute."""
    if rng.random() < 0.125 or len(text) <= 3000:
        return text
    start = text.rfind("\n", 0, rng.randrange(len(text))) + 1
    return text[start:start + rng.randint(300, 3000)]


def mutants(sources: dict[str, str], n: int, seed: int = 0) -> Iterator[tuple[str, bytes, list[str]]]:
    """`n` mutants of `sources` (name → text): (file name, bytes, the operations applied)."""
    rng = random.Random(seed)
    names = sorted(sources)
    weights = [w for _, _, w in OPERATIONS]
    for k in range(n):
        name = names[k % len(names)]
        text = _window(rng, sources[name])
        applied = []
        for _ in range(rng.randint(1, 3)):
            label, op, _ = rng.choices(OPERATIONS, weights)[0]
            text = op(rng, text)
            applied.append(label)
        stem = name.rsplit(".", 1)[0][:40]
        yield f"m{k:05d}_{stem}.txt", _encode(rng, text), applied


def _bomb(levels: int = 7) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 9)}]" for k in range(1, levels)]
    return "\n".join(lines) + f"\ntitle: *a{levels - 1}\n"


# sidecars a careless or hostile user writes: each must skip its text with E106, never fail the build
BAD_SIDECARS = [
    "title: [a, b]\n", "page: 99999999999999999999999\n", 'title: "\\uD800"\n', "date: 0001-01-01\n",
    "title: " + "[" * 3000 + "]" * 3000 + "\n", "title: x\ntitle: y\n", _bomb(), "- just\n- a list\n",
    "kind: {a: 1}\n", "languages: " + "{a: " * 100 + "1" + "}" * 100 + "\n", "\x00\x01binary",
]
