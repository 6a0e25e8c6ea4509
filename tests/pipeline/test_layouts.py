from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipeline.errors import PipelineError
from pipeline.ingest import read_document
from pipeline.ingest.layouts import choose
from tests.conftest import CORPUS

MARKDOWN = """# 某省農業生產合作社糧食分配暫行辦法

1956年3月1日

## 第一章 總則

第一條 為了做好分配工作，特制定本辦法。

第二條 每人每年口糧標準為四百斤至四百五十斤。
"""

PLAIN = """湖南省農村糧食統購統銷補充規定
一九五五年十月五日
發布機關:湖南省人民委員會
第一條 本規定根據國務院農村糧食統購統銷暫行辦法制定。
第二條 口糧標準每人每年四百五十斤。
"""


def test_peoples_daily_news_page():
    d = read_document(CORPUS / "000_7c73fe4ff602b772.txt")
    assert d.layout == "peoples_daily"
    m = d.metadata
    assert m.title.startswith("江苏省新建农业生产合作社一万二千多个")
    assert m.date == date(1954, 11, 11) and m.page == 2
    assert m.title_en.startswith("Jiangsu Province Establishes")
    assert m.languages == ["en", "zh"]
    kinds = [r.kind for r in d.regions]
    assert kinds.count("byline") == 2 and "translation" in kinds and "headline" in kinds


def test_peoples_daily_regulation_with_procedure_lines():
    d = read_document(CORPUS / "002_f63fa80ed67a2d57.txt")
    m = d.metadata
    assert (m.title, m.issuer, m.date) == ("国务院关于农业生产合作社股份基金的补充规定", "国务院", date(1958, 1, 10))
    assert (m.adopted, m.approved) == (date(1957, 12, 13), date(1958, 1, 6))
    assert d.script == "simplified"


def test_wikisource_page():
    d = read_document(CORPUS / "003_b69152d1adbf7c19.txt")
    assert d.layout == "wikisource" and d.script == "traditional"
    m = d.metadata
    assert (m.title, m.date, m.issuer) == ("江西省農村糧食統購統銷實施細則", date(1955, 9, 20), "江西省人民委員會")
    footer = next(r for r in d.regions if r.kind == "footer")
    assert "公有領域" in d.text[footer.start:footer.end]
    body = next(r for r in d.regions if r.kind == "body")
    assert d.text[body.start:body.end].startswith("第一章")


def test_markdown_text(tmp_path: Path):
    f = tmp_path / "md.md"
    f.write_text(MARKDOWN, encoding="utf-8")
    d = read_document(f)
    assert d.layout == "markdown"
    assert d.metadata.title == "某省農業生產合作社糧食分配暫行辦法"
    assert d.metadata.date == date(1956, 3, 1)


def test_plain_text_with_chinese_date_and_issuer(tmp_path: Path):
    f = tmp_path / "plain.txt"
    f.write_text(PLAIN, encoding="utf-8")
    d = read_document(f)
    assert d.layout == "plain"
    assert d.metadata.title == "湖南省農村糧食統購統銷補充規定"
    assert d.metadata.date == date(1955, 10, 5)
    assert d.metadata.issuer == "湖南省人民委員會"


def test_a_plain_text_with_an_english_rendering_reads_it_as_a_translation(tmp_path: Path):
    """Lines of Latin script beside a Chinese text are its translation: their numbers become English facts matched
    to the Chinese ones, never Chinese numbers (1957 read as a statistic)."""
    from pipeline.build import structure_file
    from pipeline.extract import extract

    f = tmp_path / "news.txt"
    f.write_text("某省今年收購糧食的消息\n\n　　一九五七年全省收購糧食三十八億斤，佔總產量的百分之二十。\n\n"
                 "In 1957 the province purchased 3,800 million catties of grain, 20 per cent of its output.\n",
                 encoding="utf-8")
    d = read_document(f)
    assert d.metadata.languages == ["en", "zh"]
    assert [r.kind for r in d.regions if r.language == "en"] == ["translation"]
    rows = extract(structure_file(f))
    assert sorted((x.language, x.value) for x in rows.facts) == [("en", 20), ("en", 3.8e9), ("zh", 20), ("zh", 3.8e9)]


def test_sidecar_overrides_and_is_recorded(tmp_path: Path):
    f = tmp_path / "plain.txt"
    f.write_text(PLAIN, encoding="utf-8")
    (tmp_path / "plain.meta.yaml").write_text("title: 另一個標題\ndate: 1955-11-01\n", encoding="utf-8")
    d = read_document(f)
    assert d.metadata.title == "另一個標題" and d.metadata.date == date(1955, 11, 1)
    assert d.metadata_sources["title"] == "sidecar" and d.metadata_sources["issuer"] == "plain"


def test_bad_sidecar_names_the_sidecar(tmp_path: Path):
    from pipeline.errors import InputError

    f = tmp_path / "plain.txt"
    f.write_text(PLAIN, encoding="utf-8")
    (tmp_path / "plain.meta.yaml").write_text("titel: x\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_document(f)
    assert "plain.meta.yaml" in str(exc.value) and "titel" in str(exc.value)


@pytest.mark.parametrize("name, text", [("markdown", MARKDOWN), ("plain", PLAIN)])
def test_layout_is_chosen_from_content_not_name(name, text):
    assert choose(text).name == name


@pytest.mark.parametrize("title, text, kind", [
    ("某省農村糧食統購統銷暫行辦法", "", "regulation"),
    ("中共中央批轉某某關於糧食工作的報告", "", "report"),  # the last document word decides
    ("某省委轉發農村工作部《公共食堂管理試行辦法》", "", "regulation"),
    ("國務院關於整頓糧食供應工作的指示", "", "instruction"),
    ("某縣委關於糧食情況的匯報提綱（草稿）", "", "report"),
    ("在全省糧食會議上的講話", "", "speech"),
    ("某省糧食統銷工作中的問題", "【某某分社十日訊】某省…", "news"),
    ("糧食分配的幾點意見稿", "第一條 甲。\n第二條 乙。\n第三條 丙。", "instruction"),
    ("關於合作社的一些情況", "今年全省…", "report"),
    # a covering note that quotes the text it covers is of that text's kind
    ("某省委印發“某省食堂管理制度”的通知", "", "regulation"),
    ("中共中央關於《某省委關於春耕生產的八項措施》的批示", "", "regulation"),
    ("中共中央批轉《某省委關於糧食工作的報告》的通知", "", "report"),
    ("某省委關於“三秋”工作的通知", "", "instruction"),  # a quoted name, no text of a kind
])
def test_document_kind_is_read_from_the_title_then_the_text(title, text, kind):
    from pipeline.ingest.kind import document_kind

    assert document_kind(title, text) == kind


@pytest.mark.parametrize("body, expected", [
    ("## （一九五三年十一月十九日政務院第一百九十四次政務會議通過）\n\n一、甲。", ("date", date(1953, 11, 19))),
    ("## （1960年5月17日）\n\n一、甲。", ("date", date(1960, 5, 17))),
    ("前言。\n\n中央1955年10月10日\n\n附件。\n\n李某1955年9月29日", ("date", date(1955, 10, 10))),  # the first
    ("全文。\n\n中央農村工作部9月7日\n\n附件。\n\n河北省委1954年8月13日", ("date", date(1954, 9, 7))),
    ("【某某分社二十二日訊】全文。\n\n來源：1955年3月31日新華通訊社編《內部參考》。", ("date", date(1955, 3, 22))),
    ("全文。\n\n根據一九五六年九月十三日《人民日報》刊印", ("date", date(1956, 9, 13))),
    ("全文。\n\n來源：原載《計劃經濟》1955年第8期。", ("date", None)),  # a month is no date
    ("全文。\n\n中  央一九六O年九月十四日", ("date", date(1960, 9, 14))),  # spaced organ, a Latin O for 〇
    ("全文。\n\n某省委1962年5月5日(某省檔案館91—4—1090卷)", ("date", date(1962, 5, 5))),  # the archive's note
])
def test_dates_stated_in_the_body(tmp_path: Path, body, expected):
    f = tmp_path / "t.md"
    f.write_text("# 某某關於某事的規定\n\n" + body + "\n", "utf-8")
    field, value = expected
    assert getattr(read_document(f).metadata, field) == value


def test_a_sidecar_kind_must_be_a_known_kind(tmp_path: Path):
    from pipeline.errors import InputError

    f = tmp_path / "t.txt"
    f.write_text("某某辦法\n第一條 甲。\n", "utf-8")
    (tmp_path / "t.meta.yaml").write_text("kind: poem\n", "utf-8")
    with pytest.raises(InputError) as exc:
        read_document(f)
    assert "t.meta.yaml" in str(exc.value) and "poem" in str(exc.value)
    (tmp_path / "t.meta.yaml").write_text("kind: report\n", "utf-8")
    assert read_document(f).metadata.kind == "report"


def test_a_line_under_the_title_with_a_date_an_organ_and_a_step(tmp_path: Path):
    f = tmp_path / "t.txt"
    f.write_text("浙江省飼料糧留用辦法\n一九五六年三月十日浙江省人民委員會發布\n第一條 甲。\n", "utf-8")
    m = read_document(f).metadata
    assert (m.date, m.issuer) == (date(1956, 3, 10), "浙江省人民委員會")


def test_a_sidecar_date_may_be_a_month_kept_with_its_precision(tmp_path: Path):
    from pipeline.ingest.dates import MonthDate

    f = tmp_path / "t.txt"
    f.write_text("某某辦法\n第一條 甲。\n", "utf-8")
    (tmp_path / "t.meta.yaml").write_text("date: 1961-07\nkind: report\n", "utf-8")
    meta = read_document(f).metadata
    assert meta.date == date(1961, 7, 1) and isinstance(meta.date, MonthDate) and meta.kind == "report"


def test_add_takes_a_month_and_a_kind_and_writes_them_as_given(tmp_path: Path):
    from pipeline.build import add_document

    text = tmp_path / "某县粮食工作的几点意见.txt"
    text.write_text("某县粮食工作的几点意见\n\n口粮每人每年不得超过四百二十斤。\n", "utf-8")
    report, name = add_document(text, tmp_path / "corpus", tmp_path / "db.duckdb",
                                {"date": "1955-09", "kind": "regulation", "title": None, "issuer": None})
    side = (tmp_path / "corpus" / "某县粮食工作的几点意见.meta.yaml").read_text("utf-8")
    assert "date: 1955-09\n" in side and "kind: regulation" in side
    con = duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True)
    assert con.execute("select cast(date as varchar), date_precision, kind from documents").fetchone() == \
        ("1955-09-01", "month", "regulation")
    with pytest.raises(PipelineError):
        add_document(text, tmp_path / "corpus", tmp_path / "db.duckdb", {"kind": "poem"})


@pytest.mark.parametrize("text, source", [
    ("第一条 口粮每人四百斤。\n\n来源：根据《人民日报》刊印\n", "根据《人民日报》刊印"),
    ("第一条 口粮每人四百斤。\n\n　　· 来源：\n\n　　某县档案馆\n", "某县档案馆"),  # the source on the line below
    ("第一条 口粮每人四百斤。\n\n資料來源：某縣檔案\n", "某縣檔案"),
    ("来源不明的粮食，一律登记。\n第二段。\n", None),  # a sentence that starts with the word is no label
    ("第一条 口粮每人四百斤。\n", None),
])
def test_the_source_a_copy_names_in_its_closing_lines(text, source):
    from pipeline.ingest.datelines import source_line

    assert source_line(text) == source


def test_documents_carry_the_source_their_closing_line_names(tmp_path):
    from pipeline.ingest import read_document

    path = tmp_path / "rules.txt"
    path.write_text("某县粮食办法\n\n第一条 口粮每人每年四百斤。\n\n　　· 来源：\n\n　　某县档案馆\n", "utf-8")
    doc = read_document(path)
    assert doc.metadata.source == "某县档案馆" and doc.metadata_sources["source"].endswith("(source line)")
    assert doc.metadata.kind == "regulation"  # a copy's source line does not make it a newspaper
