"""Scans in: pages made here from sentences written for the tests (scripts/make_scans.py), read offline.

Each recognised page costs the engine a few seconds, so the pages are short: a title and a few lines. The
pages are set in Debian's CJK fonts, which scripts/test.sh installs (fonts-noto-cjk, fonts-arphic-uming).
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb
import pytest

from pipeline.build import build
from pipeline.ingest.scans import ScanLine
from pipeline.load.scans import scan_rows

ROOT = Path(__file__).resolve().parents[2]
TEXT = ("# 某县人民委员会关于农村粮食供应的暂行办法\n\n"
        "第一条 缺粮户的口粮标准，每人每年不得超过四百二十斤。\n\n"
        "第二条 种子每亩留十斤，耕牛每头每年留饲料八十斤。\n")


def _generator():
    spec = importlib.util.spec_from_file_location("make_scans", ROOT / "scripts" / "make_scans.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _page(layout: str, damaged: bool = False):
    ms = _generator()
    page = ms.render(TEXT, layout, 1)[0]
    page = page.crop((0, 0, page.width, 520)) if layout == "horizontal" else page.crop((page.width - 420, 0,
                                                                                        page.width, page.height))
    return ms.damage(page, 1) if damaged else page


def _built(tmp_path: Path, files: dict[str, bytes | object]) -> tuple[duckdb.DuckDBPyConnection, object]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, content in files.items():
        if isinstance(content, bytes):
            (corpus / name).write_bytes(content)
        else:
            content.save(corpus / name)
    report = build(corpus, tmp_path / "db.duckdb", workers=1)
    return duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True), report


def test_a_horizontal_scan_is_read_and_every_row_points_at_its_page_and_box(tmp_path):
    con, _ = _built(tmp_path, {"县粮食供应办法.png": _page("horizontal", damaged=True).convert("RGB")})
    encoding, text = con.execute("select encoding, text_original from documents").fetchone()
    assert encoding.startswith("recognised by") and "horizontal" in encoding
    assert "四百二十斤" in text and "饲料八十斤" in text
    assert con.execute("select kind from documents").fetchone()[0] == "regulation"
    rows = con.execute("select s.relation, s.value_max, s.unit, p.page, p.x0, p.y0, p.x1, p.y1, l.y0, l.y1 "
                       "from standards s join places p on p.table_name = 'standards' and p.row_id = s.standard_id "
                       "join scan_lines l on l.doc_id = p.doc_id and l.line_id = p.line_id "
                       "where s.value_max = 420").fetchall()
    assert len(rows) == 1
    relation, value, unit, page, x0, y0, x1, y1, ly0, ly1 = rows[0]
    assert (relation, value, unit, page) == ("max", 420, "斤", 1)
    assert 0 <= x0 < x1 <= 1240 and (y0, y1) == (ly0, ly1)  # a part of its line, across it
    # every unit, standard, fact and number of the scan has its place
    for table, key in (("standards", "standard_id"), ("numbers", "number_id")):
        missing = con.execute(f"select count(*) from {table} t where not exists (select 1 from places p where "
                              f"p.table_name = '{table}' and p.row_id = t.{key})").fetchone()[0]
        assert missing == 0, table
    lines = con.execute("select text, char_start, char_end from scan_lines order by page, line_no").fetchall()
    assert all(text[a:b] == t for t, a, b in lines)


def test_a_vertical_traditional_scan_is_read_right_to_left(tmp_path):
    con, _ = _built(tmp_path, {"縣糧食供應辦法.tif": _page("vertical").convert("RGB")})
    encoding, text, script = con.execute("select encoding, text_original, script from documents").fetchone()
    assert "vertical" in encoding and script == "traditional"
    assert text.index("第一條") < text.index("第二條")  # columns read right to left
    assert "口糧" in text  # 糧 is in PP-OCRv5's alphabet
    values = {r[0] for r in con.execute("select value_max from standards").fetchall()}
    assert 420 in values


def test_a_pdf_with_a_text_layer_is_read_from_it_and_nothing_is_recognised(tmp_path, monkeypatch):
    from pipeline.ingest.scans import ocr

    monkeypatch.setattr(ocr, "recognise", lambda image: pytest.fail("a text layer needs no recognition"))
    ms = _generator()
    pdf = ms.save([], tmp_path / "layer", "textpdf", TEXT)
    con, _ = _built(tmp_path, {"办法.pdf": pdf.read_bytes()})
    encoding, = con.execute("select encoding from documents").fetchone()
    assert "text layer" in encoding
    assert 420 in {r[0] for r in con.execute("select value_max from standards").fetchall()}
    assert con.execute("select min(confidence) from scan_lines").fetchone()[0] == 1.0
    # the report shows, beside each standard's quote, the crop of the page where it stands
    from pipeline.report import render_pages

    con.close()
    pages = render_pages(tmp_path / "db.duckdb")  # the document's page holds its rows
    html = "".join(html for name, html in pages.items() if name != "report.html")
    assert html.count('<img class="crop" src="data:image/jpeg;base64,') >= 3


def test_a_rebuild_never_recognises_a_page_twice(tmp_path, monkeypatch):
    from pipeline.ingest.scans import ocr

    page = _page("horizontal").convert("RGB")
    con, _ = _built(tmp_path, {"办法.png": page})
    first = con.execute("select text_original from documents").fetchone()[0]
    con.close()
    monkeypatch.setattr(ocr, "recognise", lambda image: pytest.fail("recognised again"))
    build(tmp_path / "corpus", tmp_path / "db.duckdb", workers=1, force=True)
    con = duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True)
    assert con.execute("select text_original from documents").fetchone()[0] == first


def test_bad_scans_are_skipped_naming_the_reason_and_the_rest_builds(tmp_path, monkeypatch):
    from PIL import Image

    monkeypatch.setenv("PIPELINE_SCAN_MAX_PAGES", "1")
    big = tmp_path / "big.png"
    Image.new("1", (20000, 20000), 1).save(big)
    blank = Image.new("RGB", (400, 300), "white")
    two_pages = tmp_path / "two.pdf"
    blank.save(two_pages, "PDF", save_all=True, append_images=[blank])
    files = {
        "big.png": big.read_bytes(),
        "two_pages.pdf": two_pages.read_bytes(),
        "broken.pdf": b"%PDF-1.4\n" + bytes(200),
        "not_a_pdf.pdf": "<html><body>某县口粮标准每人每年不得超过四百二十斤。</body></html>".encode(),
        "ok.txt": TEXT.encode(),
    }
    _, report = _built(tmp_path, files)
    skipped = {i.source_file: i.code for i in report.skipped}
    assert skipped == {"big.png": "E118", "two_pages.pdf": "E119", "broken.pdf": "E117"}
    assert {d.source_file for d in report.documents} == {"not_a_pdf.pdf", "ok.txt"}  # read by its content: text


def test_an_encrypted_pdf_is_skipped_with_what_to_do(tmp_path):
    import fpdf

    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_encryption(owner_password="o", user_password="secret")
    target = tmp_path / "locked.pdf"
    pdf.output(str(target))
    _, report = _built(tmp_path, {"locked.pdf": target.read_bytes(), "ok.txt": TEXT.encode()})
    assert {i.source_file: i.code for i in report.skipped} == {"locked.pdf": "E116"}


def test_a_number_read_from_an_uncertain_character_is_flagged_and_placed_on_its_line():
    text = "# 办法\n\n口粮每人四百二十斤，种子十斤。\n"
    a = text.index("口粮")
    lines = [ScanLine(1, 1, (100, 50, 500, 80), 0, 4, 0.99),
             ScanLine(1, 2, (100, 100, 500, 130), a, a + 16, 0.55, uncertain=(text.index("二"),))]
    standards = [{"standard_id": "s1", "char_start": text.index("四"), "char_end": text.index("斤") + 1, "flags": []},
                 {"standard_id": "s2", "char_start": text.index("十斤"), "char_end": text.index("十斤") + 2,
                  "flags": []}]
    rows = scan_rows("d", text, lines, {"standards": standards})
    assert standards[0]["flags"] == ["ocr_low_confidence"] and standards[1]["flags"] == []
    place = next(p for p in rows["places"] if p.row_id == "s1")
    assert (place.page, place.line_id, place.y0, place.y1) == (1, "p1_l2", 100, 130)
    assert 100 < place.x0 < place.x1 < 500  # the characters' share of the line, not the whole line
    assert [r.line_id for r in rows["scan_lines"]] == ["p1_l1", "p1_l2"]


def test_a_line_the_direction_classifier_turns_wrongly_is_still_read_and_a_turned_page_reads():
    """The direction classifier once took a plain line of an upright page for upside down, and the line was lost:
    a line it turns is read both ways and the surer reading kept. A page printed upside down still reads."""
    import numpy as np

    from pipeline.ingest.scans import ocr

    page = _page("horizontal").convert("RGB")
    eng = ocr.engine()

    class Misled:  # the engine, with a classifier that takes every line for upside down
        def text_cls(self, crops):
            return crops, [("180", 0.95)] * len(crops), 0.0

        def text_rec(self, crops, return_word_box=False):
            return eng.text_rec(crops, return_word_box)

    lines = ocr.recognise(page)
    crops = [np.asarray(page.crop(ln.box)) for ln in lines]
    texts, _ = eng.text_rec(crops, True)
    kept = ocr._upside_down_too(Misled(), crops, texts)
    assert [t[0] for t in kept] == [t[0] for t in texts] and any("四百二十斤" in t[0] for t in kept)
    turned = "".join(ln.text for ln in ocr.recognise(page.rotate(180)))
    assert "四百二十斤" in turned
