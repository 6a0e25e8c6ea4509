"""The files of a corpus folder and what their names give: the documents, their ids and sidecars.

Light on purpose: a build that finds nothing changed needs only this, pipeline.load.cache and DuckDB.
"""
from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

SKIP_SUFFIXES = {".yaml", ".yml", ".json", ".csv", ".parquet", ".duckdb", ".lock"}


# a folder, FIFO or broken link with one of these names was meant to be a document: the build says it skipped it
DOCUMENT_SUFFIXES = {".txt", ".md", ".text", ".htm", ".html", ".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}


@dataclass(frozen=True)
class PassedOver:
    """A corpus entry the build cannot read as a document: its printable name, and the error that says why."""

    name: str
    code: str
    detail: dict


def corpus_files(corpus: Path) -> list[Path]:
    """The text files of a corpus folder: every regular file but sidecars, data and hidden files."""
    return corpus_listing(corpus)[0]


def not_a_document_name(name: str) -> str | None:
    """Why the build would pass over a file of this name (hidden, a README, a sidecar or data file), or None."""
    if name.startswith("."):
        return f"a hidden file ({name})"
    if name.startswith("README"):
        return f"a README ({name})"
    if Path(name).suffix.lower() in SKIP_SUFFIXES:
        return f"a {Path(name).suffix.lower()} file ({name}: sidecars and data)"
    return None


def corpus_listing(corpus: Path) -> tuple[list[Path], list[PassedOver]]:
    """The text files of a corpus folder, and the entries meant as documents that cannot be read: a file
    whose name is not UTF-8 (E123), a broken or looping link, a FIFO or a folder named like a document (E124)."""
    files, passed = [], []
    for p in sorted(corpus.iterdir()):
        if not_a_document_name(p.name):
            continue
        if not is_printable_name(p.name):
            passed.append(PassedOver(printable_name(p.name), "E123", {"guess": _name_guess(p.name)}))
            continue
        try:
            regular = p.is_file()
        except OSError:  # a link looping on itself
            regular = False
        if regular:
            files.append(p)
        elif p.suffix.lower() in DOCUMENT_SUFFIXES:
            passed.append(PassedOver(p.name, "E124", {"what": _what(p)}))
    return files, passed


def is_printable_name(name: str) -> bool:
    """A name that is valid Unicode (not bytes the file system kept as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def printable_name(name: str) -> str:
    """A name that is not UTF-8 with every byte beyond ASCII escaped (\\xba\\xfe…), safe to print and to store,
    and what a shell takes back (mv $'\\xba\\xfe…' 湖北省办法.txt)."""
    return os.fsencode(name).decode("ascii", "backslashreplace")


def _name_guess(name: str) -> str:
    """What the name's bytes read as in the Chinese codecs a Windows zip leaves (GB18030, then Big5)."""
    raw = os.fsencode(name)
    for codec in ("gb18030", "big5"):
        try:
            return f"; read as {codec.upper()} it is «{raw.decode(codec)}»"
        except UnicodeDecodeError:
            continue
    return ""


def _what(p: Path) -> str:
    if p.is_symlink():
        try:
            p.stat()
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return "a symbolic link that loops"
            return f"a broken symbolic link (to {os.readlink(p)})"
    if p.is_dir():
        return "a folder"
    if stat.S_ISFIFO(p.stat().st_mode):
        return "a named pipe (FIFO)"
    return "not a regular file"


def doc_id_for(path: Path) -> str:
    """A stable id from the file name: survives edits to the text and to other files."""
    return re.sub(r"[^0-9A-Za-z_\-\u3400-\u9fff]+", "_", path.stem).strip("_") or "doc"


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.stem + ".meta.yaml")
