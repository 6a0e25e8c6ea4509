from collections import Counter

import pytest

from pipeline.build import structure_file
from pipeline.ingest.model import Metadata, Region, SourceDocument
from pipeline.normalize import normalize
from pipeline.structure import structure
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def jiangxi():
    return structure_file(CORPUS / "003_b69152d1adbf7c19.txt")


@pytest.fixture(scope="module")
def share_fund():
    return structure_file(CORPUS / "002_f63fa80ed67a2d57.txt")


@pytest.fixture(scope="module")
def news():
    return structure_file(CORPUS / "000_7c73fe4ff602b772.txt")


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
    again = structure_file(CORPUS / "003_b69152d1adbf7c19.txt")
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


def test_a_first_article_misread_as_the_second_is_the_first():
    """第二條 … 第二條 … 第三條: a recogniser read 一 as 二 in the first number (a stroke the ink thickened)."""
    sd = _doc("第二條 甲。\n\n（一）子。\n\n第二條 乙。\n\n第三條 丙。")
    arts = of_kind(sd, "article")
    assert [a.number for a in arts] == [1, 2, 3]
    assert "misprinted_number" in arts[0].flags and not arts[1].flags
    assert sd.enclosing(of_kind(sd, "item")[0].unit_id, "article").number == 1


@pytest.mark.parametrize("damaged", ["円、國家向缺糧戶供應糧食。", "四國家向缺糧戶供應糧食。"])
def test_an_article_whose_number_a_scan_garbled_fills_the_gap(damaged):
    """三、 … 円、 (or 四 with its 、 lost) … 五、: the one paragraph between two articles whose numbers skip one,
    opening with a garbled mark, is the missing article, flagged as damaged; a list of words (豬、羊、) or a count
    (四個縣) is none."""
    sd = _doc(f"一、甲。\n\n二、乙。\n\n三、丙。\n\n豬、羊、兔都可以飼養。\n\n四個縣先試行。\n\n{damaged}\n\n五、戊。")
    arts = of_kind(sd, "article")
    assert [a.number for a in arts] == [1, 2, 3, 4, 5]
    assert arts[3].flags == ["damaged_marker", "ocr_suspect"] and not arts[4].flags
    assert arts[3].number_text == damaged[:2].rstrip("國")


def test_a_gap_with_no_garbled_mark_stays_a_gap():
    sd = _doc("一、甲。\n\n二、乙。\n\n豬、羊、兔都可以飼養。\n\n四個縣先試行。\n\n四、丁。")
    assert [a.number for a in of_kind(sd, "article")] == [1, 2, 4]


def test_repeated_numbers_get_suffixes():
    sd = _doc("第一條 甲。\n\n（一）子。\n\n（一）丑。")
    assert [u.unit_id for u in of_kind(sd, "item")] == ["art_1__item_1", "art_1__item_1_2"]


def test_text_numbered_with_enumeration_commas():
    sd = _doc("前言一段。\n\n一、甲項規定。\n\n二、乙項規定。\n\n三、丙項規定。")
    assert [a.number for a in of_kind(sd, "article")] == [1, 2, 3]
    assert of_kind(sd, "preamble")


# -- period layouts: constructs written for these tests ------------------------------------------

def _md(text):
    """A Markdown-ish text as the reader gives it: a title line, then the body."""
    from pipeline.ingest.layouts import READERS

    layout = READERS["markdown"].read(text)
    return structure(normalize(SourceDocument("d", "d.md", text, "utf-8", "markdown", layout.regions,
                                              layout.metadata, "0" * 64)))


def items_per_article(sd):
    return dict(Counter(sd.enclosing(u.unit_id, "article").number for u in of_kind(sd, "item")))


def test_markdown_headings_number_the_articles_and_1_dot_the_items():
    sd = _md("# 某县食堂管理办法\n\n## 一、组织\n\n食堂必须建立制度。\n\n1．一般每10天开会1次。\n\n"
             "2．委员5至7人。\n\n## 二、管理\n\n1．按月公布账目。\n")
    assert [(a.number, a.heading) for a in of_kind(sd, "article")] == [(1, "组织"), (2, "管理")]
    assert items_per_article(sd) == {1: 2, 2: 1}


def test_plain_han_numbered_titles_number_the_articles_and_1_dunhao_the_items():
    """A text without Markdown (a plain copy, a recognised scan): 一、 titles with 1、 provisions under each. The 1、
    paragraphs restart under every title: they are the items, and 一、 the articles."""
    sd = _md("# 某省手工业合作社若干问题的意见\n\n一、组织问题\n\n1、各县设手工业科。\n\n2、联社不经营业务。\n\n"
             "二、供销问题\n\n为了便于生产，提出如下意见：\n\n1、原料可以自购。\n\n2、产品可以自销。\n\n"
             "3、季节性储备由商业部门负责。\n")
    assert [a.number for a in of_kind(sd, "article")] == [1, 2]
    assert items_per_article(sd) == {1: 2, 2: 3}


def test_paragraphs_numbered_1_dunhao_alone_are_the_articles():
    sd = _md("# 某县粮食供应暂行办法\n\n1、城镇居民按月供应。\n\n2、农村缺粮户凭证购买。\n\n"
             "3、本办法自公布之日起施行。\n")
    assert [a.number for a in of_kind(sd, "article")] == [1, 2, 3]


def test_a_table_of_contents_is_not_a_second_set_of_chapters():
    sd = _md("# 某某条例\n\n第一章 总则\n\n第二章 管理\n\n## 第一章 总则\n\n一、甲项。\n\n二、乙项。\n\n"
             "## 第二章 管理\n\n三、丙项。\n")
    assert [u.heading for u in of_kind(sd, "toc")] == ["总则", "管理"]
    chapters = {c.unit_id: c.number for c in of_kind(sd, "chapter")}
    assert sorted(chapters.values()) == [1, 2]
    assert [(chapters[a.parent_id], a.number) for a in of_kind(sd, "article")] == [(1, 1), (1, 2), (2, 3)]


def test_numbers_misprinted_or_in_the_wrong_marker_are_read_from_the_sequence():
    sd = _doc("一、甲项。\n\n二、乙项。\n\n十二、丙项。\n\n四、丁项。\n\n（五、戊项。）\n\n六、己项。\n\n（七）庚项。")
    arts = of_kind(sd, "article")
    assert [a.number for a in arts] == [1, 2, 3, 4, 5, 6, 7]
    assert "misprinted_number" in arts[2].flags and arts[2].number_text == "十二、"
    assert "marker_in_brackets" in arts[4].flags and "marker_of_another_family" in arts[6].flags


def test_a_heading_run_into_its_first_sentence():
    sd = _doc("第九条按照规定办理。\n\n第十条本办法自公布之日起施行。")
    assert [a.number for a in of_kind(sd, "article")] == [9, 10]


def test_items_run_on_inside_a_paragraph():
    sd = _doc("一、总的原则。\n\n二、控制数字的规定如下：（甲）大区由政务院规定。（乙）省由大区规定。（丙）县由省规定。"
              "\n\n三、三大纪律是：（一）如实反映。（二）执行政策。")
    assert items_per_article(sd) == {2: 3, 3: 2}
    item = next(u for u in of_kind(sd, "item") if u.number == 2 and sd.enclosing(u.unit_id, "article").number == 2)
    assert sd.normalized.text[item.start:item.end] == "（乙）省由大区规定。"


def test_a_closing_paragraph_is_not_part_of_the_last_article():
    sd = _doc("前言。\n\n一、甲项。\n\n二、乙项。\n\n乙项的第二款。\n\n以上各项，应即遵照执行。")
    last = of_kind(sd, "article")[-1]
    paras = [u for u in sd.units if u.parent_id == last.unit_id and u.kind == "paragraph"]
    assert len(paras) == 2  # 乙项 and its second paragraph, not the closing one
    closing = next(u for u in of_kind(sd, "paragraph") if sd.normalized.text[u.start:u.end].startswith("以上"))
    assert closing.parent_id is None


def test_cover_note_attached_title_dateline_footnotes_and_a_sentence_marked_as_heading():
    sd = _md("# 某省委转发《某某办法》\n\n现将某某办法转发你们参考执行。\n\n（附：）\n\n## 某某办法\n\n"
             "## （1960年5月17日）\n\n为了办好食堂，特拟定本办法。\n\n## 一、组织\n\n食堂实行民主管理。\n\n"
             "## 规模较小的食堂，可以只设一个管理员，由社员选举产生。\n\n## 二、财务\n\n账目按月公布。\n\n注释\n\n"
             "〔1〕本件附表从略。\n\n来源：根据档案材料打印\n")
    assert [s.heading for s in of_kind(sd, "section")] == ["某某办法"]
    assert [b.heading for b in of_kind(sd, "byline")] == ["（1960年5月17日）"]
    art1 = of_kind(sd, "article")[0]
    sentence = next(u for u in sd.units if sd.normalized.text[u.start:u.end].startswith("##规模较小"))
    assert sd.enclosing(sentence.unit_id, "article") is art1
    notes = of_kind(sd, "note")
    assert [n.unit_id for n in notes] == ["notes_1", "notes_1__fn_1"]
    assert [u.kind for u in sd.units][-1] == "source"


def test_a_table_flattened_onto_one_line_is_a_table():
    sd = _doc("说明一段。\n\n项目 1952年 1957年   粮食 100.5 120.0   棉花 20.1 30.2   油料 5.5 6.0\n\n注：单位万吨。")
    (table,) = of_kind(sd, "table")
    assert "\t" in sd.normalized.text[table.start:table.end]  # rows kept apart


def test_markers_of_another_family_inside_an_item_are_its_subitems():
    sd = _doc("一、甲。\n\n（一）子项。\n\n1．细目。\n\n2．细目。\n\n（二）丑项。\n\n二、乙。\n\n（一）寅项。")
    assert items_per_article(sd) == {1: 2, 2: 1}
    subs = of_kind(sd, "subitem")
    assert [(u.number, sd.unit(u.parent_id).number) for u in subs] == [(1, 1), (2, 1)]


def test_points_of_an_argument_run_on_inside_a_paragraph():
    sd = _doc("一、关于定量。\n\n定量过宽，应当调整：第一，城镇居民降低一斤；第二，职工不变。\n\n二、其他。")
    points = of_kind(sd, "point")
    assert [p.number for p in points] == [1, 2]
    assert sd.normalized.text[points[1].start:points[1].end] == "第二，职工不变。"
    assert all(sd.enclosing(p.unit_id, "article").number == 1 for p in points)



def test_numbered_headings_over_tiao_articles_are_chapters():
    sd = _md("# 某县粮食管理制度\n\n前言一段。\n\n## 一、民主管理\n\n第一条 建立委员会。\n\n## 二、分配\n\n"
             "第二条 口粮按月发放。\n\n第三条 种子留足。\n\n## 三、组织领导\n\n第四条 设干部一人。\n")
    chapters = {c.unit_id: (c.number, c.heading) for c in of_kind(sd, "chapter")}
    assert sorted(chapters.values()) == [(1, "民主管理"), (2, "分配"), (3, "组织领导")]
    arts = {a.number: chapters[a.parent_id][0] for a in of_kind(sd, "article")}
    assert arts == {1: 1, 2: 2, 3: 2, 4: 3}


def test_numbered_headings_without_articles_under_them_stay_articles():
    sd = _md("# 某县办法\n\n## 一、组织\n\n食堂必须建立制度。\n\n## 二、管理\n\n按月公布账目。\n")
    assert not of_kind(sd, "chapter") and [a.number for a in of_kind(sd, "article")] == [1, 2]



@pytest.mark.parametrize("marks", [("一", "二"), ("壹", "贰"), ("（一）", "（二）")])
def test_numbered_title_lines_over_articles_are_their_chapters(marks):
    """一、总则 … 二、供应 as short lines of their own (no heading mark) above 第N条 articles head them."""
    a, b = (m if m.startswith("（") else m + "、" for m in marks)
    sd = _doc(f"# 某县粮食供应办法\n\n{a}总则\n\n第一条 本办法所称口粮，每人每年四百斤。\n\n{b}供应\n\n"
              "第二条 缺粮户的口粮标准，每人每年不得超过四百二十斤。\n\n第三条 种子每亩十斤。\n")
    chapters = of_kind(sd, "chapter")
    assert [u.number for u in chapters] == [1, 2]
    arts = of_kind(sd, "article")
    assert [u.parent_id for u in arts] == [chapters[0].unit_id, chapters[1].unit_id, chapters[1].unit_id]


def test_numbered_provisions_that_are_sentences_are_no_chapters():
    sd = _doc("# 某县粮食供应办法\n\n一、口粮标准，每人每年四百斤。\n\n第一条 本办法所称口粮。\n\n"
              "二、种子每亩十斤，不得超过。\n\n第二条 缺粮户的口粮标准另定。\n")
    assert of_kind(sd, "chapter") == []


def test_heavenly_stems_with_a_dunhao_number_items_but_two_parties_do_not():
    """甲、乙、丙、 open items as （甲）（乙） do, on lines of their own or run on after a colon; 甲、乙双方 names two
    parties."""
    sd = _doc("第一条　留粮标准如下：\n甲、口粮：每人每年四百四十斤。\n乙、种子：每亩十斤。\n"
              "丙、饲料：每头每年一百五十斤。")
    assert [(i.number, i.parent_id) for i in of_kind(sd, "item")] == [(1, "art_1"), (2, "art_1"), (3, "art_1")]
    sd = _doc("第一条　甲、乙双方共同负责。")
    assert of_kind(sd, "item") == []
