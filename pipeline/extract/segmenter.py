"""Word segmentation with jieba's dictionary, its HMM and the project lexicon (schemas/lexicon.yaml).

Two interchangeable engines give the same words and the same tags:

- `rjieba` (the default): jieba-rs, the Rust port of jieba, with the same dictionary and HMM built in.
  It starts in a third of the time and segments about twenty times faster. Two of jieba's habits are
  put back: a run of letters, digits and signs that no dictionary holds is split as jieba's HMM splits
  it (1954-11-11 → 1954 - 11 - 11), and a lexicon word keeps the lexicon's tag (jieba-rs keeps its own
  tag for a word it already knows).
- `jieba`: the Python original, kept as the reference. A test builds the seeds, the real texts and a
  synthetic corpus with both and finds every table identical.

`PIPELINE_SEGMENTER=jieba` chooses the reference (worker processes inherit it).

Every engine offers `lcut(text, HMM)`, the words, and `tagged(text, HMM)`: the words with their part of
speech from the dictionary, `x` for a word the dictionary does not know (jieba's own tag for it).
"""
from __future__ import annotations

import io
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

from pipeline import vocab

UNKNOWN_TAG = "x"
READ_MAX = 200_000  # words whose reading a segmenter keeps (a few tens of MB at most)
ENGINES = ("rjieba", "jieba")
# jieba's HMM splits a run outside the dictionary that holds no Han character at these pieces
# (jieba/finalseg: re_skip); jieba-rs keeps 1954-11-11 whole.
_HAN = re.compile(r"[\u4E00-\u9FD5]")
_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")


def engine_name() -> str:
    name = os.environ.get("PIPELINE_SEGMENTER", "rjieba")
    if name not in ENGINES:
        raise ValueError(f"PIPELINE_SEGMENTER={name!r}: one of {', '.join(ENGINES)}")
    return name


def lexicon() -> list[tuple[str, int, str]]:
    """The lexicon's words in the simplified script, with frequency and tag (default 1000, n)."""
    return [(vocab.simplified(e["word"]), int(e.get("freq", 1000)), e.get("tag", "n"))
            for e in vocab.load("lexicon")["words"]]


class RustSegmenter:
    """jieba-rs through rjieba, with the lexicon added."""

    def __init__(self) -> None:
        import rjieba

        self._jieba = rjieba.Jieba()
        # (word, jieba-rs's tag, HMM) → the word's pieces with their tags: the same few thousand words recur in
        # every text, and each is read once (a word's pieces and tags do not depend on where it stands)
        self._read: dict[tuple[str, str, bool], tuple[tuple[str, str], ...]] = {}
        self._lexicon_tags: dict[str, str] = {}
        for word, freq, tag in lexicon():
            self._jieba.add_word(word, freq, tag)
            self._lexicon_tags[word] = tag

    def _pieces(self, word: str, hmm: bool) -> list[str]:
        """`word`, or the pieces jieba's HMM cuts it into: a run with no Han character that no dictionary
        holds (jieba/finalseg, re_skip)."""
        if hmm and len(word) > 1 and not _HAN.search(word) and not _SKIP.fullmatch(word) \
                and not self._jieba.has_word(word):
            return [piece for piece in _SKIP.split(word) if piece]
        return [word]

    def tagged(self, text: str, HMM: bool = True) -> list[tuple[str, str]]:  # noqa: N803 (jieba's name)
        out: list[tuple[str, str]] = []
        read = self._read
        for word, tag in self._jieba.tag(text, HMM):
            key = (word, tag, HMM)
            pieces = read.get(key)
            if pieces is None:
                if len(read) >= READ_MAX:
                    read.clear()
                pieces = read[key] = tuple((piece, self._tag(piece, tag if piece == word else None))
                                           for piece in self._pieces(word, HMM))
            out.extend(pieces)
        return out

    def _tag(self, word: str, tag: str | None) -> str:
        if word in self._lexicon_tags:
            return self._lexicon_tags[word]
        if not self._jieba.has_word(word):
            return UNKNOWN_TAG
        if tag is None:  # a piece of a split run that the dictionary knows: its tag as a word of its own
            tag = self._jieba.tag(word, False)[0][1]
        return tag

    def lcut(self, text: str, HMM: bool = True) -> list[str]:  # noqa: N803
        return [piece for word in self._jieba.cut(text, HMM) for piece in self._pieces(word, HMM)]


class PythonSegmenter:
    """jieba itself, in its own `jieba.Tokenizer` (the global one is never changed), its cache in a private
    file; tags from jieba's dictionary file and the lexicon."""

    def __init__(self) -> None:
        import jieba

        jieba.setLogLevel(60)  # its start-up chatter is not our output
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.cache_file = _cache_file()
        words = lexicon()
        self.tokenizer.load_userdict(io.StringIO("\n".join(f"{w} {f} {t}" for w, f, t in words)))
        self.tags = dictionary_tags() | {w: t for w, _, t in words}

    def tagged(self, text: str, HMM: bool = True) -> list[tuple[str, str]]:  # noqa: N803
        return [(w, self.tags.get(w, UNKNOWN_TAG)) for w in self.tokenizer.lcut(text, HMM=HMM)]

    def lcut(self, text: str, HMM: bool = True) -> list[str]:  # noqa: N803
        return self.tokenizer.lcut(text, HMM=HMM)


def dictionary_tags() -> dict[str, str]:
    """word → part of speech from jieba's dictionary file (what jieba.posseg reads, without building its
    tagger)."""
    from importlib.resources import files

    data = (files("jieba") / "dict.txt").read_text(encoding="utf-8")
    return dict(line.split(" ")[::2] for line in data.split("\n") if line)


def _cache_file() -> str:
    folder = Path(os.environ.get("PIPELINE_CACHE", Path(tempfile.gettempdir()) / f"grain-pipeline-{os.getuid()}"))
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / "jieba.cache")


def segmenter(name: str | None = None) -> RustSegmenter | PythonSegmenter:
    """The segmenter of `name` (default: PIPELINE_SEGMENTER, else rjieba), made once per process."""
    name = name or engine_name()
    if name not in ENGINES:
        raise ValueError(f"unknown segmenter engine {name!r}; one of {ENGINES}")
    return _made(name)


@lru_cache(maxsize=len(ENGINES))
def _made(name: str) -> RustSegmenter | PythonSegmenter:
    return RustSegmenter() if name == "rjieba" else PythonSegmenter()


@lru_cache(maxsize=65536)
def tagged_words(text: str) -> tuple[tuple[str, str], ...]:
    """jieba's words of a short text, each tagged from its dictionary and the lexicon (no HMM: fast, and
    enough to tell the nouns and verbs around a number). The same few characters recur: kept."""
    return tuple(segmenter().tagged(text, HMM=False))
