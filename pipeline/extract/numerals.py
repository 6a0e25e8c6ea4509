"""Find and read the numbers of a text, with their character offsets.

Works on the simplified view of the normalized text (两, 万, 点; digits, % and
decimal points already ASCII). Reads every form the period writes:

    四百八十  四千零三十五  一万二千五百  两万二千  二百五 (250)  廿五      Chinese numerals
    一九五五 (digit by digit)  八O.二亿  一七点九亿  一二四.九亿           digit strings, O or 〇 for zero
    480  1,249.9  91亿4,900万  1亿1000多万  40余万  5万                 Arabic, with separators and 万/亿
    十七亿一千五百余万  一点二九亿  二万亿                                 compounds and decimals with 万/亿
    百分之八十点四  百分之百  万分之八十 (0.8 %)  千分之五                 shares
    二分之一 (50 %)  1/4 (25 %)  一半 (50 %)  半数 (50 %)                fractions, read as percent
    两三 (2..3)  七八十万 (70..80万)  三、四 (3..4)  百分之二、三十 (20..30)  十几 (10-odd)  approximate numbers
    半斤  半月  一个半月                                                   halves (三亩半: see quantities)
    购四留六 (4 and 6 tenths)  三七开                                     tenth splits

Not numbers, and never returned: ordinals (第一, 第九条), dates (一九五五年,
1956—1957年度, 九月, 3至6月, 十一月十七日, 四、五、六月), markers and
references ((1), 〔1〕, 附表（九）, 附表一, 91—4—885), numeral idioms (一般,
统一, 三定: `numeral_idioms` in schemas/qualifiers.yaml), a small number
fused with a word (四无, 五保户, 三级, 五区: followed by a character that is
no unit, measure word, qualifier or connector), list markers (一、at the start
of a clause) and runs of three or more listed numerals (六、七、八、九).

cn2an reads the plain Chinese numerals; scanning, offsets, compounds, digit
strings and approximations are ours (see docs/libraries.md).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from pipeline import vocab
from pipeline.grammar import DIGIT_VALUE, FULLWIDTH_DIGITS, HAN_DIGITS, MULTIPLIERS, TENS, read_integer

# the text is read in its simplified view: 两, never 兩
CN_DIGITS = HAN_DIGITS + "两"
CN_MULT = MULTIPLIERS
CN_CHARS = CN_DIGITS + CN_MULT + TENS
# inside a run of Han digits, a Latin O or a digit 0 is a zero (八O.二, 一九六0年)
_DIGIT_VALUE = DIGIT_VALUE | {"O": 0, "0": 0}
_PLAIN = CN_DIGITS + "O"
_NUMERAL_ENDS = frozenset(CN_CHARS + "0123456789")  # characters a number may end with
_FULLWIDTH = FULLWIDTH_DIGITS | str.maketrans("，．", ",.")
# thousands parted by commas (13，964); a decimal point, or a comma a print or a recogniser set for one right
# before a percent sign or a unit decimals are written in (64，6%, 56，4元: a comma never parts fewer than three
# digits of thousands)
_ARABIC = r"(?:\d{1,3}(?:[,，]\d{3})+(?!\d)|\d+)(?:\.\d+|[,，]\d{1,2}(?=[%％元斤亩吨]))?"
_DECIMAL_COMMA = re.compile(r"\d+[,，]\d{1,2}")
# a Chinese numeral run: digits (a Latin O inside a run is a zero: 八O.二), multipliers, a decimal part
# (a digit 0 inside a run of Chinese digits is a zero too: 一九六0年, as printed by some copies)
_CN_RUN = rf"[{CN_CHARS}](?:[{CN_CHARS}]|O|0(?!\d))*(?:[点.][{_PLAIN}]+)?"
# the core of a number, then 多/余 and 万/亿 multipliers, then a second part after 亿 (1亿1000多万)
NUMBER_RE = re.compile(
    rf"(?P<core>{_ARABIC}|{_CN_RUN})(?P<small>(?<=\d)[百千](?![分之]))?(?P<more>[多余])?(?P<mult>[万亿]+)?"
    rf"(?:(?<=亿)(?P<rest>{_ARABIC}|[{CN_CHARS}]+)(?P<more2>[多余])?万)?"
)
SHARE_RE = re.compile(rf"(?P<base>百|千|万)分之(?P<num>{_ARABIC}|百(?![{CN_CHARS}])|[{CN_CHARS}]+(?:点[{_PLAIN}]+)?)"
                      rf"(?:、(?P<num2>[{CN_CHARS}]+))?")
FRACTION_RE = re.compile(rf"(?P<den>[{CN_CHARS}]+)分之(?P<num>[{CN_CHARS}]+)"
                         rf"|(?<![\d.,])(?P<anum>\d{{1,2}})/(?P<aden>\d{{1,2}})(?![\d/])")
# 三、四个社, 三、五年, 一、二个社: two small numbers joined by 、 read as one approximate number
APPROX_PAIR_RE = re.compile(r"(?P<a>[一二三四五六七八九两])、(?P<b>[二三四五六七八九十][十百千万]*)")
# 六、七、八、九: three or more listed numerals are list items or months, never one quantity
LIST_RE = re.compile(rf"(?:[{CN_CHARS}\d]{{1,3}}、){{2,}}[{CN_CHARS}\d]{{1,3}}")
# 购四留六, 三七开: two digits that share ten between them
# 十几个, 二十几斤, 十几万, 百分之七十几: ten-odd, read as 十多 is: more than the tens written (十几亿: more than 1e9)
TEENS_RE = re.compile(r"(?<![几数\d〇零一二三四五六七八九十百千万亿两])"
                      r"(?P<tens>[一二三四五六七八九]?)十几(?P<mult>万|亿)?")


@lru_cache(maxsize=1)
def _tenths_re() -> re.Pattern:
    """购四留六, 三七开: two digits that share ten between them, after the verbs of schemas/qualifiers.yaml."""
    verbs = "".join(vocab.words("qualifiers", "tenth_split_verbs"))
    after = "|".join(map(re.escape, vocab.words("qualifiers", "tenth_split_after")))
    return re.compile(rf"(?<=[{verbs}])(?P<a>[一二三四五六七八九])[{verbs}](?P<b>[一二三四五六七八九])"
                      rf"|(?<![一二三四五六七八九十])(?P<c>[一二三四五六七八九])(?P<d>[一二三四五六七八九])(?={after})")


@lru_cache(maxsize=1)
def _ratio_words() -> tuple[str, ...]:
    """The words a ratio's parts stand before (schemas/qualifiers.yaml `ratio_after`): a text without any holds none."""
    return tuple(vocab.words("qualifiers", "ratio_after"))


@lru_cache(maxsize=1)
def _ratio_re() -> re.Pattern:
    """2、4、4的比例, 三：七的比例: two to four numbers parted by the separators of schemas/qualifiers.yaml
    `ratio_after`, right before its words."""
    seps = "".join(re.escape(vocab.simplified(str(w))) for w in vocab.load("qualifiers")["ratio_after"]["separators"])
    after = "|".join(map(re.escape, vocab.words("qualifiers", "ratio_after")))
    part = rf"[{CN_CHARS}\d]{{1,3}}"
    return re.compile(rf"(?<![{CN_CHARS}\d.．])(?P<run>{part}(?:[{seps}]{part}){{1,3}})(?={after})")


@lru_cache(maxsize=1)
def _half_res() -> tuple[re.Pattern, re.Pattern]:
    """半斤, 半年, 半个月 (a half of a unit of mass, area or time of schemas/units.yaml) and 一个半月, 三个半负担亩
    (N and a half of a unit that takes 个), or of what is counted in 个 (三个半乡: 3.5 个), unless 半 opens a word
    of its own (`half_words` in schemas/qualifiers.yaml: 三个半劳动力)."""
    words = sorted({vocab.simplified(u["word"]).removeprefix("个") for u in vocab.load("units")["units"]
                    if u["kind"] in ("mass", "area", "time")}, key=len, reverse=True)
    units = "|".join(map(re.escape, words))
    half_words = "|".join(re.escape(w.removeprefix("半")) for w in vocab.words("qualifiers", "half_words"))
    return (re.compile(rf"(?<![上下前后多个])半(?=(?:个)?(?:{units}))"),
            re.compile(rf"(?P<num>[{CN_CHARS}]+|\d+)个半(?:(?P<unit>{units})|(?!{half_words}))"))

HALF_WORDS_RE = re.compile(r"一半(?![个月年天日斤两亩])|半数")
BRACKETED_RE = re.compile(rf"[（(〔\[【]\s*[{CN_CHARS}\d甲乙丙丁戊己庚辛壬癸]{{1,4}}\s*[）)〕\]】]")
CODE_RE = re.compile(r"\d+(?:\s*[—\-－]\s*\d+){2,}")
# 1e308, 2.5E6: exponent notation, which the period never prints; read whole (never as 1 and 308)
EXPONENT_RE = re.compile(r"(?<![\w.])\d+(?:\.\d+)?[eE][+-]?\d+(?![\w.])", re.ASCII)
CLAUSE_START = ("", "\n", "。", "；", "：", "，", "）", ")", "“", "「", "　", " ")


@dataclass(frozen=True)
class Number:
    """A number in a text. `high` is set for a number written as an approximate range (两三, 七八十万)."""

    start: int
    end: int
    value: float
    text: str
    percent: bool = False
    high: float | None = None
    more: bool = False  # 多/余 written inside the numeral (1亿1000多万, 40余万)
    implied_unit: str | None = None  # 成 for the tenths of 购四留六
    flags: tuple[str, ...] = ()  # signed_number (负八斤, -420斤), implausible_value (四亿亿亿斤, 1e308)


# -- reading one numeral ------------------------------------------------------------------------

def _digit_string(s: str) -> float | None:
    """一九五五 → 1955, 八O.二 → 80.2, 一七点九 → 17.9: digits only, read one by one."""
    whole, _, frac = s.replace("点", ".").partition(".")
    if not whole or any(c not in _DIGIT_VALUE for c in whole + frac):
        return None
    number = "".join(str(_DIGIT_VALUE[c]) for c in whole)
    return float(f"{number}.{''.join(str(_DIGIT_VALUE[c]) for c in frac)}" if frac else number)


@lru_cache(maxsize=65536)
def parse_chinese(s: str) -> float | None:
    """Value of a Chinese numeral, or None. `二百五` → 250, `二十点二` → 20.2, `一点二九亿` → 129000000,
    `九九亿` → 9900000000 (digit by digit), `十七亿一千五百` → 1700001500."""
    if not s:
        return None
    s = s.replace("O", "〇").replace("0", "〇")
    mult = 1.0
    # a multiplier after a decimal or a digit string is applied to it (一点二九亿, 九九亿, 二三〇亿)
    while len(s) > 1 and s[-1] in "万亿" and ("点" in s or "." in s or s[-2] in _DIGIT_VALUE and all(
            c in _DIGIT_VALUE for c in s[:-1].rstrip("万亿"))):
        mult *= 1e4 if s[-1] == "万" else 1e8
        s = s[:-1]
    while len(s) > 2 and s[-1] in "万亿" and s[-2] in "万亿" and not s.endswith("万亿"):
        mult *= 1e4 if s[-1] == "万" else 1e8  # 四亿亿亿: each repeated multiplier multiplies (a nonsense amount,
        s = s[:-1]                               # flagged by the reader, but still a number with a row)
    if "点" in s or "." in s:
        whole, frac = re.split("[点.]", s, maxsplit=1)
        if not frac or any(c not in _DIGIT_VALUE for c in frac):
            return None
        w = _digit_string(whole) if len(whole) > 1 and all(c in _DIGIT_VALUE for c in whole) else parse_chinese(whole)
        if w is None:
            return None
        return float(f"{int(w)}.{''.join(str(_DIGIT_VALUE[c]) for c in frac)}") * mult
    if len(s) > 1 and all(c in _DIGIT_VALUE for c in s):
        return _digit_string(s) * mult
    s2 = s.replace("廿", "二十").replace("卅", "三十").replace("○", "〇")
    if s2[0] in "百千万亿":  # 百余个: a bare multiplier counts one of it
        s2 = "一" + s2
    whole = read_integer(s2)
    if whole is not None:
        return float(whole) * mult
    if "亿" in s2[:-1]:  # 十七亿一千五百: cn2an wants the lower part whole
        head, _, tail = s2.rpartition("亿")
        if not tail or not head or "亿" in head:  # 亿亿, 一亿亿: no reading (and no endless recursion)
            return None
        a, b = parse_chinese(head + "亿"), parse_chinese(tail)
        if a is not None and b is not None:
            return (a + b) * mult
    return None


def parse_number_text(s: str) -> float | None:
    """Value of a written number: Chinese, Arabic (with , and . ), or 百分之X (its X)."""
    s = s.strip().translate(_FULLWIDTH)
    if m := SHARE_RE.fullmatch(s):
        s = m.group("num")
    if re.fullmatch(_ARABIC, s):
        return _arabic(s)
    return parse_chinese(s)


def _arabic(s: str) -> float:
    if _DECIMAL_COMMA.fullmatch(s):
        return float(s.replace("，", ".").replace(",", "."))
    return float(s.replace(",", "").replace("，", ""))


def _core_value(core: str, digit_strings: bool, before_multiplier: bool) -> tuple[float | None, float | None]:
    """(value, high) of a numeral core; high is set for approximate numbers (两三, 七八十).

    A run of two or more plain digits is read digit by digit when the document writes numbers
    that way, when it has a decimal part or a multiplier follows (九九亿); two consecutive
    digits are otherwise an approximate range (两三年). Any other plain-digit run is ambiguous
    (九四个月, the end of a list of months) and is not read.
    """
    if core[0].isdigit():
        return _arabic(core), None
    body = core.rstrip("万亿")
    plain = len(body) >= 2 and all(c in _DIGIT_VALUE for c in body.replace("点", "").replace(".", ""))
    if plain:
        decimal = "点" in body or "." in body
        a, b = _DIGIT_VALUE[body[0]], _DIGIT_VALUE.get(body[1], -1)
        if not digit_strings and not decimal and len(body) == 2 and b == a + 1 and a > 0:
            scale = parse_chinese("一" + core[len(body):]) if core != body else 1.0
            return float(a) * (scale or 1), float(b) * (scale or 1)  # 两三, 二三亿 (in a text that writes ranges)
        if digit_strings or decimal or before_multiplier or core != body:
            return parse_chinese(core), None
        return None, None
    # 七八十, 三四十, 二三十: two consecutive digits before a multiplier
    if len(core) >= 3 and core[0] in _DIGIT_VALUE and core[1] in _DIGIT_VALUE and core[2] in "十百千万":
        a, b = _DIGIT_VALUE[core[0]], _DIGIT_VALUE[core[1]]
        if b == a + 1 and a > 0:
            lo, hi = parse_chinese(core[0] + core[2:]), parse_chinese(core[1] + core[2:])
            if lo is not None and hi is not None:
                return lo, hi
    return parse_chinese(core), None


def _digit_run(core: str) -> bool:
    """Three or more plain digits that are no run of consecutive ones (四八八, 一六七; not 三四五)."""
    if len(core) < 3 or not all(c in _DIGIT_VALUE for c in core):
        return False
    values = [_DIGIT_VALUE[c] for c in core]
    return any(b != a + 1 for a, b in zip(values, values[1:], strict=False))


# -- what a number is not -----------------------------------------------------------------------

@lru_cache(maxsize=1)
def _idioms() -> tuple[frozenset[str], re.Pattern | None]:
    """Numeral idioms: those written only in numeral characters (万一), which count when a run is
    exactly one of them, and the others (一般, 统一), which hide any run they overlap. The others
    are one pattern, longest first, looked for at every position (a lookahead, so they may overlap)."""
    words = vocab.words("qualifiers", "numeral_idioms")
    alone = frozenset(w for w in words if all(c in CN_CHARS for c in w))
    inside = sorted((w for w in words if w not in alone), key=len, reverse=True)
    pattern = re.compile("(?=(" + "|".join(map(re.escape, inside)) + "))") if inside else None
    return alone, pattern


def _idiom_mask(text: str) -> bytearray:
    """1 at every character of `text` that lies inside a numeral idiom such as 一般 or 统一."""
    mask = bytearray(len(text) + 1)
    pattern = _idioms()[1]
    if pattern is not None:
        for m in pattern.finditer(text):
            mask[m.start(1):m.end(1)] = b"\x01" * (m.end(1) - m.start(1))
    return mask


@lru_cache(maxsize=1)
def follow_words() -> tuple[str, ...]:
    """What may follow a number that is a quantity: units and measure words, qualifiers written after
    a number, range connectors, 万/亿, 、 and 的; longest first."""
    u = vocab.load("units")
    words = [str(e["word"]) for e in u["units"]] + [str(w) for w in u["measure_words"]["words"]]
    q = vocab.load("qualifiers")
    words += [x["word"] for x in q["qualifiers"] if x["position"] == "after"]
    words += [x["word"] for x in q["between_number_and_unit"]["entries"]]
    words += [str(w) for w in q["range_connectors"]["words"]] + [str(w) for w in q["range_alternatives"]["words"]]
    words += ["万", "亿", "、", "的"]
    return tuple(sorted({vocab.simplified(w) for w in words}, key=lambda w: (-len(w), w)))


@lru_cache(maxsize=1)
def _non_mass_units() -> tuple[str, ...]:
    u = vocab.load("units")
    words = [str(e["word"]) for e in u["units"] if e["kind"] != "mass"] + [str(w) for w in u["measure_words"]["words"]]
    return tuple(vocab.simplified(w) for w in words)


def _is_word_char(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


@lru_cache(maxsize=1)
def _follow_index() -> dict[str, tuple[str, ...]]:
    """follow_words() by their first character, longest first."""
    index: dict[str, list[str]] = {}
    for w in follow_words():
        index.setdefault(w[0], []).append(w)
    return {k: tuple(v) for k, v in index.items()}


def fused_with_word(text: str, end: int, value: float) -> bool:
    """A small number run into a word that is not a unit: 四无, 五保户, 三级, 一系列, 二道沟村, 10底."""
    if value >= 100 or end >= len(text):
        return False
    nxt = text[end]
    if not _is_word_char(nxt) or nxt in CN_CHARS:
        return False
    if text.startswith(_not_units(), end):  # 三角形: a word a unit's character opens
        return True
    return not any(text.startswith(w, end) for w in _follow_index().get(nxt, ()))


def _ends_a_range(text: str, start: int) -> bool:
    """The number is the second end of a range whose first end is a number (百分之四十至五十交国家): the verb
    after it is no word the number is fused with."""
    conn = next((c for c in range_connectors() if text.endswith(c, 0, start)), None)
    return conn is not None and start > len(conn) and text[start - len(conn) - 1] in _NUMERAL_ENDS


@lru_cache(maxsize=1)
def range_connectors() -> tuple[str, ...]:
    """The words joining the two ends of a range (schemas/qualifiers.yaml), longest first."""
    words = vocab.load("qualifiers")["range_connectors"]["words"]
    return tuple(sorted((vocab.simplified(str(w)) for w in words), key=len, reverse=True))


@lru_cache(maxsize=1)
def _not_units() -> tuple[str, ...]:
    """Words that open with a unit's characters and are no unit (schemas/units.yaml `not_before`: 三角形)."""
    return tuple(vocab.simplified(str(w)) for e in vocab.load("units")["units"] for w in e.get("not_before", []))


def _is_year(text: str, start: int, end: int, core: str) -> bool:
    """A calendar year: 一九五五年, 1955年, 1956—1957年度, 一九六一至一九六二年度, 一九五二第四季, —九六○年."""
    digits = core.replace("O", "〇").replace("0", "〇")
    chinese_year = len(digits) >= 3 and all(c in _DIGIT_VALUE for c in digits)
    arabic_year = core.isdigit() and len(core) == 4 and 1800 <= int(core) <= 2100
    if text[end:end + 1] == "年":
        return chinese_year or arabic_year or _is_short_year(text, start, core)
    if arabic_year or (chinese_year and len(digits) == 4 and digits.startswith(("一九", "一八"))):
        # a year before a range to another year, before 第…季, or alone in a table header
        return bool(re.match(r"(?:[—\-－~至到]|第|$|\s)", text[end:end + 1]))
    return False


SHORT_YEARS = (45, 69)  # 53年, 五八年: the period's years written with two digits, before 年


def _is_short_year(text: str, start: int, core: str) -> bool:
    """53年秋季, 五八年农业大跃进: a year of the period written with two digits (1945–1969). Han digits without
    十 that are not two neighbours (四五年 is four or five years), Arabic digits after no other digit."""
    lo, hi = SHORT_YEARS
    if core.isdigit() and len(core) == 2:
        return lo <= int(core) <= hi and not (start and text[start - 1].isdigit())
    if len(core) != 2 or not all(c in _DIGIT_VALUE for c in core):
        return False
    tens, ones = _DIGIT_VALUE[core[0]], _DIGIT_VALUE[core[1]]
    return lo <= tens * 10 + ones <= hi and ones != tens + 1


def _is_month(text: str, start: int, end: int, value: float) -> bool:
    """九月, 十一月底, 7月份, and the first month of 3至6月 or 5、6月: a month of the calendar (N个月 is a duration)."""
    if not (1 <= value <= 12) or value != int(value):
        return False
    if text[end:end + 1] == "月":
        return True
    return bool(re.match(rf"(?:至|到|—|、)[{CN_CHARS}\d]{{1,3}}月", text[end:end + 6]))


def _is_day(text: str, start: int, end: int, value: float) -> bool:
    """十七日, 廿七日, 7月1号: a day of the month, unless 每月 makes it a recurring deadline (每月二十五日前)."""
    if not (1 <= value <= 31) or value != int(value) or text[end:end + 1] not in ("日", "号"):
        return False
    return not text.endswith("每月", 0, start)


def _is_list_marker(text: str, start: int, end: int) -> bool:
    """一、 at the start of a clause: the marker of a listed point, not a number."""
    return text[end:end + 1] == "、" and (text[start - 1:start] if start else "") in CLAUSE_START


def _unit_starts(text: str, pos: int) -> bool:
    return pos < len(text) and any(text.startswith(u, pos) for u in _units_and_measure_words()
                                   if u[0] == text[pos])


@lru_cache(maxsize=1)
def _units_and_measure_words() -> tuple[str, ...]:
    u = vocab.load("units")
    words = [str(e["word"]) for e in u["units"]] + [str(w) for w in u["measure_words"]["words"]]
    return tuple(sorted({vocab.simplified(w) for w in words}, key=lambda w: (-len(w), w)))


def _one_or_two(text: str, pos: int) -> bool:
    """一两 before a unit other than a mass (一两年, 一两头) is one or two; otherwise one liang (一两粮食)."""
    return any(text.startswith(u, pos) for u in _non_mass_units())


# -- the scan -----------------------------------------------------------------------------------

class _Scan:
    def __init__(self, text: str, digit_strings: bool):
        self.text = text
        self.digit_strings = digit_strings
        self.found: list[Number] = []
        self.taken = bytearray(len(text) + 1)
        self._mask: bytearray | None = None

    @property
    def idiom_mask(self) -> bytearray:
        """Made on first use: most paragraphs need it for a few runs, some not at all."""
        if self._mask is None:
            self._mask = _idiom_mask(self.text)
        return self._mask

    def take(self, a: int, b: int) -> None:
        self.taken[a:b] = b"\x01" * (b - a)

    def free(self, a: int, b: int) -> bool:
        return not any(self.taken[a:b])

    def add(self, n: Number) -> None:
        self.found.append(n)
        self.take(n.start, n.end)

    def run(self) -> list[Number]:
        text = self.text
        # each pass runs only where the characters it needs are in the text (most texts lack most)
        if any(w in text for w in _ratio_words()):
            self.ratios()
        for rx, needs in ((BRACKETED_RE, "（(〔[【"), (CODE_RE, "—-－"), (LIST_RE, "、")):
            if any(c in text for c in needs):  # markers, references, lists: not quantities
                for m in rx.finditer(text):
                    self.take(m.start(), m.end())
        if "分之" in text or "/" in text:
            self.shares()
            self.fractions()
        if any(c in text for c in _tenth_chars()):
            self.tenths()
        if "、" in text:
            self.approximate_pairs()
        if "半" in text:
            self.halves()
        if "十几" in text:
            self.teens()
        if "e" in text or "E" in text:
            self.exponents()
        self.numbers()
        return [_checked(text, n) for n in sorted(self.found, key=lambda n: n.start)]

    def exponents(self) -> None:
        for m in EXPONENT_RE.finditer(self.text):
            if self.free(m.start(), m.end()):
                self.add(Number(m.start(), m.end(), float(m.group(0)), m.group(0)))

    def shares(self) -> None:
        for m in SHARE_RE.finditer(self.text):
            if not self.free(m.start(), m.end()):
                continue
            base = {"百": 1.0, "千": 0.1, "万": 0.01}[m.group("base")]
            num = m.group("num")
            value = 100.0 if num == "百" else parse_number_text(num)
            if value is None:
                continue
            end, high = m.end(), None
            if m.group("num2"):  # 百分之二、三十: 20 to 30
                hi = parse_chinese(m.group("num2"))
                scale = 10 ** (len(str(int(hi))) - 1) if hi and len(num) == 1 else 1
                if hi is not None and value * scale < hi:
                    value, high = value * scale, hi
                else:
                    end = m.start("num2") - 1
            odd = high is None and num.endswith("十") and self.text.startswith("几", end)  # 百分之七十几: 70-odd
            end += odd
            self.add(Number(m.start(), end, value * base, self.text[m.start():end], percent=True,
                            high=high * base if high is not None else None, more=odd))

    def fractions(self) -> None:
        for m in FRACTION_RE.finditer(self.text):
            if not self.free(m.start(), m.end()):
                continue
            if m.group("den"):
                den, num = parse_chinese(m.group("den")), parse_chinese(m.group("num"))
            else:
                den, num = float(m.group("aden")), float(m.group("anum"))
            if not den or num is None or num > den:
                continue
            self.add(Number(m.start(), m.end(), round(num / den * 100, 4), m.group(0), percent=True))

    def ratios(self) -> None:
        """按2、4、4的比例, 三：七的比例: the parts of a ratio, tenths when they add up to ten, percents to a
        hundred."""
        for m in _ratio_re().finditer(self.text):
            parts = list(re.finditer(rf"[{CN_CHARS}\d]{{1,3}}", m.group("run")))
            values = [parse_number_text(x.group(0)) for x in parts]
            if any(v is None for v in values) or not self.free(m.start("run"), m.end("run")):
                continue
            total = sum(values)
            if total not in (10, 100):
                continue
            for x, v in zip(parts, values, strict=True):
                a = m.start("run") + x.start()
                self.add(Number(a, a + len(x.group(0)), float(v), x.group(0), percent=total == 100,
                                implied_unit="成" if total == 10 else None))

    def tenths(self) -> None:
        for m in _tenths_re().finditer(self.text):
            a_key, b_key = ("a", "b") if m.group("a") else ("c", "d")
            a, b = _DIGIT_VALUE[m.group(a_key)], _DIGIT_VALUE[m.group(b_key)]
            if a + b != 10 or not self.free(m.start(), m.end()):
                continue
            for key, v in ((a_key, a), (b_key, b)):
                self.add(Number(m.start(key), m.end(key), float(v), m.group(key), implied_unit="成"))

    def approximate_pairs(self) -> None:
        text = self.text
        for m in APPROX_PAIR_RE.finditer(text):
            if not self.free(m.start(), m.end()) or text[m.start() - 1:m.start()] in ("、", "第") \
                    or any(self.idiom_mask[m.start():m.end()]):
                continue
            b = parse_chinese(m.group("b"))
            after = text[m.end():m.end() + 1]
            if b is None or after in ("、", "的", "月") or not any(
                    text.startswith(w, m.end()) for w in _follow_index().get(after, ())):
                continue
            scale = 10 ** (len(str(int(b))) - 1) if len(m.group("b")) > 1 else 1
            lo = _DIGIT_VALUE[m.group("a")] * scale
            if lo < b:
                self.add(Number(m.start(), m.end(), float(lo), m.group(0), high=b))

    def teens(self) -> None:
        for m in TEENS_RE.finditer(self.text):
            if not self.free(m.start(), m.end()):
                continue
            tens = _DIGIT_VALUE[m.group("tens")] if m.group("tens") else 1
            f = {"万": 1e4, "亿": 1e8}.get(m.group("mult") or "", 1.0)
            self.add(Number(m.start(), m.end(), tens * 10 * f, m.group(0), more=True))

    def halves(self) -> None:
        text = self.text
        half_re, half_after_re = _half_res()
        for m in half_after_re.finditer(text):  # 一个半月, 三个半负担亩; 三个半乡: 3.5 个 (not 三个半劳动力)
            v = parse_number_text(m.group("num"))
            end = m.end("num") + 2
            if v is not None and self.free(m.start(), end):
                self.add(Number(m.start(), end, v + 0.5, text[m.start():end],
                                implied_unit=None if m.group("unit") else "个"))
        for m in HALF_WORDS_RE.finditer(text):  # 一半, 半数: half of them
            if self.free(m.start(), m.end()):
                self.add(Number(m.start(), m.end(), 50.0, m.group(0), percent=True))
        for m in half_re.finditer(text):  # 半斤, 半年, 半月
            if self.free(m.start(), m.end()):
                self.add(Number(m.start(), m.end(), 0.5, "半"))

    def numbers(self) -> None:
        text = self.text
        for m in NUMBER_RE.finditer(text):
            start, core = m.start(), m.group("core")
            if not self.free(start, m.end("core")):
                continue
            before = text[start - 1:start] if start else ""
            if before == "第" or before.isdigit() or before == ".":
                continue  # an ordinal, or the tail of another number
            if text.endswith(vocab.words("qualifiers", "reference_labels"), 0, start):
                continue  # 附表一
            if core == "一" and before == "%" and text[m.end("core"):m.end("core") + 1].isdigit():
                continue  # 60%一70%: a dash printed as 一 (see quantities)
            if core in ("百", "千", "万", "亿") and (
                    not (m.group("more") or _unit_starts(text, m.end())) or text.startswith("分之", m.end())
                    or (before and before in "×xX＊*○几")):
                continue  # 百分之几, 千方, ××万斤, 十几万: a multiplier alone counts one only before a unit (百余个)
            if core[0] in "十百千万" and text.endswith(vocab.words("qualifiers", "vague_counts"), 0, start):
                continue  # 几十万人, 数百个: some tens of thousands, no number
            end = m.end()
            # a 两 after other numerals is the unit liang (十二两, 八两); 一两 is one or two before
            # another unit (一两年), one liang otherwise (一两粮食)
            cut = next((k for k in range(1, len(core)) if core[k] == "两"), None)
            if cut is not None and not (core == "一两" and _one_or_two(text, m.end("core"))):
                core, end = core[:cut], start + cut
            whole = end == m.end()
            if _is_year(text, start, start + len(core), core):
                continue
            mult = m.group("mult") if whole else None
            small = m.group("small") if whole else None  # 7千吨, 7千万亩: a digit before 千 or 百
            value, high = _core_value(core, self.digit_strings, before_multiplier=bool(mult or small))
            if value is None and _digit_run(core) and not mult and _unit_starts(text, end) \
                    and not text.endswith("、", 0, start):
                value = parse_chinese(core)  # 四八八人, 一六七间: three or more digits before a unit, digit by digit
            if value is None:
                continue
            if small:
                value *= 1000 if small == "千" else 100
            more = False
            if whole and m.group("more"):
                if mult:
                    more = True  # 40余万
                else:
                    end = m.end("small") if small else m.end("core")  # 四百多个: 多 is the quantity's qualifier
                    mult = None
            if mult:
                if "亿" in core and mult == "万" and not core[0].isdigit():  # 十七亿一千五百余万
                    head, _, tail = core.rpartition("亿")
                    hv, tv = parse_chinese(head + "亿"), parse_chinese(tail)
                    if hv is None or tv is None:
                        continue
                    value = hv + tv * 1e4
                else:
                    for ch in mult:
                        f = 1e4 if ch == "万" else 1e8
                        value *= f
                        high = high * f if high is not None else None
            if whole and m.group("rest"):
                rest = m.group("rest")
                rv = _arabic(rest) if rest[0].isdigit() else parse_chinese(rest)
                if rv is None:
                    continue
                value += rv * 1e4
                more = more or bool(m.group("more2"))
            if core in _idioms()[0] and not mult:
                continue
            if any(self.idiom_mask[start:start + len(core)]) and not re.search(r"[点.][" + _PLAIN + "]", core):
                continue  # inside 一般, 统一 …, unless the run goes on to a decimal (一点二九亿)
            if not mult and not (whole and m.group("rest")):
                core_end = start + len(core)
                if _is_month(text, start, core_end, value) or _is_day(text, start, core_end, value):
                    continue
                if _is_list_marker(text, start, core_end) or (
                        fused_with_word(text, core_end, value) and not _ends_a_range(text, start)):
                    continue
            value = float(f"{value:.12g}")  # 17.9 × 1e8 is 1790000000, not 1789999999.9999998
            high = float(f"{high:.12g}") if high is not None else None
            self.add(Number(start, end, value, text[start:end], high=high, more=more))


@lru_cache(maxsize=1)
def _signs() -> tuple[tuple[str, ...], tuple[str, ...], float]:
    """(sign words, characters that make 负 part of a word, the largest plausible number): schemas/qualifiers.yaml."""
    return (vocab.words("qualifiers", "signs"), vocab.words("qualifiers", "signs_not_after"),
            float(vocab.load("qualifiers")["largest_number"]["value"]))


def _sign_before(text: str, start: int) -> str:
    """The sign written right before a number (负八斤, 每年-420斤, 至-460斤), or ''. A dash right after a
    number, or after a number's unit, joins a range (80%-90%, 60斤-70斤) and is no sign."""
    signs, not_after, _ = _signs()
    sign = next((w for w in signs if text.endswith(w, 0, start)), "")
    if not sign:
        return ""
    head = text[:start - len(sign)]
    if sign.isalpha():  # 负: a sign unless it ends a word (自负, 担负)
        return "" if head.endswith(not_after) else sign
    if re.search(rf"[\d{CN_CHARS}%％]$", head):
        return ""
    unit = next((u for u in _units_and_measure_words() if head.endswith(u)), None)
    return "" if unit and re.search(rf"[\d{CN_CHARS}%％]$", head[:-len(unit)]) else sign


def _checked(text: str, n: Number) -> Number:
    """`n` with the sign written before it (flagged signed_number: the period writes a fall in words, so a
    sign is most often a dash or damage), and flagged implausible_value beyond any amount of the period."""
    sign = _sign_before(text, n.start)
    if sign:
        high = -n.value if n.high is not None else None
        low = -(n.high if n.high is not None else n.value)
        n = replace(n, start=n.start - len(sign), text=sign + n.text, value=low, high=high,
                    flags=n.flags + ("signed_number",))
    largest = _signs()[2]
    if not math.isfinite(n.value) or abs(n.value) > largest or (n.high is not None and abs(n.high) > largest):
        n = replace(n, flags=n.flags + ("implausible_value",))
    return n


ANY_NUMERAL_RE = re.compile(rf"[{CN_CHARS}\d半]")


@lru_cache(maxsize=1)
def _tenth_chars() -> str:
    return "".join(vocab.words("qualifiers", "tenth_split_verbs")) + "".join(
        w[0] for w in vocab.words("qualifiers", "tenth_split_after"))


def find_numbers(text: str, digit_strings: bool = False) -> list[Number]:
    """Every number in `text` (simplified view), in order, without ordinals, dates, markers or idioms.

    `digit_strings`: the document writes its numbers digit by digit, so 二三亿 is 23亿 rather
    than two to three hundred million (see `writes_digit_strings`).
    """
    if not ANY_NUMERAL_RE.search(text):
        return []
    numbers = _Scan(text, digit_strings).run()
    masks = find_masked(text)  # 〇〇〇□□万: a masked number, not a zero beside a blank
    return [n for n in numbers if not any(n.start < m.end and m.start < n.end for m in masks)] if masks else numbers


MASK_RE = re.compile(rf"(?<![{CN_CHARS}\d])[×xX＊*○〇□＿_]{{2,}}(?P<mult>[十百千万亿]*)")


@dataclass(frozen=True)
class Masked:
    """A number masked or left blank in the source (收购原粮×××××万斤): flagged, never read."""

    start: int
    end: int
    text: str


def find_masked(text: str) -> list[Masked]:
    """Masked or blank numbers: two or more ×, x, *, ○, □ or _ where a number is, before a unit or multiplier."""
    out = []
    for m in MASK_RE.finditer(text):
        if m.group("mult") or _unit_starts(text, m.end()):
            out.append(Masked(m.start(), m.end(), m.group(0)))
    return out


def writes_digit_strings(text: str) -> bool:
    """Does the document write its numbers digit by digit (九九亿, 一二四.九亿, 八O.二亿)?

    Told by at least two runs of plain digits before a multiplier or a mass or money unit that
    are not two consecutive digits (which would be an approximate range such as 二三亿).
    """
    hits = 0
    for m in re.finditer(rf"(?<![{CN_CHARS}第])([{_PLAIN}]{{2,}}(?:[.点][{_PLAIN}]+)?)(?=[万亿斤元吨担])", text):
        s = m.group(1)
        a, b = _DIGIT_VALUE[s[0]], _DIGIT_VALUE[s[1]]
        if "O" in s or "." in s or "点" in s or len(s) > 2 or b != a + 1:
            hits += 1
    return hits >= 2
