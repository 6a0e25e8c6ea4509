"""From recognised lines to text, and a vertical column to a row: sentences and pages written for each case.

The layout cases are recognised lines made by hand (no engine). The vertical cases set a column of a page made
by scripts/make_scans.py and cut it into its cells, and read one short vertical page (a few seconds).
"""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

from pipeline.ingest.scans import layout, ocr
from pipeline.ingest.scans.ocr import OcrLine

ROOT = Path(__file__).resolve().parents[2]


def _clean(text: str, vertical: bool = False) -> str:
    return layout.clean_text(text, (0.99,) * len(text), vertical)[0]


@pytest.mark.parametrize(("read", "want"), [
    ("占原计划的90.85%", "占原计划的90.85%"),  # a decimal point between digits
    ("出口三一.二亿斤", "出口三一.二亿斤"),  # … between Han digits, as the period writes a decimal
    ("占原计划任务的90.", "占原计划任务的90."),  # a number the line wraps: the point at its end …
    (".85%，比去年增加", ".85%，比去年增加"),  # … or at the next line's start
    ("2.公共食堂应当建立", "2.公共食堂应当建立"),  # the stop after an item's number
    ("口粮·每人.四百斤", "口粮每人四百斤"),  # specks inside words are dropped
    ("粮食供应.", "粮食供应"),  # … and at a line's end after a word
    ("分为3岁以下，4一7岁，8一12岁", "分为3岁以下，4—7岁，8—12岁"),  # a range's dash read as 一
    ("一九五三年第一条三一二", "一九五三年第一条三一二"),  # 一 among Han numerals stays a numeral
    ("1一2", "1—2"),
    ("八项注意是：（一）参加劳动。．（二）以平等的态度对人", "八项注意是：（一）参加劳动。（二）以平等的态度对人"),
    ("占90．85%，", "占90．85%，"),  # a full-width point between digits is a decimal point
    ("借种期限1般为1年", "借种期限一般为1年"),  # the 一 of 一般 read as a digit; the 1 of 1年 stays
    ("共11般农户，第1", "共11般农户，第1"),  # … not after a digit, nor at a line's end
])
def test_specks_and_dashes_are_read_by_what_stands_beside_them(read, want):
    assert _clean(read) == want


def test_a_vertical_pages_misread_marks_and_forms_are_put_back():
    assert _clean("每人’每年°︵原糧︶", vertical=True) == "每人，每年。（原糧）"
    assert _clean("每人’每年", vertical=False) == "每人’每年"  # a quote on a horizontal page is a quote


def test_a_lone_mark_or_speck_set_large_is_no_heading():
    body = [OcrLine((100, 100 + 40 * k, 1100, 130 + 40 * k), "缺粮户的口粮标准每人每年不得超过四百二十斤以上标准" * 1,
                    (0.99,) * 25) for k in range(6)]
    mark = OcrLine((100, 400, 160, 470), "，", (0.9,))  # a comma whose box came out tall: looks set larger
    title = OcrLine((300, 20, 900, 80), "粮食供应办法", (0.99,) * 6)
    placed, vertical = layout.order([title, *body, mark], first_page=True)
    assert not vertical
    assert [p.text for p in placed if p.heading] == ["粮食供应办法"]


def _generator():
    spec = importlib.util.spec_from_file_location("make_scans", ROOT / "scripts" / "make_scans.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _columns(text: str):
    page = _generator().render(text, "vertical", 1)[0].convert("RGB")
    img = ocr._binarised(np.asarray(page))
    return img, ocr._columns(img)


def test_a_vertical_column_is_cut_into_one_cell_per_character_on_its_grid():
    column = "一二三四五六七八九十一二三川小" * 2  # characters of separate strokes, one above the other
    img, cols = _columns(f"{column}\n\n二三")  # a second column, so that the page has columns to find
    x0, y0 = cols[-1].min(axis=0).astype(int)
    x1, y1 = cols[-1].max(axis=0).astype(int)
    ink = img[y0:y1, x0:x1, 0] < 128
    xs = np.where(ink.any(axis=0))[0]
    cells = ocr._grid(~ink.any(axis=1), int(xs[-1] - xs[0] + 1))
    inked = [c for c in cells if ink[c[0]:c[1]].any()]
    assert len(inked) == len(column)  # one cell per character drawn
    pitch = (inked[-1][0] - inked[0][0]) / (len(inked) - 1)
    assert abs(pitch - _generator().SIZE) < 0.5  # the type's pitch on the page
    # joining pieces by size instead merges 一 into the top stroke of the 二 below it
    first = ocr._pieces(ink, int(xs[-1] - xs[0] + 1))[0]
    assert first[0] < inked[0][1] < first[1]


def test_a_vertical_page_keeps_its_decimal_points_dashes_brackets_and_stops():
    text = ("全省共收购粮食11亿7000万斤，占原计划任务的90．85％，比去年增加50—70%。\n\n"
            "第二条 口粮（原粮）每人四百斤至四百六十斤，低于三百斤的，由国家供应。\n\n"
            "第三条 雇用四——九人的小业主，照此办理。\n")
    page = _generator().render(text, "vertical", 1)[0]
    page = page.crop((page.width - 300, 0, page.width, page.height)).convert("RGB")
    lines = ocr.recognise(page)
    placed, vertical = layout.order(lines, first_page=True)
    read = "".join(p.text for p in placed)
    assert vertical
    assert "90.85" in read or "90．85" in read
    assert "50—70" in read
    assert "口糧(原糧)" in read.replace("（", "(").replace("）", ")")
    assert "低於三百斤的，由國家供應。" in read
    assert re.search("四—{1,2}九人", read)  # a double dash on its side, read as the range it sets


def test_a_line_that_ends_with_an_items_number_goes_on_into_the_next():
    """…正确执行党的政策。（三） / 实行民主集中制。: the item's number opens what the next line says, even where the
    line stops short of the margin."""
    first = "三大纪律是：（一）如实反映情况。（二）正确执行党的政策。（三）"
    third = "八项注意是：（一）参加劳动。（二）办事公道"
    lines = [OcrLine((100, 100, 1000, 130), first, (0.99,) * len(first)),
             OcrLine((100, 140, 400, 170), "实行民主集中制。", (0.99,) * 8),
             OcrLine((160, 180, 1100, 210), third, (0.99,) * len(third))]
    placed, _ = layout.order(lines, first_page=False)
    assert [p.opens for p in placed] == [True, False, True]


def test_a_number_the_line_break_cut_stays_in_its_paragraph():
    """…占原计划任务的90. / 85%，…: the first part of a number stops short of the margin (digits are narrow) and
    ends with a point; the line after goes on with the number, in the same paragraph."""
    lines = [OcrLine((100, 100, 900, 130), "共统购粮食10亿6300万斤，占原计划任务11亿7000万斤的90.", (0.99,) * 31),
             OcrLine((100, 140, 700, 170), "85%，连农业税征收现粮7亿5560万斤，合计17亿斤。", (0.99,) * 27),
             OcrLine((100, 180, 1100, 210), "60—79元的队1，96", (0.99,) * 12),
             OcrLine((100, 220, 1100, 250), "6个，占41.32%。", (0.99,) * 11)]
    placed, _ = layout.order(lines, first_page=False)
    assert [p.opens for p in placed] == [True, False, True, False]


def test_a_lines_box_reaches_out_to_the_marks_the_detector_left_outside_it():
    """一、 当前情况: the detector's box starts at 当 (a thin stroke and a comma before a space are missed); the
    box reaches out to the ink of its own line, and not to a speck or to another line's box."""
    from PIL import Image, ImageDraw, ImageFont

    ms = _generator()
    path, index = ms.font_path("simplified")
    font = ImageFont.truetype(path, 40, index=index)
    page = Image.new("RGB", (900, 200), "white")
    draw = ImageDraw.Draw(page)
    draw.text((100, 60), "一、", font=font, fill="black")
    draw.text((192, 60), "当前情况", font=font, fill="black")  # after 一、 and a space
    draw.point((20, 80), fill="black")  # a speck in the margin, on the line's band
    img = np.asarray(page).copy()
    ink = img[:, :, 0] < 128
    xs = np.flatnonzero(ink[:, 200:].any(axis=0)) + 200
    ys = np.flatnonzero(ink[:, 200:].any(axis=1))
    pad = 6  # the detector's box stands a little outside the ink it found
    x0, x1, y0, y1 = xs[0] - pad, xs[-1] + pad, ys[0] - pad, ys[-1] + pad
    box = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)
    (grown,) = ocr._completed(img, np.array([box]))
    first = np.flatnonzero(ink[:, :190].any(axis=0))
    assert grown[:, 0].min() <= first[first > 50][0]  # 一 is inside the box now …
    assert grown[:, 0].min() > 20  # … the speck in the margin is not
    assert grown[:, 0].max() == box[:, 0].max()  # nothing to its right to take


def test_a_column_box_that_reaches_past_the_print_sets_no_margin():
    """A vertical page: two columns' boxes reach above the print (a speck, a wide box) and one below it. The
    margin is where most columns start and end, so a column set at it goes on with the one before, and only the
    column set two characters in (a paragraph's first) or after a short last column opens a paragraph."""
    columns = [  # (top, bottom, text), right to left
        (180, 1650, "一、口粮标准应当按照劳动强弱和年龄大小分别规定，并且在一个核算单位范"),
        (40, 1700, "围内取得一致。成年人每人全年口粮一般不低于三百六十斤，最高不超过四百"),
        (120, 1652, "二十斤；小孩按年龄分等，逐等递减。"),  # a full column, whatever its box
        (122, 900, "由社员大会讨论决定。"),
        (178, 1648, "二、公共食堂的用粮，按照每人的定量标准，逐月发给，节约归己。"),
        (118, 1749, "食堂的管理委员会由社员选举五人至七人组成，每年改选一次。"),
    ]
    placed, vertical = layout.order(_recognised_columns(columns), first_page=False)
    assert vertical
    assert [p.opens for p in placed] == [True, False, False, False, True, False]


def test_a_numbered_line_after_a_closed_sentence_opens_a_paragraph_however_little_room_it_shows():
    """…實施辦法如下： fills its column to the last character, and the box of 一、 (a thin stroke at the column's head)
    shows less than the indent's room: the article's number after a closed sentence opens it all the same; a
    column that goes on mid-sentence with a number does not."""
    columns = [
        (178, 1650, "為了保證棉布能夠按照國家的計劃進行生產和分配，決定實行計劃收購。實施辦法如下："),
        (150, 1652, "一、所有國營、合作社、公私合營和私營織布廠生產的棉布，一律由國營公司統購統銷，"),
        (118, 1650, "不得自行出售。在公司尚未設立機構的地區，由其他國營商業機構辦理，其辦法由省規定"),
        (120, 1648, "二十個縣先行試辦。"),
    ]
    placed, _ = layout.order(_recognised_columns(columns), first_page=False)
    assert [p.opens for p in placed] == [True, True, False, False]


def _recognised_columns(columns: list[tuple[int, int, str]]) -> list[OcrLine]:
    """Recognised columns of a vertical page, right to left, 40 pixels wide: (top, bottom, text) each."""
    return [OcrLine((1100 - 55 * k, top, 1140 - 55 * k, bottom), text, (0.99,) * len(text))
            for k, (top, bottom, text) in enumerate(columns)]
