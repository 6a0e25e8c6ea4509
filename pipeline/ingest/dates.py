"""Dates as the period texts write them: ISO, 1955年9月20日, 一九五五年九月二十日."""
from __future__ import annotations

import re
from datetime import date

from pipeline.grammar import DIGIT_VALUE, HAN_DIGITS, TENS, TWO, fold_digits, read_integer

_DIGIT_VALUE = DIGIT_VALUE | {"O": 0}  # a year digit by digit; some copies print 〇 as a Latin O
_NUM = rf"[0-9０-９{HAN_DIGITS}十{TWO}{TENS}]"  # a month or a day: 9, ９, 九, 十一, 廿七, 卅
_YEAR_NUM = r"[0-9０-９〇零○O一二三四五六七八九]"  # a year digit by digit; some copies print 〇 as a Latin O

DATE_RE = re.compile(
    rf"(?P<y>{_YEAR_NUM}{{4}})\s*年\s*(?P<m>{_NUM}{{1,3}})\s*月\s*(?:(?P<d>{_NUM}{{1,3}})\s*[日号號])?"
)
ISO_RE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")


def _year(s: str) -> int:
    s = fold_digits(s)
    if s.isdigit():
        return int(s)
    return int("".join(str(_DIGIT_VALUE[c]) for c in s))


def small_number(s: str) -> int:
    """A month's or day's number as a date writes it: 9, ９, 九, 十一, 廿七 (ValueError when it is none)."""
    value = read_integer(s)
    if value is None:
        raise ValueError(f"no number: {s!r}")
    return value


class MonthDate(date):
    """A date the text gives to the month only (一九五五年九月): held as the month's first day, and
    known to be that (documents.date_precision = month)."""


def parse_date_match(m: re.Match) -> date | None:
    try:
        y, mo = _year(m.group("y")), small_number(m.group("m"))
        if not m.group("d"):
            return MonthDate(y, mo, 1)
        return date(y, mo, small_number(m.group("d")))
    except (ValueError, KeyError):
        return None


def find_date(text: str) -> tuple[date | None, re.Match | None]:
    """The first date written in `text`, ISO or Chinese."""
    best = None
    for rx in (ISO_RE, DATE_RE):
        m = rx.search(text)
        if m and (best is None or m.start() < best.start()):
            best = m
    if best is None:
        return None, None
    if best.re is ISO_RE:
        try:
            return date(int(best.group(1)), int(best.group(2)), int(best.group(3))), best
        except ValueError:
            return None, best
    return parse_date_match(best), best
