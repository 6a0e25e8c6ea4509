import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest.model import Metadata, Region, SourceDocument
from pipeline.normalize import normalize
from pipeline.normalize.paragraphs import is_table_row
from pipeline.structure import structure


def doc(text: str) -> SourceDocument:
    return SourceDocument("d", "d.txt", text, "utf-8", "plain", [Region("body", 0, len(text))], Metadata(), "0" * 64)


def test_wrap_spaces_inside_words_and_numbers_are_joined():
    nd = normalize(doc("第 九條 口糧標準,按每人每年平均四百 八十斤\n至五百二十斤計留。\n\n"
                       "第十條 母豬每頭二百 五至三百斤。"))
    assert nd.text == "第九條口糧標準，按每人每年平均四百八十斤至五百二十斤計留。\n第十條母豬每頭二百五至三百斤。"


def test_offsets_point_at_the_original_characters():
    text = "第 九條 口糧(稻穀)\r\n每人每年平均\r\n四百八十斤。"
    nd = normalize(doc(text))
    i = nd.text.index("四百八十斤")
    a, b = nd.original_span(i, i + 5)
    assert text[a:b] == "四百八十斤"
    j = nd.text.index("九條")
    assert text[slice(*nd.original_span(j - 1, j + 2))] == "第 九條"


def test_punctuation_width_and_decimal_points():
    nd = normalize(doc("比例为１５。５％，产量880．2斤(约数):好"))
    assert nd.text == "比例为15.5%，产量880.2斤（约数）：好"


def test_simplified_view_has_the_same_length():
    nd = normalize(doc("農村糧食統購統銷實施細則，第十七條。"))
    assert nd.simplified == "农村粮食统购统销实施细则，第十七条。"
    assert len(nd.simplified) == len(nd.text)


def test_english_keeps_word_spaces():
    text = "Changzhi Prefecture, Shanxi\nProvince, has 4,035 cooperatives."
    d = SourceDocument("d", "d.txt", text, "utf-8", "plain", [Region("translation", 0, len(text), "en")], Metadata(),
                       "0" * 64)
    assert normalize(d).text == "Changzhi Prefecture, Shanxi Province, has 4,035 cooperatives."


def test_table_rows_keep_their_spacing():
    assert is_table_row("大 麥 大 豆 大 麥 蕎 麥")
    assert is_table_row("120 140 90 90")
    assert not is_table_row("第二章 定 產")
    assert not is_table_row("Public domain text here")
    nd = normalize(doc("雜糧品種\n\n大 麥 大 豆 玉 米\n120 140 120\n\n註:說明。"))
    assert "大 麥 大 豆 玉 米" in nd.text.split("\n")


CJK = st.sampled_from(list("農村糧食統購統銷口糧標準每人每年平均斤至畝種籽飼料耕牛"))
PUNCT = st.sampled_from(list("，。；、"))
NOISE = st.sampled_from([" ", "\n", "\r\n", "  ", "\u3000"])


@st.composite
def wrapped_regulation(draw):
    """A small regulation whose articles are hard-wrapped and sprinkled with spaces."""
    parts = []
    for numeral in ["一", "二", "三", "四"][: draw(st.integers(1, 4))]:
        body = "".join(draw(st.lists(st.one_of(CJK, CJK, PUNCT), min_size=4, max_size=40)))
        noisy = []
        for ch in body:
            noisy.append(ch)
            if draw(st.integers(0, 9)) == 0:
                noisy.append(draw(NOISE).replace("\n", " ") if draw(st.booleans()) else " ")
        parts.append(f"第{numeral}條 " + "".join(noisy) + "。")
    return "\n\n".join(parts)


def _canon(s: str) -> str:
    return re.sub(r"\s+", "", s).translate(str.maketrans(",;:()", "，；：（）"))


@settings(max_examples=60, deadline=None)
@given(wrapped_regulation())
def test_every_units_original_span_equals_its_text(text):
    sd = structure(normalize(doc(text)))
    assert [u.number for u in sd.units if u.kind == "article"] == list(range(1, text.count("條") + 1))
    for u in sd.units:
        a, b = sd.normalized.original_span(u.start, u.end)
        assert 0 <= a <= b <= len(text)
        assert _canon(text[a:b]) == _canon(sd.normalized.text[u.start:u.end])


@pytest.mark.parametrize("inside", ["\u200b", "\u2060", "\u00ad", "\u202e", "\u2066", "\ufeff"])
def test_invisible_format_characters_inside_numbers_and_markers_are_dropped_and_reported(tmp_path, inside):
    from pipeline.build import structure_file
    from pipeline.extract import extract

    f = tmp_path / "某县口粮办法.txt"
    f.write_text(f"某县口粮办法\n\n第{inside}一条 口粮每人每年四{inside}百二十斤至4{inside}60斤。\n", "utf-8")
    sd = structure_file(f)
    assert [u.number for u in sd.units if u.kind == "article"] == [1]
    rows = extract(sd).standards
    assert [(r.value_min, r.value_max) for r in rows] == [(420, 460)]
    original = sd.normalized.source.text
    assert inside in original[rows[0].char_start:rows[0].char_end]  # the original keeps what it holds
    assert [code for code, _ in sd.normalized.source.warnings] == ["E122"]
