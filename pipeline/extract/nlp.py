"""The language pipelines: spaCy's blank Chinese model, segmenting only what extraction reads.

    nlp("jieba") = spacy.blank("zh") + WordTokenizer (words and tags) → grain_numbers → grain_quantities
                                                                          → grain_roles
    nlp("char")  = spacy.blank("zh") (characters)  →                  grain_numbers → grain_quantities
                                                                          → grain_roles
    (+ doc._.places on demand)

Places are read only where statistics may stand (outside the articles of a
regulation), so only those paragraphs are segmented by jieba; the articles of a
regulation are read from their numbers and the vocabulary around them, which
needs no segmentation, so they get spaCy's one-token-per-character segmenter,
about five times cheaper than jieba (the subject of each number is read from
the few words around it). The words come from pipeline/extract/segmenter.py:
jieba's dictionary and HMM with the domain words of schemas/lexicon.yaml, run
by rjieba (jieba-rs) or, as the reference, by jieba itself. Each word is tagged
with its part of speech from jieba's dictionary (`token.tag_`), which is where
jieba's place tag comes from: a dictionary look-up, not a second segmentation
pass. Components put
their results on Doc extensions: `doc._.numbers`, `doc._.quantities`;
`doc._.places` is computed when first read. Texts are paragraphs of the
simplified view, so offsets are paragraph-relative and map 1:1 to the
normalized text.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import accumulate

import spacy
from spacy import util as spacy_util
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extract import segmenter as segmentation
from pipeline.extract.numerals import find_numbers
from pipeline.extract.places import find_places
from pipeline.extract.quantities import build_quantities
from pipeline.extract.roles import Context, assign_roles
from pipeline.extract.segmenter import UNKNOWN_TAG

DEFAULT_CONTEXT = Context(kind="report", in_article=False)
_SPACE = re.compile(r"\s")

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
        words = doc.user_data.get("words")  # (start, word, tag), kept by WordTokenizer
        if words is None:
            words = [(t.idx, t.text, t.tag_) for t in doc]
        doc.user_data["places"] = find_places(text_of(doc), words)
    return doc.user_data["places"]


def places_in(text: str) -> list:
    """Places of a text (simplified view) that is not otherwise segmented."""
    return find_places(text, _with_offsets(segmentation.segmenter().tagged(text)))


def _with_offsets(tagged: list[tuple[str, str]]) -> list[tuple[int, str, str]]:
    """(start, word, tag) of words that follow one another from offset 0."""
    if not tagged:
        return []
    words, tags = zip(*tagged, strict=True)
    return list(zip(accumulate(map(len, words[:-1]), initial=0), words, tags, strict=True))


if not Doc.has_extension("places"):
    Doc.set_extension("places", getter=_places)


class WordTokenizer:
    """spaCy's tokenizer for the jieba pipeline: the segmenter's words (pipeline/extract/segmenter.py) with
    their dictionary tags in one pass (`token.tag_`: ns place, n noun …). The words with their offsets
    stay on the doc (`doc.user_data["words"]`) for the place finder, which need not walk the tokens."""

    def __init__(self, vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        tagged = segmentation.segmenter().tagged(text)
        if _SPACE.search(text) is None:  # the words are the text, cut: nothing to align (the usual case)
            words, tags = [w for w, _ in tagged], [t for _, t in tagged]
            spaces = [False] * len(words)
        else:
            words, spaces = spacy_util.get_words_and_spaces([w for w, _ in tagged if w], text)
            tag_of = dict(tagged)  # a word's tag does not depend on where it stands
            tags = [tag_of.get(w, UNKNOWN_TAG) for w in words]
        doc = Doc(self.vocab, words=words, spaces=spaces, tags=tags)
        doc.user_data["text"] = text
        doc.user_data["words"] = _with_offsets(tagged)
        return doc


class CharTokenizer:
    """spaCy's character segmenter, without its alignment pass where the text holds no white space (each
    character a token, none followed by a space: what spaCy's own makes of such a text)."""

    def __init__(self, spacy_tokenizer) -> None:
        self.vocab = spacy_tokenizer.vocab
        self._spacy = spacy_tokenizer

    def __call__(self, text: str) -> Doc:
        if _SPACE.search(text) is not None:
            return self._spacy(text)
        return Doc(self.vocab, words=list(text), spaces=[False] * len(text))


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
    doc._.quantities = build_quantities(text_of(doc), doc._.numbers or [],
                                        doc.user_data.get("context", DEFAULT_CONTEXT).on)
    return doc


@Language.component("grain_roles")
def grain_roles(doc: Doc) -> Doc:
    """Each quantity's role (standard, fact, left out) from its sentence, in the paragraph's context."""
    doc._.roles = assign_roles(text_of(doc), doc._.quantities or [], doc.user_data.get("context", DEFAULT_CONTEXT))
    return doc


SEGMENTERS = ("jieba", "char")


@lru_cache(maxsize=len(SEGMENTERS))
def nlp(segmenter: str = "jieba") -> Language:
    """The pipeline for `segmenter` (jieba words, or spaCy's characters), built once per process."""
    if segmenter not in SEGMENTERS:
        raise ValueError(f"unknown segmenter {segmenter!r}; one of {SEGMENTERS}")
    # built with spaCy's character segmenter and then given ours: spacy.blank("zh", segmenter="jieba")
    # would load jieba's default dictionary only to have it replaced
    pipeline = spacy.blank("zh")
    if segmenter == "jieba":
        pipeline.tokenizer = WordTokenizer(pipeline.vocab)
    else:
        pipeline.tokenizer = CharTokenizer(pipeline.tokenizer)
    for name in ("grain_numbers", "grain_quantities", "grain_roles"):
        pipeline.add_pipe(name)
    return pipeline
