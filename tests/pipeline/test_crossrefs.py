import pytest

from pipeline.build import structure_file
from pipeline.ingest.model import Metadata, Region, SourceDocument
from pipeline.normalize import normalize
from pipeline.structure import structure
from pipeline.structure.crossrefs import cited_document
from tests.conftest import CORPUS

BODY = "\n\n".join([
    "第一章 總則",
    "第一條 根據國務院農村糧食統購統銷暫行辦法第四十條規定，特制定本細則。",
    "第二條 按照本細則第三章第九條和第四章第十七條的精神辦理。",
    "第三條 職工口糧應依照「市鎮糧食定量供應實施細則」第五條規定計留；飼料按照本細則第九條三款計留。",
    "第四條 口糧按本細則第九條二、三款的規定計算，並可以援引高級農業生產合作社示範章程第二十一條的規定。",
    "第五條 照第二條有關規定辦理，第一年不計。",
])


@pytest.fixture(scope="module")
def refs():
    sd = structure(normalize(SourceDocument("d", "d.txt", BODY, "utf-8", "plain", [Region("body", 0, len(BODY))],
                                            Metadata(), "0" * 64)))
    return sd.cross_references


def rows(refs):
    return [(r.from_article_no, r.kind, r.target_issuer, r.target_title, r.target_chapter_no, r.target_article_no,
             r.target_item_no) for r in refs]


def test_every_citation_form(refs):
    assert rows(refs) == [
        (1, "external", "國務院", "農村糧食統購統銷暫行辦法", None, 40, None),
        (2, "internal", None, None, 3, 9, None),
        (2, "internal", None, None, 4, 17, None),
        (3, "external", None, "市鎮糧食定量供應實施細則", None, 5, None),
        (3, "internal", None, None, None, 9, 3),
        (4, "internal", None, None, None, 9, 2),
        (4, "internal", None, None, None, 9, 3),
        (4, "external", None, "高級農業生產合作社示範章程", None, 21, None),
        (5, "internal", None, None, None, 2, None),
    ]


def test_internal_targets_resolve_to_units(refs):
    assert refs[4].target_unit_id is None  # 第九條 is not in this small text
    assert refs[8].target_unit_id == "chp_1__art_2"


def test_external_titles_resolve_across_scripts(refs):
    titles = {"高级农业生产合作社示范章程": "charter", "国务院农村粮食统购统销暂行办法": "measures"}
    by_title = {r.target_title: cited_document(r.target_title, titles) for r in refs if r.kind == "external"}
    assert by_title == {"農村糧食統購統銷暫行辦法": "measures", "市鎮糧食定量供應實施細則": None,
                        "高級農業生產合作社示範章程": "charter"}


def test_jiangxi_seed_citations():
    sd = structure_file(CORPUS / "003_b69152d1adbf7c19.txt")
    got = {(r.from_article_no, r.kind, r.target_article_no) for r in sd.cross_references}
    assert {(1, "external", 40), (2, "internal", 9), (2, "internal", 17), (10, "external", 5), (10, "internal", 9),
            (13, "internal", 10), (14, "internal", 7), (16, "internal", 17), (17, "external", 21),
            (17, "internal", 9)} <= got
    art_10 = next(r for r in sd.cross_references if r.from_article_no == 10 and r.kind == "internal")
    assert art_10.target_unit_id == "chp_3__art_9__item_3"


def test_provisions_numbered_with_commas_are_cited_as_items_and_draft_titles_are_titles():
    body = "\n\n".join([
        "一、土地归社公有，按照农业生产合作社示范章程草案第二十九条的规定处理。",
        "二、耕畜作价入社。",
        "三、新富农可以按第二项对于富裕中农的办法处理。",
        "四、依照本办法第九条第三项办理。",  # 第N条第M项 is an item of an article, not a provision
    ])
    sd = structure(normalize(SourceDocument("d", "d.txt", body, "utf-8", "plain", [Region("body", 0, len(body))],
                                            Metadata(), "0" * 64)))
    got = [(r.from_article_no, r.kind, r.target_title, r.target_article_no, r.target_item_no)
           for r in sd.cross_references]
    assert got == [(1, "external", "农业生产合作社示范章程草案", 29, None), (3, "internal", None, 2, None),
                   (4, "internal", None, 9, 3)]
    assert sd.cross_references[1].target_unit_id == "art_2"
