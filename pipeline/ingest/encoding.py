"""Decode a file's bytes, detecting the encoding, and say which one was used.

Order of evidence: a byte-order mark; strict UTF-8; UTF-16 without BOM (NUL
bytes in every other position); then GB18030 against Big5, both decoded
strictly and scored by how many of the decoded characters are common ones
(their simplified forms in GB2312's frequent block). Text decoded with the
wrong one of the two lands in rare characters or fails outright.
"""
from __future__ import annotations

import codecs
import re

from pipeline.errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _common_share(text: str) -> float:
    """Share of the CJK characters (of the first SAMPLE) that are common ones: whose simplified form is in
    GB2312's level-1 block, the 3,755 most frequent characters. One measure for every candidate decoding, so
    that a traditional text saved as GBK (縣, 糧: not in GB2312 themselves) scores as its Big5 misreading
    (鰍荻瞥: rare characters) does not."""
    from pipeline.vocab import simplified

    cjk = "".join(c for c in text[:SAMPLE * 4] if "\u4e00" <= c <= "\u9fff")[:SAMPLE]
    if not cjk:
        return 0.0
    common = 0
    for ch in simplified(cjk):
        try:
            b = ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        if len(b) == 2 and 0xB0A1 <= ((b[0] << 8) | b[1]) <= 0xD7FE:
            common += 1
    return common / len(cjk)


SAMPLE = 5000


# what a Chinese or English text is made of: ASCII, Latin-1 letters, general punctuation, CJK
# punctuation, ideographs and full-width forms
_IMPLAUSIBLE = re.compile("[^\x00-\x7f\u00a0-\u00ff\u2000-\u206f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# control characters other than whitespace, and the replacement character
_BINARY = re.compile("[\x00-\x08\x0e-\x1f\ufffd]")


_CONTROL_BYTES = [*range(0x00, 0x09), *range(0x0e, 0x20)]  # bytes that no GB or Big5 text holds but for a stray one


def _plausible_share(text: str) -> float:
    """Share of characters a Chinese or English text is made of."""
    if not text:
        return 0.0
    return (len(text) - len(_IMPLAUSIBLE.findall(text))) / len(text)


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: the byte order whose strict decode reads as text."""
    if len(data) < 4 or len(data) % 2:
        return None
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if _plausible_share(text) > 0.95 and not _is_binary(text):
            return name
    return None


def _is_binary(text: str) -> bool:
    return len(_BINARY.findall(text)) > max(2, len(text) // 100)


# A UTF-8 file with at most this share of bytes that are not UTF-8 (a damaged copy) is read with
# them replaced by U+FFFD, and the build warns; more than that, and it is another encoding.
DAMAGED_SHARE = 1 / 2000


def decode(data: bytes, where: str) -> tuple[str, str]:
    """Return (text, encoding name) or raise InputError naming the file.

    A UTF-8 text with a few damaged bytes is read with U+FFFD in their place; its encoding name
    says how many (`utf-8, 2 damaged places replaced`)."""
    if not data.strip():
        raise InputError("E101", where)
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(name)
            except UnicodeDecodeError as exc:
                raise InputError("E103", f"{where} (byte {exc.start})") from exc
            if not text.lstrip("\ufeff").strip():
                raise InputError("E101", f"{where} (a byte-order mark and no text)")
            return _checked(text, where), name.replace("-sig", " with BOM") if "sig" in name else name
    try:
        return _checked(data.decode("utf-8"), where), "utf-8"
    except UnicodeDecodeError:
        pass
    utf16 = _looks_utf16(data)
    if utf16:
        try:
            return _checked(data.decode(utf16), where), utf16
        except UnicodeDecodeError:
            pass
    damaged = _damaged_utf8(data)
    if damaged:
        text, bad = damaged
        return _checked(text, where), f"utf-8, {bad} damaged place{'s' if bad > 1 else ''} replaced"
    if sum(data.count(bytes([b])) for b in _CONTROL_BYTES) > max(2, len(data) // 100):
        raise InputError("E102", where)
    candidates = []
    for name in ("gb18030", "big5", "big5hkscs"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        candidates.append((_common_share(text), name, text))
    if not candidates:
        raise InputError("E103", where)
    candidates.sort(key=lambda c: c[0], reverse=True)
    _, name, text = candidates[0]
    return _checked(text, where), name


def _damaged_utf8(data: bytes) -> tuple[str, int] | None:
    """(text, damaged places) when `data` is UTF-8 but for a few damaged bytes, else None."""
    text = data.decode("utf-8", "replace")
    bad = len(re.findall("\ufffd+", text)) - len(re.findall("\ufffd+", data.decode("utf-8", "ignore")))
    if bad > max(2, len(data) * DAMAGED_SHARE):
        return None
    return text, bad


def _checked(text: str, where: str) -> str:
    if _is_binary(text):
        raise InputError("E102", where)
    if _plausible_share(text) < 0.8:
        raise InputError("E103", where)
    return text
