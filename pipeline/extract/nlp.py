"""The language pipelines: spaCy's blank Chinese model, segmenting only what extraction reads.

    nlp("jieba") = spacy.blank("zh", segmenter=jieba) → grain_word_tags → grain_numbers → grain_quantities
                                                                          → grain_roles
    nlp("char")  = spacy.blank("zh", segmenter=char)  →                   grain_numbers → grain_quantities
                                                                          → grain_roles
    (+ doc._.places on demand)

Places are read only where statistics may stand (outside the articles of a
regulation), so only those paragraphs are segmented by jieba; the articles of a
regulation are read from their numbers and the vocabulary around them, which
needs no segmentation, so they get spaCy's one-token-per-character segmenter,
about five times cheaper than jieba (the subject of each number is read from
the few words around it). jieba is initialised once per
process with the domain words of schemas/lexicon.yaml, in its own
`jieba.Tokenizer` (the global default tokenizer is never changed) and with its
cache in a private file. Each word is tagged with its part of speech from
jieba's dictionary (`token.tag_`), which is where jieba's place tag comes
from: a dictionary look-up, not a second segmentation pass. Components put
their results on Doc extensions: `doc._.numbers`, `doc._.quantities`;
`doc._.places` is computed when first read. Texts are paragraphs of the
simplified view, so offsets are paragraph-relative and map 1:1 to the
normalized text.
"""
from __future__ import annotations

import io
import os
import tempfile
from functools import lru_cache
from pathlib import Path

import jieba
import jieba.posseg
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline import vocab
from pipeline.extract.numerals import find_numbers
from pipeline.extract.places import find_places
from pipeline.extract.quantities import build_quantities
from pipeline.extract.roles import Context, assign_roles

jieba.setLogLevel(60)  # its start-up chatter is not our output
UNKNOWN_TAG = "x"  # jieba's tag for what its dictionary does not know
DEFAULT_CONTEXT = Context(kind="report", in_article=False)

for _name in ("numbers", "quantities", "roles"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def text_of(doc: Doc) -> str:
    """doc.text, computed once: spaCy joins every token for each call."""
    if "text" not in doc.user_data:
        doc.user_data["text"] = doc.text
    return doc.user_data["text"]


def _places(doc: Doc) -> list:
    """Place names: the gazetteer, suffix rules, and the place tag of the doc's words. Read only in reports."""
    if "places" not in doc.user_data:
        doc.user_data["places"] = find_places(text_of(doc), [(t.idx, t.text, t.tag_) for t in doc])
    return doc.user_data["places"]


def places_in(text: str) -> list:
    """Places of a text (simplified view) that is not otherwise segmented."""
    tags = word_tags()
    words = tokenizer().tokenize(text)
    return find_places(text, [(start, word, tags.get(word, UNKNOWN_TAG)) for word, start, _ in words])


if not Doc.has_extension("places"):
    Doc.set_extension("places", getter=_places)


@Language.component("grain_word_tags")
def grain_word_tags(doc: Doc) -> Doc:
    """Each word's part of speech from jieba's dictionary and the lexicon (ns place, n noun …)."""
    tags = word_tags()
    for token in doc:
        token.tag_ = tags.get(token.text, UNKNOWN_TAG)
    return doc


@Language.component("grain_numbers")
def grain_numbers(doc: Doc) -> Doc:
    """Numbers with offsets (ordinals, dates and numeral idioms left out), unless already given."""
    if doc._.numbers is None:
        doc._.numbers = find_numbers(text_of(doc))
    return doc


def with_numbers(text: str, numbers: list, segmenter: str = "jieba", context: Context | None = None) -> Doc:
    """A segmented doc of `text` whose numbers are already known (see `grain_numbers`), read in `context`
    (the document's kind and whether the paragraph is inside an article; see `grain_roles`)."""
    doc = nlp(segmenter).make_doc(text)
    doc.user_data["text"] = text  # see text_of
    doc.user_data["context"] = context or DEFAULT_CONTEXT
    doc._.numbers = numbers
    return doc


@Language.component("grain_quantities")
def grain_quantities(doc: Doc) -> Doc:
    """Numbers joined with units, ranges and qualifiers."""
    doc._.quantities = build_quantities(text_of(doc), doc._.numbers or [])
    return doc


@Language.component("grain_roles")
def grain_roles(doc: Doc) -> Doc:
    """Each quantity's role (standard, fact, left out) from its sentence, in the paragraph's context."""
    doc._.roles = assign_roles(text_of(doc), doc._.quantities or [], doc.user_data.get("context", DEFAULT_CONTEXT))
    return doc


def _cache_file() -> str:
    folder = Path(os.environ.get("PIPELINE_CACHE", Path(tempfile.gettempdir()) / f"grain-pipeline-{os.getuid()}"))
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / "jieba.cache")


@lru_cache(maxsize=1)
def tokenizer() -> jieba.Tokenizer:
    tok = jieba.Tokenizer()
    tok.cache_file = _cache_file()
    lines = [f"{vocab.simplified(e['word'])} {e.get('freq', 1000)} {e.get('tag', 'n')}"
             for e in vocab.load("lexicon")["words"]]
    tok.load_userdict(io.StringIO("\n".join(lines)))
    return tok


@lru_cache(maxsize=65536)
def tagged_words(text: str) -> tuple[tuple[str, str], ...]:
    """jieba's words of a short text, each tagged from its dictionary and the lexicon (no HMM: fast, and
    enough to tell the nouns and verbs around a number). The same few characters recur: kept."""
    tags = word_tags()
    return tuple((w, tags.get(w, UNKNOWN_TAG)) for w in tokenizer().lcut(text, HMM=False))


@lru_cache(maxsize=1)
def pos_tokenizer() -> jieba.posseg.POSTokenizer:
    return jieba.posseg.POSTokenizer(tokenizer())


@lru_cache(maxsize=1)
def word_tags() -> dict[str, str]:
    """jieba's part-of-speech dictionary, with the lexicon's tags merged in."""
    tagger = pos_tokenizer()
    tagger.makesure_userdict_loaded()
    return tagger.word_tag_tab


SEGMENTERS = ("jieba", "char")


@lru_cache(maxsize=len(SEGMENTERS))
def nlp(segmenter: str = "jieba") -> Language:
    """The pipeline for `segmenter` (jieba words, or spaCy's characters), built once per process."""
    if segmenter not in SEGMENTERS:
        raise ValueError(f"unknown segmenter {segmenter!r}; one of {SEGMENTERS}")
    pipeline = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": segmenter}}})
    names = ["grain_numbers", "grain_quantities", "grain_roles"]
    if segmenter == "jieba":
        pipeline.tokenizer.jieba_seg = tokenizer()
        names.insert(0, "grain_word_tags")
    for name in names:
        pipeline.add_pipe(name)
    return pipeline
