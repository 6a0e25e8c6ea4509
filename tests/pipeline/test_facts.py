import pytest

from pipeline.build import structure_file
from pipeline.extract import extract
from pipeline.ingest.model import Metadata, Region, SourceDocument
from pipeline.normalize import normalize
from pipeline.structure import structure
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def news_facts():
    return extract(structure_file(CORPUS / "000_7c73fe4ff602b772.txt")).facts


def test_chinese_facts_with_qualifiers_places_subjects(news_facts):
    zh = [(f.value, f.qualifier, f.unit, f.place) for f in news_facts if f.language == "zh"]
    assert zh[:4] == [(12500, "more_than", "个", "江苏省"), (8000, "exact", "个", "江苏省"),
                      (66000, "more_than", "个", "江苏省"), (110, "exact", "个", "盐城")]
    assert (400000, "nearly", "农户", "长治专区") in zh and (20.2, "exact", "%", "长治专区") in zh
    subjects = {f.value: f.subject for f in news_facts if f.language == "zh"}
    assert subjects[12500] == "农业生产合作社" and subjects[22000] == "互助组" and subjects[110] == "干部"


def test_headline_figures_are_not_facts(news_facts):
    assert 12000 not in {f.value for f in news_facts}


def test_english_facts_match_the_chinese(news_facts):
    en = [f for f in news_facts if f.language == "en"]
    assert len(en) == 15 and all(f.matched_fact_id for f in en)
    assert all("translation_mismatch" not in f.flags for f in en)
    ids = {f.fact_id: f for f in news_facts}
    for f in en:
        assert ids[f.matched_fact_id].value == f.value
    assert {f.qualifier for f in en if f.value == 400000} == {"nearly"}


def test_a_mismatched_translation_is_flagged():
    text = ("今年全县共建社一百二十个。\n\nThis year the county set up 150 cooperatives.")
    zh_end = text.index("\n")
    doc = SourceDocument("d", "d.txt", text, "utf-8", "plain",
                         [Region("body", 0, zh_end), Region("translation", zh_end + 2, len(text), "en")],
                         Metadata(), "0" * 64)
    facts = extract(structure(normalize(doc))).facts
    en = next(f for f in facts if f.language == "en")
    zh = next(f for f in facts if f.language == "zh")
    assert en.value == 150 and "translation_mismatch" in en.flags
    assert "not_in_translation" in zh.flags


def test_the_translation_of_a_rule_relayed_in_the_news_is_no_fact():
    """News relays a rule and reports a figure; its translation renders both. The rule's number is the
    standard's, not an English fact; the figure's is matched to its Chinese fact."""
    text = ("国务院规定：农业税的平均税率为常年产量的百分之十五点五。去年全国征收农业税三百八十亿斤。\n\n"
            "The State Council provides that the average rate shall be 15.5 per cent of the normal yield. Last year"
            " the agricultural tax collected amounted to 38,000 million catties.")
    zh_end = text.index("\n")
    doc = SourceDocument("d", "d.txt", text, "utf-8", "plain",
                         [Region("body", 0, zh_end), Region("translation", zh_end + 2, len(text), "en")],
                         Metadata(kind="news"), "0" * 64)
    ex = extract(structure(normalize(doc)))
    assert [s.value_min for s in ex.standards] == [15.5]
    en = [f for f in ex.facts if f.language == "en"]
    assert [f.value for f in en] == [3.8e10] and en[0].matched_fact_id and not en[0].flags
