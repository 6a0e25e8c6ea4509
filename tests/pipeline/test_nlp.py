"""The language pipelines: what each segmenter gives, and that extraction does not depend on the choice."""
from pathlib import Path

import pytest

from pipeline.build import structure_file
from pipeline.extract.nlp import nlp, places_in

ROOT = Path(__file__).resolve().parents[2]
TEXTS = sorted((ROOT / "corpus").glob("*.txt")) + sorted((ROOT / "tests/data/period").glob("*.txt"))


def chinese_paragraphs() -> list[str]:
    out = []
    for path in TEXTS:
        nd = structure_file(path).normalized
        out += [nd.simplified[p.start:p.end] for p in nd.paragraphs if p.language == "zh"]
    return out


def test_char_segmenter_gives_one_token_per_character():
    doc = nlp("char")("口粮每人四百八十斤")
    assert [t.text for t in doc] == list("口粮每人四百八十斤")


def test_jieba_segmenter_gives_words_tagged_from_the_dictionary_and_lexicon():
    doc = nlp("jieba")("余粮户的口粮每人四百八十斤")
    words = {t.text: t.tag_ for t in doc}
    assert words["余粮户"] == "n"  # a lexicon word kept whole, with the lexicon's tag
    assert words["口粮"] == "n"
    assert words["每人"] == "r"  # jieba's own dictionary


def test_quantities_do_not_depend_on_the_segmenter():
    """Rules are read through the char segmenter, reports through jieba: both must see the same numbers."""
    paragraphs = chinese_paragraphs()
    assert len(paragraphs) > 100
    seen = 0
    for text in paragraphs:
        char, words = nlp("char")(text), nlp("jieba")(text)
        assert char._.quantities == words._.quantities, text
        seen += bool(char._.quantities)
    assert seen > 30


@pytest.mark.parametrize("name", ["呼和浩特", "牡丹江", "乌鲁木齐"])
def test_a_place_only_jiebas_dictionary_knows_is_found_from_the_word_tags(name):
    text = f"{name}今年增产粮食三千斤，"
    from_doc = [p.name for p in nlp("jieba")(text)._.places]
    from_text = [p.name for p in places_in(text)]
    assert from_doc == from_text == [name]


def test_short_dictionary_place_words_are_not_trusted():
    assert [p.name for p in places_in("入春以后增产粮食三千斤")] == []


def test_unknown_segmenter_is_refused():
    with pytest.raises(ValueError, match="segmenter"):
        nlp("pkuseg")


@pytest.mark.parametrize("segmenter", ["jieba", "char"])
def test_the_docs_made_without_spacys_alignment_pass_are_the_docs_it_makes(segmenter):
    """A text without white space becomes a doc directly (words, no spaces after them); spaCy's alignment
    (`get_words_and_spaces`), kept for texts with white space, gives the same tokens, spaces and tags."""
    from spacy.tokens import Doc
    from spacy.util import get_words_and_spaces

    from pipeline.extract.segmenter import segmenter as words_of

    pipeline = nlp(segmenter)
    texts = chinese_paragraphs() + ["口粮 每人 四百八十斤", "  两边有空格  ", "全角\u3000空格", ""]
    assert any(" " in t for t in texts) and any(" " not in t for t in texts)
    for text in texts:
        fast = pipeline.make_doc(text)
        tagged = words_of().tagged(text) if segmenter == "jieba" else [(c, "") for c in text]
        words, spaces = get_words_and_spaces([w for w, _ in tagged if w], text)
        tag_of = dict(tagged)
        aligned = Doc(pipeline.vocab, words=words, spaces=spaces,
                      tags=[tag_of.get(w) or "x" for w in words] if segmenter == "jieba" else None)
        assert [(t.text, t.whitespace_, t.tag_) for t in fast] == [(t.text, t.whitespace_, t.tag_) for t in aligned]
        assert fast.text == text


def test_places_are_the_same_looked_up_one_name_at_a_time():
    """The gazetteer's names are searched only where they occur (`name in text`): the same places as
    searching every name everywhere (a text that claims to hold every name)."""
    from pipeline.extract.places import find_places

    class HoldsEverything(str):
        def __contains__(self, _: object) -> bool:
            return True

    found = 0
    for text in chinese_paragraphs():
        places = find_places(text)
        assert places == find_places(HoldsEverything(text)), text
        found += len(places)
    assert found > 5
