from collections import Counter

import pytest

from pipeline.build import process
from pipeline.ingest.model import Metadata, Region, SourceDocument
from pipeline.normalize import normalize
from pipeline.structure import structure
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def jiangxi():
    return process(CORPUS / "003_b69152d1adbf7c19.txt")


@pytest.fixture(scope="module")
def share_fund():
    return process(CORPUS / "002_f63fa80ed67a2d57.txt")


@pytest.fixture(scope="module")
def news():
    return process(CORPUS / "000_7c73fe4ff602b772.txt")


def of_kind(sd, kind):
    return [u for u in sd.units if u.kind == kind]


def test_jiangxi_chapters_and_articles(jiangxi):
    chapters = of_kind(jiangxi, "chapter")
    assert [(c.number, c.heading) for c in chapters] == [
        (1, "總則"), (2, "定產"), (3, "定購"), (4, "定銷"), (5, "產、購、銷數字的調整"), (6, "附則")]
    arts = of_kind(jiangxi, "article")
    assert [a.number for a in arts] == list(range(1, 28))
    assert jiangxi.unit("chp_3__art_9").parent_id == "chp_3"


def test_jiangxi_items_notes_table(jiangxi):
    items = Counter(jiangxi.enclosing(u.unit_id, "article").number for u in of_kind(jiangxi, "item"))
    assert {a: items[a] for a in (6, 8, 9, 11, 17)} == {6: 5, 8: 8, 9: 3, 11: 5, 17: 6}
    damaged = jiangxi.unit("chp_2__art_8__item_8")  # printed 介勸: an OCR'd （八）
    assert damaged.number_text == "介勸" and "damaged_marker" in damaged.flags
    assert jiangxi.normalized.text[damaged.start:damaged.end].startswith("介勸租佃田地")
    assert jiangxi.unit("chp_2__art_8__item_7").end == damaged.start
    notes = [jiangxi.enclosing(u.unit_id, "article").number for u in of_kind(jiangxi, "note")]
    assert notes == [6, 7]
    table = jiangxi.unit("chp_2__art_7__table_1")
    assert "大 麥" in jiangxi.normalized.text[table.start:table.end]
    assert [u.unit_id for u in of_kind(jiangxi, "paragraph") if u.parent_id == "chp_3__art_9"] == [
        "chp_3__art_9__para_1", "chp_3__art_9__para_2"]


def test_share_fund_articles_paragraphs_and_translation(share_fund):
    arts = of_kind(share_fund, "article")
    assert [a.unit_id for a in arts] == [f"art_{n}" for n in range(1, 7)]
    assert [u.number for u in of_kind(share_fund, "paragraph") if u.parent_id == "art_5"] == [1, 2, 3]
    en = {u.number: u.aligned_unit_id for u in of_kind(share_fund, "translation") if u.parent_id is None
          and u.unit_id.startswith("en__art")}
    assert en == {n: f"art_{n}" for n in range(1, 7)}
    assert of_kind(share_fund, "preamble") and len(of_kind(share_fund, "procedure")) == 2


def test_news_headlines_paragraphs_bylines(news):
    assert len(of_kind(news, "headline")) == 2
    assert len(of_kind(news, "paragraph")) == 6
    assert len(of_kind(news, "byline")) == 1
    aligned = [u.aligned_unit_id for u in of_kind(news, "translation") if u.unit_id.startswith("en__para")]
    assert aligned == [f"para_{n}" for n in range(1, 7)]


def test_unit_ids_are_unique_and_stable(jiangxi):
    ids = [u.unit_id for u in jiangxi.units]
    assert len(ids) == len(set(ids))
    again = process(CORPUS / "003_b69152d1adbf7c19.txt")
    assert ids == [u.unit_id for u in again.units]


def _doc(text):
    return structure(normalize(SourceDocument("d", "d.txt", text, "utf-8", "plain",
                                              [Region("body", 0, len(text))], Metadata(), "0" * 64)))


def test_misprinted_and_out_of_sequence_numbers_are_flagged_not_dropped():
    sd = _doc("第十九條 甲。\n\n第二十-条 乙。\n\n第二十二條 丙。")
    arts = of_kind(sd, "article")
    assert [a.number for a in arts] == [19, 20, 22]
    assert "misprinted_number" in arts[1].flags
    assert "number_out_of_sequence" in arts[2].flags


def test_repeated_numbers_get_suffixes():
    sd = _doc("第一條 甲。\n\n（一）子。\n\n（一）丑。")
    assert [u.unit_id for u in of_kind(sd, "item")] == ["art_1__item_1", "art_1__item_1_2"]


def test_text_numbered_with_enumeration_commas():
    sd = _doc("前言一段。\n\n一、甲項規定。\n\n二、乙項規定。\n\n三、丙項規定。")
    assert [a.number for a in of_kind(sd, "article")] == [1, 2, 3]
    assert of_kind(sd, "preamble")
