"""One grammar of Chinese text (pipeline/grammar.py): every stage reads a numeral and a clause alike."""
from __future__ import annotations

import pytest

from pipeline.extract.numerals import find_numbers
from pipeline.grammar import HAN_NUMERALS, MAJOR, MINOR, SENTENCE_ENDS, fold_digits, han_numeral, read_integer
from pipeline.ingest.dates import find_date
from pipeline.markers import ARTICLE_RE, parse_number


@pytest.mark.parametrize(("written", "value"), [
    ("十二", 12), ("一百零五", 105), ("一○五", 105), ("一〇五", 105), ("廿七", 27), ("卅", 30), ("两", 2),
    ("兩", 2), ("１２", 12), ("12", 12), ("壹", 1), ("拾貳", 12), ("參拾", 30), ("壹佰零伍", 105),
])
def test_a_whole_numeral_reads_alike_whatever_its_script(written, value):
    assert read_integer(written) == value


@pytest.mark.parametrize("written", ["", "第", "三点五", "负八", "斤"])
def test_what_is_no_whole_number_reads_as_none(written):
    assert read_integer(written) is None


def test_markers_dates_and_amounts_share_the_numeral_alphabet():
    # the zero as a circle (○) in an article's number, a day written 廿七, an amount with a full-width digit
    m = ARTICLE_RE.match("第一○五条 口粮标准另定。")
    assert m and parse_number(m.group("num")) == (105, False)
    assert str(find_date("一九五五年九月廿七日公布")[0]) == "1955-09-27"
    assert [n.value for n in find_numbers("每人每年４２０斤")] == [420]
    assert set("○廿卅两兩") <= set(HAN_NUMERALS)


def test_written_back_and_folded():
    assert han_numeral(17) == "十七" and read_integer(han_numeral(105)) == 105
    assert fold_digits("１９５５年１０月") == "1955年10月"


def test_clause_punctuation_classes_do_not_overlap():
    assert not set(MINOR) & set(MAJOR) and not set(MAJOR) & set(SENTENCE_ENDS) and not set(MINOR) & set(SENTENCE_ENDS)


def test_a_new_numbering_is_one_change_to_the_grammar():
    """Capital numerals (壹、贰、; 第拾贰条) number sections and articles as the plain ones do: the markers, the
    structure and the cross-references read them from the grammar's alphabet, nothing else changed."""
    from pipeline.markers import ENUM_RE

    m = ENUM_RE.match("贰、粮食供应")
    assert m and parse_number(m.group("num")) == (2, False)
    m = ARTICLE_RE.match("第拾貳條 口糧標準另定。")
    assert m and parse_number(m.group("num")) == (12, False)
