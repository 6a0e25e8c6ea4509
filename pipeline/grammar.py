"""The grammar of Chinese text that every stage reads alike: numerals, full-width forms, clause punctuation.

Numerals. The period writes a number in Arabic digits (full-width or not), in Han numerals with place values
(四百二十), digit by digit (一九五五, 三一.二, 八O.二: some copies print 〇 as a Latin O), or with the
abbreviations 两/兩 (two), 廿 (twenty), 卅 (thirty). `HAN_DIGITS`, `MULTIPLIERS` and `HAN_NUMERALS` are the
alphabets; `DIGIT_VALUE` reads one digit; `read_integer` reads a whole numeral with place values (cn2an, with
the period's abbreviations spelt out) — markers (第十七条), dates (九月二十日) and amounts use it.

    >>> read_integer("一百零五"), read_integer("廿七"), read_integer("两"), read_integer("１２"), read_integer("拾貳")
    (105, 27, 2, 12, 12)
    >>> fold_digits("１９５５年")
    '1955年'

Clause punctuation. A sentence ends at `SENTENCE_ENDS`; a major clause at a semicolon or colon (`MAJOR`);
a minor clause at a comma or an enumeration comma (`MINOR`). Each stage composes the classes it cuts at from
these (a stage that also cuts at brackets adds `BRACKETS`).
"""
from __future__ import annotations

from types import ModuleType

# -- numerals ------------------------------------------------------------------------------------------------

# the Han numerals that stand for one digit each, as the period writes a year or a decimal digit by digit
# (一九五三年, 三一.二亿斤, 八O.二): no place values
HAN_DIGITS = "〇○零一二三四五六七八九"
TWO = "两兩"  # two, in a count (两个, 兩年)
MULTIPLIERS = "十百千万亿"
TENS = "廿卅"  # twenty, thirty
# the capital numerals of accounts and of some documents' top-level sections (壹、总则; 第拾贰条), in both scripts
CAPITALS = "壹贰貳叁參肆伍陆陸柒捌玖拾佰仟"
# every character of a Han numeral with place values (第一百零五条, 四百二十, 廿七, 壹佰零伍)
HAN_NUMERALS = HAN_DIGITS + TWO + "十百千" + TENS + CAPITALS
# a regex class body: a marker's number in Han or Arabic digits
NUMERAL_CLASS = HAN_NUMERALS + "0-9"
DIGIT_VALUE = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "两": 2, "兩": 2}

FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def fold_digits(s: str) -> str:
    """Full-width digits as ASCII ones (１９５５ → 1955); nothing else changes."""
    return s.translate(FULLWIDTH_DIGITS)


def read_integer(s: str) -> int | None:
    """A whole number written in digits or in Han numerals with place values, or None when `s` is none:
    `12`, `１２`, `十二`, `一百零五`, `廿七`, `兩`. Negative and fractional readings are None."""
    s = fold_digits(s.strip())
    if s.isdigit():
        return int(s)
    if not s:
        return None
    s = s.replace("兩", "二").replace("两", "二").replace("廿", "二十").replace("卅", "三十").replace("○", "〇")
    s = s.replace("參", "叁")  # cn2an reads the capital three in its simplified form only
    try:
        v = _cn2an().cn2an(s, "smart")
    except (ValueError, KeyError, TypeError, IndexError):
        return None
    return int(v) if float(v).is_integer() and v >= 0 else None


def han_numeral(n: int) -> str:
    """`n` written in Han numerals with place values, as a marker writes it: 12 → 十二, 105 → 一百零五."""
    return _cn2an().an2cn(n)


def _cn2an() -> ModuleType:
    """cn2an, imported on first use: its import takes a third of a second, and most commands read no numeral."""
    import cn2an

    return cn2an


# -- function words the rules read ----------------------------------------------------------------------------

EVERY = "每"  # the distributive: 每人, 每出售一百斤
OF = "的"  # the attributive particle: 收入的60%, 不足50元的
WHO = "者"  # the nominaliser that closes a condition: …以上者
ONE = "一1"  # the numeral one, Han or Arabic, as a number's first character


# -- clause punctuation --------------------------------------------------------------------------------------

SENTENCE_ENDS = "。！？!?"
MAJOR = "；：;:"  # a semicolon or a colon ends a major clause
MINOR = "，、,"  # a comma or an enumeration comma ends a minor clause
BRACKETS = "（）()"
