"""The language pipeline: spaCy's blank Chinese model with a project-local jieba.

    spacy.blank("zh", segmenter=jieba) → grain_numbers → grain_quantities   (+ doc._.places on demand)

jieba is initialised once per process with the domain words of
schemas/lexicon.yaml, in its own `jieba.Tokenizer` (the global default
tokenizer is never changed) and with its cache in a private file. Components
put their results on Doc extensions: `doc._.numbers`, `doc._.quantities`;
`doc._.places` is computed when first read. Texts are paragraphs of the simplified view, so offsets are
paragraph-relative and map 1:1 to the normalized text.
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

jieba.setLogLevel(60)  # its start-up chatter is not our output

for _name in ("numbers", "quantities"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def text_of(doc: Doc) -> str:
    """doc.text, computed once: spaCy joins every token for each call."""
    if "text" not in doc.user_data:
        doc.user_data["text"] = doc.text
    return doc.user_data["text"]


def _places(doc: Doc) -> list:
    """Place names: the gazetteer, suffix rules, and jieba's place tag.

    A getter, not a component: part-of-speech tagging is the costliest step,
    and only report paragraphs (facts) need places, so it runs only when asked.
    """
    if "places" not in doc.user_data:
        doc.user_data["places"] = places_in(text_of(doc))
    return doc.user_data["places"]


def places_in(text: str) -> list:
    """Places of a text (simplified view) with jieba's part-of-speech tags as a further source."""
    return find_places(text, [(w.word, w.flag) for w in pos_tokenizer().cut(text)])


if not Doc.has_extension("places"):
    Doc.set_extension("places", getter=_places)


@Language.component("grain_numbers")
def grain_numbers(doc: Doc) -> Doc:
    """Numbers with offsets (ordinals, dates and numeral idioms left out), unless already given."""
    if doc._.numbers is None:
        doc._.numbers = find_numbers(text_of(doc))
    return doc


def with_numbers(text: str, numbers: list) -> Doc:
    """A segmented doc of `text` whose numbers are already known (see `grain_numbers`)."""
    doc = nlp().make_doc(text)
    doc._.numbers = numbers
    return doc


@Language.component("grain_quantities")
def grain_quantities(doc: Doc) -> Doc:
    """Numbers joined with units, ranges and qualifiers."""
    doc._.quantities = build_quantities(text_of(doc), doc._.numbers or [])
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


@lru_cache(maxsize=1)
def pos_tokenizer() -> jieba.posseg.POSTokenizer:
    return jieba.posseg.POSTokenizer(tokenizer())


@lru_cache(maxsize=1)
def nlp() -> Language:
    """The pipeline, built once per process."""
    pipeline = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    pipeline.tokenizer.jieba_seg = tokenizer()
    for name in ("grain_numbers", "grain_quantities"):
        pipeline.add_pipe(name)
    return pipeline
