"""The numeral and quantity table: what a reader of these texts expects each form to mean."""
import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.numerals import find_numbers, parse_chinese
from pipeline.extract.quantities import build_quantities
from pipeline.vocab import simplified


def quantities(text):
    t = simplified(text)
    return [(q.value_min, q.value_max, q.unit, q.qualifier, q.relation) for q in build_quantities(t, find_numbers(t))]


# (text, [(value_min, value_max, unit, qualifier, relation)])
CASES = [
    # bare Chinese numerals
    ("四百八十斤", [(480, 480, "斤", "exact", None)]),
    ("四千零三十五个", [(4035, 4035, "个", "exact", None)]),
    ("一万二千五百个", [(12500, 12500, "个", "exact", None)]),
    ("一萬二千五百個", [(12500, 12500, "个", "exact", None)]),
    ("两万二千个", [(22000, 22000, "个", "exact", None)]),
    ("兩萬二千個", [(22000, 22000, "个", "exact", None)]),
    ("十斤", [(10, 10, "斤", "exact", None)]),
    ("十二两", [(12, 12, "两", "exact", None)]),
    ("一百一十个", [(110, 110, "个", "exact", None)]),
    ("二千一百五十个", [(2150, 2150, "个", "exact", None)]),
    ("三千五百六十个", [(3560, 3560, "个", "exact", None)]),
    ("七千六百个", [(7600, 7600, "个", "exact", None)]),
    ("八千个", [(8000, 8000, "个", "exact", None)]),
    ("六万六千个", [(66000, 66000, "个", "exact", None)]),
    ("四十万户", [(400000, 400000, "户", "exact", None)]),
    ("一百零五斤", [(105, 105, "斤", "exact", None)]),
    ("一千零一斤", [(1001, 1001, "斤", "exact", None)]),
    ("廿五斤", [(25, 25, "斤", "exact", None)]),
    ("三亿斤", [(3e8, 3e8, "斤", "exact", None)]),
    ("五十亿斤", [(5e9, 5e9, "斤", "exact", None)]),
    # colloquial and fractional forms
    ("二百五斤", [(250, 250, "斤", "exact", None)]),
    ("三百五斤", [(350, 350, "斤", "exact", None)]),
    ("一分半土地", [(1.5, 1.5, "分", "exact", None)]),
    ("两亩半地", [(2.5, 2.5, "亩", "exact", None)]),
    ("三斤半", [(3.5, 3.5, "斤", "exact", None)]),
    # percentages
    ("百分之二十点二", [(20.2, 20.2, "%", "exact", None)]),
    ("百分之二十點二", [(20.2, 20.2, "%", "exact", None)]),
    ("百分之九十五", [(95, 95, "%", "exact", None)]),
    ("百分之八十五的社", [(85, 85, "%", "exact", None)]),
    ("百分之5", [(5, 5, "%", "exact", None)]),
    ("15.5%", [(15.5, 15.5, "%", "exact", None)]),
    ("一成", [(1, 1, "成", "exact", None)]),
    # Arabic and full-width (normalization made full-width ASCII; both are handled)
    ("880.2斤", [(880.2, 880.2, "斤", "exact", None)]),
    ("10,000斤", [(10000, 10000, "斤", "exact", None)]),
    ("3万户", [(30000, 30000, "户", "exact", None)]),
    ("1.5万斤", [(15000, 15000, "斤", "exact", None)]),
    ("120 斤", [(120, 120, None, "exact", None)]),  # normalized text has no space before a unit: no unit
    ("480斤", [(480, 480, "斤", "exact", None)]),
    # ranges
    ("四十至五十斤", [(40, 50, "斤", "exact", "range")]),
    ("四百八十斤至五百二十斤", [(480, 520, "斤", "exact", "range")]),
    ("八至十二两", [(8, 12, "两", "exact", "range")]),
    ("二百五至三百斤", [(250, 300, "斤", "exact", "range")]),
    ("五至七斤", [(5, 7, "斤", "exact", "range")]),
    ("四百五十到四百九十斤", [(450, 490, "斤", "exact", "range")]),
    ("40~50斤", [(40, 50, "斤", "exact", "range")]),
    ("百分之二十至三十以上", [(20, 30, "%", "more_than", "range")]),  # 以上: more than (ANNOTATION.md)
    ("一成到五成", [(1, 5, "成", "exact", "range")]),
    ("三至四口之家", [(3, 4, "口", "exact", "range")]),
    # a range whose lower bound is lost in the source: kept open and marked
    ("每亩平均以至十斤", [(None, 10, "斤", "exact", "range")]),
    # qualifiers
    ("一万二千五百多个", [(12500, 12500, "个", "more_than", None)]),
    ("四百多个社", [(400, 400, "个", "more_than", None)]),
    ("百余个", [(100, 100, "个", "more_than", None)]),
    ("近四十万农户", [(400000, 400000, "农户", "nearly", None)]),
    ("近百分之六十", [(60, 60, "%", "nearly", None)]),
    ("约三十万斤", [(300000, 300000, "斤", "about", None)]),
    ("五十斤左右", [(50, 50, "斤", "about", None)]),
    ("五口以上人家", [(5, None, "口", "more_than", "min")]),
    ("二口以下人家", [(None, 2, "口", "at_most", "max")]),
    ("不超过百分之九十五", [(None, 95, "%", "at_most", "max")]),
    # a negation, a modal and a verb of comparison: the bound from the other side (negated_comparisons)
    ("高的不应超过四百六十斤", [(None, 460, "斤", "at_most", "max")]),
    ("低的不宜少于三百八十斤", [(380, None, "斤", "at_least", "min")]),
    ("决不准高于百分之十", [(None, 10, "%", "at_most", "max")]),
    ("不超過一分半土地", [(None, 1.5, "分", "at_most", "max")]),
    ("不足二十天", [(None, 20, "天", "at_most", "max")]),
    ("超过7%，但未超过14%的", [(7, None, "%", "more_than", "min"), (None, 14, "%", "at_most", "max")]),
    ("每人有五個負擔畝以上不滿七個負擔畝者",
     [(5, None, "负担亩", "more_than", "min"), (None, 7, "负担亩", "at_most", "max")]),
    ("未满十六岁的", [(None, 16, "岁", "at_most", "max")]),
    ("超过一年的", [(1, None, "年", "more_than", "min")]),
    ("至少三百斤", [(300, None, "斤", "at_least", "min")]),
    ("不少于四百斤", [(400, None, "斤", "at_least", "min")]),
    ("最多五百斤", [(None, 500, "斤", "at_most", "max")]),
    # several in one clause
    ("由四千零三十五个社，发展到七千六百个", [(4035, 4035, "个", "exact", None), (7600, 7600, "个", "exact", None)]),
    ("耕牛每头每年按四十至五十斤计留；母猪每头二百五至三百斤",
     [(40, 50, "斤", "exact", "range"), (250, 300, "斤", "exact", "range")]),
    # not numbers: ordinals, dates, idioms
    ("第一年", []),
    ("第九条", []),
    ("第二十一條", []),
    ("第三章第九条", []),
    ("一九五五年", []),
    ("连同一九六0年已经实行的", []),  # a digit 0 among Chinese digits, as some copies print it
    ("1955年", []),
    ("53年秋季为90元", [(90, 90, "元", "exact", None)]),  # a year of the period with two digits
    ("五八年农业大跃进", []),
    ("运动走了个三角形", []),  # 三角形 is a triangle, not three jiao …
    # the parts of a ratio: tenths when they add up to ten, percents to a hundred; a list of markers is none
    ("按二、八的比例分配", [(2, 2, "成", "exact", None), (8, 8, "成", "exact", None)]),
    ("按三：三：四的比例分", [(3, 3, "成", "exact", None), (3, 3, "成", "exact", None), (4, 4, "成", "exact", None)]),
    ("按40：60的比例", [(40, 40, "%", "exact", None), (60, 60, "%", "exact", None)]),
    ("以七、三开为宜", [(7, 7, "成", "exact", None), (3, 3, "成", "exact", None)]),  # the split, with a separator
    ("四、六分成", [(4, 4, "成", "exact", None), (6, 6, "成", "exact", None)]),
    ("一、二、三的办法", []),
    ("卖粮一律按9.7扣优待", [(9.7, 9.7, "扣", "exact", None)]),  # a price in tenths of the full one
    ("用了三个多月", [(3, 3, "月", "more_than", None)]),  # 多 between the measure word and its unit
    ("完成计划的64，6%", [(64.6, 64.6, "%", "exact", None)]),  # a comma set for a decimal point before %
    ("每人平均收入56，4元", [(56.4, 56.4, "元", "exact", None)]),  # … or before a unit decimals are written in
    ("共收入13，964元", [(13964, 13964, "元", "exact", None)]),  # three digits after it: thousands
    ("共有13，964个单位", [(13964, 13964, "个", "exact", None)]),  # … while three digits after it are thousands
    ("四百多个", [(400, 400, "个", "more_than", None)]),
    ("一律打九折", [(9, 9, "折", "exact", None)]),
    ("口粮决不允许七折八扣", []),  # an idiom: cuts here and there
    ("三斤折合大米二斤", [(3, 3, "斤", "exact", None), (2, 2, "斤", "exact", None)]),
    ("每斤加价三角", [(3, 3, "角", "exact", None)]),  # … which this is
    ("达四五年之久", [(4, 5, "年", "exact", "range")]),  # two neighbours: four or five years
    ("三年内", [(None, 3, "年", "at_most", "max")]),
    ("一九五五年九月二十日", []),
    ("1954年11月11日", []),
    ("到十月底为止", []),
    ("十一月底", []),
    ("一般应按实际产量", []),
    ("统一规定", []),
    ("一律不计", []),
    ("一定的成绩", []),
    ("三定到户", []),
    ("二流子", []),
    ("十分重要", []),
    ("万一发生", []),
    ("二万一千斤", [(21000, 21000, "斤", "exact", None)]),  # 万一 is an idiom only when it stands alone
    ("每人一般四百斤", [(400, 400, "斤", "exact", None)]),  # the idiom hides its own 一, not the number after it
    ("一部分小麦", []),
    ("一致", []),
    ("唯一的", []),
    # digit strings: a Latin O or 〇 for zero, decimals, 亿 after them
    ("出口三一.二亿斤", [(3.12e9, 3.12e9, "斤", "exact", None)]),
    ("调动为八O.二亿斤", [(8.02e9, 8.02e9, "斤", "exact", None)]),
    ("共为一二四.九亿斤", [(12.49e9, 12.49e9, "斤", "exact", None)]),
    ("第一季销一七点九亿斤", [(1.79e9, 1.79e9, "斤", "exact", None)]),
    ("一点二九亿城镇人口", [(1.29e8, 1.29e8, None, "exact", None)]),
    # compounds of 亿 and 万, separators, 多/余 inside
    ("总产约达91亿4，900万斤", [(9.149e9, 9.149e9, "斤", "about", None)]),
    ("面对着1亿1000多万农户", [(1.1e8, 1.1e8, "农户", "more_than", None)]),
    ("暂定为十七亿一千五百余万斤", [(1.715e9, 1.715e9, "斤", "more_than", None)]),
    ("二百三十多万人", [(2.3e6, 2.3e6, "人", "more_than", None)]),
    ("40余万斤", [(4e5, 4e5, "斤", "more_than", None)]),
    ("四百八十至四百九十亿斤", [(4.8e10, 4.9e10, "斤", "exact", "range")]),  # 亿 written once
    # shares and fractions, read as percent
    ("百分之八十点四", [(80.4, 80.4, "%", "exact", None)]),
    ("明年要百分之百合作化", [(100, 100, "%", "exact", None)]),
    ("减产万分之八十", [(0.8, 0.8, "%", "exact", None)]),
    ("千分之五", [(0.5, 0.5, "%", "exact", None)]),
    ("约二分之一", [(50, 50, "%", "about", None)]),
    ("较去年增产1/4还多", [(25, 25, "%", "more_than", None)]),
    ("一成", [(1, 1, "成", "exact", None)]),
    ("余粮购四留六", [(4, 4, "成", "exact", None), (6, 6, "成", "exact", None)]),
    # approximate numbers and halves
    ("经过两三年", [(2, 3, "年", "exact", "range")]),
    ("七八十万斤", [(7e5, 8e5, "斤", "exact", "range")]),
    ("三、四个社", [(3, 4, "个", "exact", "range")]),
    ("百分之二、三十的农户", [(20, 30, "%", "exact", "range")]),
    ("一两年内", [(1, 2, "年", "exact", "range")]),
    ("一两头大牲畜", [(1, 2, "头", "exact", "range")]),
    ("节约一两粮食", [(1, 1, "两", "exact", None)]),
    ("半斤", [(0.5, 0.5, "斤", "exact", None)]),
    ("一个半月", [(1.5, 1.5, "月", "exact", None)]),
    ("三个半负担亩以上", [(3.5, None, "负担亩", "more_than", "min")]),  # any unit that takes 个 (schemas/units.yaml)
    ("半吨", [(0.5, 0.5, "吨", "exact", None)]),
    ("一倍或一倍半以内", [(1, 1.5, "倍", "exact", "range")]),  # 半 after a multiple or a tenth
    ("一成半", [(1.5, 1.5, "成", "exact", None)]),
    ("每日平均只买7千吨", [(7000, 7000, "吨", "exact", None)]),  # a digit before 千 or 百
    ("共有7千万亩麦田", [(7e7, 7e7, "亩", "exact", None)]),
    ("有3千多人", [(3000, 3000, "人", "more_than", None)]),
    ("干部四八八人", [(488, 488, "人", "exact", None)]),  # three digits before a unit, digit by digit
    ("民房一六七间", [(167, 167, "间", "exact", None)]),
    ("三四五个", []),  # consecutive digits: no digit string
    ("运入粮食14驮", [(14, 14, "驮", "exact", None)]),
    ("抢劫案十起", [(10, 10, "起", "exact", None)]),
    ("谣言四起", []),  # an idiom
    ("到四十多里外去买粮", [(40, 40, "里", "more_than", None)]),
    ("十八里店乡", []),  # a village's name, no distance
    ("平均三个半乡有一名干部", [(3.5, 3.5, "个", "exact", None), (1, 1, "名", "exact", None)]),  # N个半: N and a half
    ("三个半以上", [(3.5, None, "个", "more_than", "min")]),
    ("三个半至六个半者", [(3.5, 6.5, "个", "exact", "range")]),
    ("三个半劳动力", [(3, 3, "个", "exact", None)]),  # 半劳动力 is a word (half_words in schemas/qualifiers.yaml)
    ("两个半脱产干部", [(2, 2, "个", "exact", None)]),
    ("半亩多", [(0.5, 0.5, "亩", "more_than", None)]),
    ("十来个人", [(10, 10, "个", "about", None)]),
    # ranges written with dashes, alternatives, lists
    ("三——四个月", [(3, 4, "月", "exact", "range")]),
    ("60%一70%", [(60, 70, "%", "exact", "range")]),  # a dash printed as 一
    ("十天或半月", [(10, 15, "天", "exact", "range")]),  # alternatives, in one unit
    ("按七成、八成或九成", [(7, 7, "成", "exact", None), (8, 8, "成", "exact", None),
                       (9, 9, "成", "exact", None)]),  # the last two of a list are its items, no range
    ("两年、三年一包", [(2, 3, "年", "exact", "range")]),
    ("2倍多", [(2, 2, "倍", "more_than", None)]),
    # a number in a bigger unit and its parts: one quantity
    ("每个劳动日值一元二角五分", [(1.25, 1.25, "元", "exact", None)]),
    ("一亩三分地", [(1.3, 1.3, "亩", "exact", None)]),
    ("不超过一元二角", [(None, 1.2, "元", "at_most", "max")]),
    # a change a rule permits, down to a floor or up to a ceiling; without the modal, the new value itself
    ("重灾区可以低到三百斤", [(300, None, "斤", "exact", "min")]),
    ("丰收地区可以提高到五百斤", [(None, 500, "斤", "exact", "max")]),
    ("口粮标准降低到三百六十斤", [(360, 360, "斤", "exact", None)]),
    # the period's measures of grain by volume: 石, 斗, 升 (ten to the next); 斗争 and 升高 are no measures
    ("每人每年口粮二石四斗", [(2.4, 2.4, "石", "exact", None)]),
    ("每亩留种子一斗五升", [(1.5, 1.5, "斗", "exact", None)]),
    ("经过三年的斗争", [(3, 3, "年", "exact", None)]),  # a bound before the number holds the whole
    ("一元以上，二角以下", [(1, None, "元", "more_than", "min"), (None, 2, "角", "at_most", "max")]),
    ("一丈五尺布", [(1.5, 1.5, "丈", "exact", None)]),
    # 周岁 is an age, not weeks
    ("六周岁以上不满十周岁的儿童", [(6, None, "岁", "more_than", "min"), (None, 10, "岁", "at_most", "max")]),
    # the second end of a range is no number fused with the verb after it
    ("超产粮的百分之四十至五十交国家", [(40, 50, "%", "exact", "range")]),
    ("四无五保户", []),
    # 分 and 厘 of land after a land word of their major clause, not only before one
    ("食堂的菜地，按每人一分至二分划给", [(1, 2, "分", "exact", "range")]),
    ("自留地，每人一分五厘", [(1.5, 1.5, "分", "exact", None)]),
    ("每个劳动日记十分", []),  # points, not land
    ("劳动日值二分。自留地多的", [(2, 2, None, "exact", None)]),  # a land word of the next sentence: no 分 of land
    ("每月二十五日前", [(None, 25, "日", "at_most", "max")]),  # a recurring deadline, not a date
    # not numbers: masked, dates, markers, references, names
    ("收购原粮×××××万斤", []),
    ("1956—1957年度", []),
    ("明年3至6月的供应", []),
    ("四、五、六月份", []),
    ("到十一月十七日", []),
    ("一九五二第四季", []),
    ("比—九六○年减产", []),
    ("见附表（九）", []),
    ("（1）在城市", []),
    ("甘肃档案馆91—4—885卷", []),
    ("做到四无", []),
    ("五保户", []),
    ("大名县五区", []),
    ("十几个县", [(10, 10, "个", "more_than", None)]),  # ten-odd: more than ten, as 十多个
    ("二十几斤", [(20, 20, "斤", "more_than", None)]),
    ("十几万人", [(100000, 100000, "人", "more_than", None)]),
    ("百分之七十几", [(70, 70, "%", "more_than", None)]),
    ("几十万人", []),  # some tens of thousands: no number
    ("数百个", []),
    ("每人每年××斤", []),  # masked: never read
]


@pytest.mark.parametrize("text, expected", CASES, ids=[c[0] for c in CASES])
def test_numeral_and_quantity_table(text, expected):
    got = quantities(text)
    assert got == [(None if a is None else float(a), None if b is None else float(b), u, q, r)
                   for a, b, u, q, r in expected]


def test_the_table_is_large():
    assert len(CASES) >= 80


@pytest.mark.parametrize("text, value", [("二百五", 250), ("三百五", 350), ("两万二千", 22000), ("〇", 0),
                                         ("一九五五", 1955), ("二十点二", 20.2), ("十", 10), ("一千零五", 1005)])
def test_parse_chinese(text, value):
    assert parse_chinese(text) == value


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=99_999_999))
def test_any_integer_written_in_chinese_reads_back(n):
    written = cn2an.an2cn(n, "low")
    numbers = find_numbers(written + "斤")
    assert [x.value for x in numbers] == [n]
    assert numbers[0].start == 0 and numbers[0].end == len(written)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=1, max_value=9999))
def test_any_range_reads_back(a, b):
    lo, hi = sorted((a, b))
    text = f"{cn2an.an2cn(lo, 'low')}至{cn2an.an2cn(hi, 'low')}斤"
    assert quantities(text) == [(float(lo), float(hi), "斤", "exact", "range")]


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=100), st.integers(min_value=0, max_value=9))
def test_any_percentage_with_a_decimal_reads_back(whole, tenth):
    written = f"百分之{cn2an.an2cn(whole, 'low')}点{'〇一二三四五六七八九'[tenth]}"
    assert [x.value for x in find_numbers(written)] == [float(f"{whole}.{tenth}")]


# -- signs and impossible amounts (a careless copy or a hostile file): read, and flagged -------------

@pytest.mark.parametrize("text, values, flags", [
    ("每人每年-420斤至-460斤", [-420, -460], ("signed_number",)),
    ("种子每亩负八斤", [-8], ("signed_number",)),
    ("减少为－12斤", [-12], ("signed_number",)),
    ("80%-90%", [80, 90], ()),              # a dash right after a number joins a range
    ("每亩60斤-70斤", [60, 70], ()),         # … and after a number's unit
    ("各社自负盈亏二百元", [200], ()),        # 负 ending a word is no sign
    ("全省销售四亿亿亿斤", [4e24], ("implausible_value",)),  # every number has a row, flagged
    ("饲料每头1e308斤", [1e308], ("implausible_value",)),    # exponent notation read whole, never 1 and 308
    ("每头2.5e3斤", [2500], ()),
    ("二万亿斤", [2e12], ()),
])
def test_signs_and_impossible_amounts_are_read_and_flagged(text, values, flags):
    found = find_numbers(simplified(text))
    assert [n.value for n in found] == values
    assert all(n.flags == flags for n in found)


def test_a_number_at_the_end_of_a_text_is_no_day_of_the_month():
    assert [n.value for n in find_numbers("合计 9.0")] == [9.0]
