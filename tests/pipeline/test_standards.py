"""Standards in the seeds and in period texts written for these tests (tests/data/period)."""
from pathlib import Path

import duckdb
import pytest

from pipeline.build import build, structure_file
from pipeline.extract import extract
from tests.conftest import CORPUS

PERIOD = Path(__file__).resolve().parents[1] / "data" / "period"


def standards_of(path):
    return extract(structure_file(path)).standards


def table(rows):
    return sorted((r.article_no, r.item_no, r.concept, r.relation, r.value_min, r.value_max,
                   r.unit) for r in rows)


def test_jiangxi_standards():
    rows = standards_of(CORPUS / "003_b69152d1adbf7c19.txt")
    assert table(rows) == sorted([
        (6, 5, "yield.fixed_years", "exact", 3, 3, "年"),
        (8, 2, "yield.reclaimed_land_exempt_years", "exact", 3, 3, "年"),
        (8, 3, "yield.taro_vegetable_exempt_area", "max", None, 1.5, "分"),
        (9, 1, "seed.paddy", "range", None, 10, "斤"),
        (9, 2, "ration.retained", "range", 480, 520, "斤"),
        (9, 3, "feed.ox", "range", 40, 50, "斤"),
        (9, 3, "feed.sow_breeding_boar", "range", 250, 300, "斤"),
        (9, 3, "feed.fattening_pig", "range", 40, 50, "斤"),
        (9, 3, "feed.fattening_pig", "range", 60, 70, "斤"),
        (9, 3, "feed.fattening_pig", "range", 80, 90, "斤"),
        (9, 3, "feed.extra_pig", "range", 80, 90, "斤"),
        (12, None, "purchase.rate", "exact", 90, 90, "%"),
        (12, None, "purchase.rate_rich_peasant", "max", None, 95, "%"),
        (14, None, "sale.sweet_potato_share_threshold", "range", 20, 30, "%"),
        (16, None, "supply.deficit_days_threshold", "exact", 20, 20, "天"),
        (17, 2, "ration.deficit_general", "range", 450, 490, "斤"),
        (17, 2, "ration.deficit_disaster", "reduction_pct", 5, 5, "%"),
        (17, 3, "feed.pig_deficit_general", "reduction_pct", 10, 10, "%"),
        (17, 3, "feed.pig_deficit_disaster", "reduction_pct", 15, 15, "%"),
        (17, 3, "feed.duck", "range", 5, 7, "斤"),
        (18, None, "supply.corvee_rice_supplement", "range", 8, 12, "兩"),
    ])


def test_jiangxi_details_conditions_bases_flags():
    rows = {(r.concept, r.value_min): r for r in standards_of(CORPUS / "003_b69152d1adbf7c19.txt")}
    pigs = {r.condition for r in rows.values() if r.concept == "feed.fattening_pig"}
    assert pigs == {"household_size >= 5", "household_size in 3..4", "household_size <= 2"}
    seed = rows[("seed.paddy", None)]
    assert seed.flags == ["ocr_suspect", "missing_bound"] and seed.per == "mu_sown"
    corvee = rows[("supply.corvee_rice_supplement", 8)]
    assert (corvee.base_min, corvee.base_max, corvee.base_unit) == (0.5, 0.75, "市斤")  # 16 liang in 1955
    taro = rows[("yield.taro_vegetable_exempt_area", None)]
    assert taro.base_max == pytest.approx(0.15) and taro.base_unit == "畝"
    assert rows[("ration.deficit_disaster", 5)].reference_concept == "ration.deficit_general"
    assert rows[("ration.deficit_disaster", 5)].condition == "area = disaster; status = deficit"
    assert rows[("ration.retained", 480)].per == "person_year"
    text = (CORPUS / "003_b69152d1adbf7c19.txt").read_text("utf-8")
    for r in rows.values():
        assert text[r.char_start:r.char_end] == r.quote


def test_share_fund_threshold_once():
    rows = standards_of(CORPUS / "002_f63fa80ed67a2d57.txt")
    assert table(rows) == [(5, None, "share_fund.labor_training_threshold", "exact", 1, 1, "年")]


def test_news_has_no_standards():
    assert standards_of(CORPUS / "000_7c73fe4ff602b772.txt") == []


def test_liang_after_1959_is_a_tenth(tmp_path):
    f = tmp_path / "r.txt"
    f.write_text("某省民工補助辦法\n1960年3月1日\n第一條 徵用民工期間，每人每天補供大米八至十二兩。\n", "utf-8")
    (row,) = standards_of(f)
    assert (row.base_min, row.base_max) == (pytest.approx(0.8), pytest.approx(1.2))


@pytest.mark.parametrize(("dateline", "value"), [("1960年3月1日", 1.2), ("1955年3月1日", 1.125)])
def test_jin_and_liang_are_one_quantity_on_the_scale_of_the_date(tmp_path, dateline, value):
    f = tmp_path / "r.txt"
    f.write_text(f"某市臨時供應辦法\n{dateline}\n第一條 臨時來往人員，每人每天按一斤二兩供應。\n", "utf-8")
    (row,) = standards_of(f)
    assert (row.value_min, row.unit, row.quote[-4:]) == (pytest.approx(value), "斤", "一斤二兩")


def test_jin_and_more_liang_than_a_tenth_scale_holds_are_on_the_old_scale():
    from pipeline.extract.numerals import find_numbers
    from pipeline.extract.quantities import build_quantities

    t = "平均单产达到1070斤11两"
    (q,) = build_quantities(t, find_numbers(t))  # no date: 11 两 fits only sixteen to the jin
    assert (q.value_min, q.unit) == (1070.6875, "斤")
    t = "每人每天一斤二两"  # no date, a scale each could hold: left apart, not guessed
    assert [q.unit for q in build_quantities(t, find_numbers(t))] == ["斤", "两"]


def test_unseen_provincial_rules():
    rows = standards_of(PERIOD / "hubei_rules_1955.txt")
    assert table(rows) == sorted([
        (3, None, "yield.reclaimed_land_exempt_years", "max", None, 2, "年"),  # 二年内: within two years
        (4, 1, "ration.retained", "range", 420, 460, "斤"),
        (4, 2, "seed.paddy", "range", 8, 12, "斤"),
        (4, 3, "feed.ox", "range", 30, 40, "斤"),
        (4, 3, "feed.sow_breeding_boar", "range", 150, 200, "斤"),
        (5, None, "purchase.rate", "exact", 85, 85, "%"),
        (5, None, "purchase.rate_rich_peasant", "max", None, 90, "%"),
        (6, None, "ration.deficit_general", "range", 400, 440, "斤"),
        (6, None, "ration.deficit_disaster", "reduction_pct", 8, 8, "%"),
    ])


def test_unseen_cooperative_rules_numbered_with_commas():
    rows = standards_of(PERIOD / "cooperative_charter_excerpt.txt")
    assert table(rows) == sorted([
        (2, None, "coop.public_fund_share", "max", None, 8, "%"),
        (2, None, "coop.welfare_fund_share", "max", None, 2, "%"),
        (3, None, "coop.land_remuneration_share", "max", None, 30, "%"),
        (4, None, "coop.private_plot_share", "max", None, 5, "%"),
    ])


def family_table(rows):
    return [(r.article_no, r.family, r.relation, r.value_min, r.value_max, r.unit) for r in rows]


def test_unseen_provincial_rules_every_family():
    """A provincial text written for this test in the period's ways (not from any source): every standard with
    its family, relation and values. Each form here once read wrong: a list's lead (口粮定量：), grain for a kind
    of worker or staff, a concept from the next clause, cloth sold as a reward, 一斤二两 on the old scale,
    周岁, 分 of land after its land word, a share drawn from a base, a condition's threshold, a cadre's days."""
    rows = standards_of(PERIOD / "hunan_rules_1957.txt")
    assert family_table(rows) == [
        (5, "ration", "range", 450, 500, "斤"), (5, "ration", "range", 500, 550, "斤"),
        (6, "seed", "range", 12, 15, "斤"), (6, "seed", "exact", 15, 15, "斤"),
        (7, "feed", "exact", 150, 150, "斤"), (7, "feed", "exact", 40, 40, "斤"),
        (8, "purchase", "range", 80, 90, "%"),
        (9, "sale", "max", None, 30, "斤"),
        (10, "ration", "reduction_pct", 10, 10, "%"),
        (12, "price", "exact", 7.5, 7.5, "元"),
        (13, "tax", "exact", 15, 15, "%"),
        (14, "fund", "max", None, 5, "%"), (14, "fund", "max", None, 2, "%"),
        (15, "labor", "exact", 250, 250, "个"), (15, "labor", "exact", 150, 150, "个"),
        (16, "land", "max", None, 5, "%"),
        (18, "ration", "exact", 32, 32, "斤"), (18, "ration", "exact", 28, 28, "斤"),
        (18, "ration", "min", 10, None, "岁"), (18, "ration", "exact", 26, 26, "斤"),
        (18, "ration", "max", None, 3, "岁"), (18, "ration", "exact", 8, 8, "斤"),
        (19, "organization", "exact", 1, 1, "人"), (19, "organization", "exact", 1, 1, "人"),
        (20, "reserve", "exact", 30, 30, "斤"),
        (21, "ration", "max", None, 1.125, "斤"),  # 一斤二两 in 1957: sixteen liang to the jin
        (22, "labor", "min", 16, None, "岁"),
        (23, "bonus", "exact", 50, 50, "斤"), (23, "bonus", "exact", 10, 10, "尺"),
        (24, "livestock", "exact", 2, 2, "头"), (24, "goods", "exact", 4, 4, "两"),
        (25, "livestock", "exact", 120, 120, "元"), (25, "fund", "exact", 3, 3, "年"),
        (26, "organization", "range", 7, 9, "人"), (26, "organization", "exact", 1, 1, "年"),
        (26, "organization", "min", 1, None, "次"),
        (27, "yield", "exact", 3, 3, "年"), (27, "yield", "max", None, 5, "年"),
        (29, "purchase", "exact", 0.5, 0.5, "月"),
        (30, "canteen", "range", 50, 100, "户"), (30, "land", "range", 1, 2, "分"),
        (31, "fund", "range", 1, 2, "%"),
        (32, "tax", "max", None, 150, "斤"), (32, "tax", "min", 3, None, "成"), (32, "tax", "exact", 50, 50, "%"),
        (33, "labor", "min", 1, None, "月"), (33, "labor", "min", 60, None, "天"),
    ]


def test_unseen_labour_and_land_rules_every_family():
    """Cooperative rules on labour, plots and distribution written for this test: working ages, work points and
    labour days (一天 the basis, 每少一个劳动日 the basis of the cut), rest days, a cap of cadres, plots and feed
    land (每养猪一头 the basis), reclaimed land, fund shares, a ration split by head and by labour day (按劳动日分配
    names the measure, not the family), an ox's rent in grain (livestock, no feed), meetings."""
    rows = standards_of(PERIOD / "zhejiang_labor_land_rules_1957.txt")
    assert family_table(rows) == [
        (1, "labor", "range", 16, 60, "岁"), (1, "labor", "range", 16, 55, "岁"), (1, "labor", "max", None, 16, "岁"),
        (2, "labor", "exact", 10, 10, "个"), (2, "labor", "exact", 10, 10, "个"), (2, "labor", "exact", 1, 1, "个"),
        (3, "labor", "range", 250, 280, "个"), (3, "labor", "range", 120, 150, "个"),
        (3, "labor", "exact", 50, 50, "%"),
        (4, "labor", "range", 2, 4, "天"), (4, "labor", "exact", 56, 56, "天"), (4, "labor", "exact", 50, 50, "%"),
        (5, "organization", "max", None, 1, "%"), (5, "labor", "max", None, 150, "个"),
        (6, "land", "max", None, 5, "%"), (6, "land", "range", 2, 3, "分"),
        (7, "yield", "max", None, 3, "年"),
        (8, "land", "max", None, 0.5, "亩"),
        (9, "fund", "range", 5, 8, "%"), (9, "fund", "range", 2, 3, "%"), (9, "distribution", "min", 60, None, "%"),
        (10, "ration", "exact", 70, 70, "%"), (10, "ration", "exact", 30, 30, "%"),
        (11, "livestock", "max", None, 150, "斤"), (11, "fund", "max", None, 3, "年"),
        (12, "organization", "min", 2, None, "次"), (12, "organization", "exact", 1, 1, "次"),
        (12, "organization", "exact", 1, 1, "次"),
    ]


def test_an_unseen_notice_sets_rules_in_the_points_its_lead_opens():
    """A prefecture's notice written for this test: its points follow 按以下办法执行：, so each number is a rule's
    (一般为四十斤至六十斤 has no rule word of its own). 每出售一头 is the basis of 自宰一头; an animal's weight is the
    livestock's; feed, cloth or fertiliser sold as a reward the bonus's; oil's purchase and price the goods'."""
    ex = extract(structure_file(PERIOD / "pig_oil_notice_1961.txt"))
    assert family_table(ex.standards) == [
        (1, "livestock", "exact", 1, 1, "头"), (1, "livestock", "min", 100, None, "斤"),
        (2, "bonus", "exact", 50, 50, "斤"), (2, "bonus", "exact", 3, 3, "尺"), (2, "bonus", "exact", 2, 2, "斤"),
        (3, "goods", "range", 40, 60, "斤"), (3, "goods", "exact", 50, 50, "%"),
        (4, "goods", "exact", 2, 2, "元"), (4, "price", "exact", 20, 20, "%"),  # 按牌价加价: a price rise
        (5, "goods", "exact", 2, 2, "两"),
        (6, "livestock", "min", 12, None, "年"),
        (7, "feed", "exact", 300, 300, "斤"),
    ]
    assert ex.facts == []


def test_an_unseen_report_sets_only_the_rules_it_proposes():
    """A county report written for this test: its figures are facts (an average computed, a share of
    households, last year's base), its proposals and judgments standards."""
    ex = extract(structure_file(PERIOD / "county_grain_report_1959.txt"))
    assert family_table(ex.standards) == [
        (2, "ration", "exact", 1, 1, "斤"),
        (4, "ration", "min", 400, None, "斤"), (4, "seed", "exact", 10, 10, "斤"),
        (4, "sale", "max", None, 90, "%"), (4, "reserve", "max", None, 3, "%"),
        (4, "ration", "exact", 400, 400, "斤"),
    ]
    assert [(f.value, f.unit) for f in ex.facts] == [
        (10, "%"), (3e7, "斤"), (2.8e7, "斤"), (20, "%"), (300, "斤"), (120, "个"), (90, "个"), (1.2e10, "斤"),
        (600, "斤"), (5e4, "亩"), (90, "%"), (20, "斤"), (300, "户"), (40, "%")]


def test_an_articles_lead_heads_its_items(tmp_path):
    """第二条　供应办法：⏎1．…⏎2．灾区可以酌量增加百分之十: the item names no family, its article's lead does."""
    f = tmp_path / "r.txt"
    f.write_text("某省补充规定\n1955年4月2日\n\n第二条　供应办法：\n1．缺粮户每人每月不超过二十五斤；\n"
                 "2．灾区可以酌量增加百分之十。\n", "utf-8")
    assert [(r.item_no, r.family) for r in standards_of(f)] == [(1, "sale"), (2, "sale")]


def test_a_report_sets_no_standards_but_states_facts():
    ex = extract(structure_file(PERIOD / "grain_speech_1957.txt"))
    assert ex.standards == []
    assert [(f.value, f.qualifier, f.unit) for f in ex.facts] == [
        (24e9, "about", "斤"), (7.5, "exact", "%"), (4.5e9, "exact", "斤"), (3.8e9, "more_than", "斤"),
        (3.2e6, "exact", "户"), (92, "exact", "%"), (1200, "more_than", "个"), (8, "nearly", "成")]
    assert ex.facts[-1].place == "孝感专区"


def test_period_texts_build_and_validate(tmp_path):
    db = tmp_path / "p.duckdb"
    report = build(PERIOD, db)
    assert report.skipped == []
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from standards where concept is null").fetchone()[0] == 0


def test_liang_without_a_date_gets_no_base_value_but_a_flag(tmp_path):
    f = tmp_path / "r.txt"
    f.write_text("某省飼料辦法\n第一條 養雞每隻每年留糧十二兩。\n", "utf-8")
    (row,) = standards_of(f)
    assert (row.value_min, row.base_min, row.base_max) == (12, None, None) and "base_needs_date" in row.flags


def test_a_cut_written_as_a_range_keeps_both_ends(tmp_path):
    f = tmp_path / "r.txt"
    f.write_text("某省飼料辦法\n1956年3月1日\n第一條 災區的飼料留糧標準可以降低百分之二十至百分之三十。\n", "utf-8")
    (row,) = standards_of(f)
    assert (row.relation, row.value_min, row.value_max, row.unit) == ("range", 20, 30, "%")


def test_a_bound_the_ones_below_are_topped_up_to_is_a_floor():
    from pipeline.extract.numerals import find_numbers
    from pipeline.extract.quantities import build_quantities
    from pipeline.extract.standards import _relation

    t = "口粮不足三百斤的要补足。"
    (q,) = build_quantities(t, find_numbers(t))
    assert _relation(t, q, None) == ("min", 300.0, None)
    t = "七两以下的补到八两"
    assert [_relation(t, q, None)[0] for q in build_quantities(t, find_numbers(t))] == ["max", "exact"]
    # the clause after the condition tops up to the bound's own amount: a floor; to another amount: a bracket
    t = "缺粮户的口粮，每人全年不足三百六十斤的，由国家供应补足到三百六十斤"
    assert [_relation(t, q, None)[0] for q in build_quantities(t, find_numbers(t))] == ["min", "exact"]
    t = "每人全年不足三百斤的，由国家补足到三百六十斤"
    assert [_relation(t, q, None)[0] for q in build_quantities(t, find_numbers(t))] == ["max", "exact"]


def test_a_negated_comparison_before_the_base_of_a_share_bounds_it_from_the_other_side():
    from pipeline.extract.numerals import find_numbers
    from pipeline.extract.quantities import build_quantities
    from pipeline.extract.standards import _relation

    t = "征购任务，一般不应超过总产量的百分之二十五"
    (q,) = build_quantities(t, find_numbers(t))
    assert _relation(t, q, None) == ("max", None, 25.0)
    t = "自留地一般不宜少于耕地的百分之五"
    (q,) = build_quantities(t, find_numbers(t))
    assert _relation(t, q, None) == ("min", 5.0, None)
    t = "超过总产量的百分之二十五的部分"  # not negated: beyond it
    (q,) = build_quantities(t, find_numbers(t))
    assert _relation(t, q, None)[0] == "min"


def test_a_reduction_that_sets_a_condition_is_its_threshold_not_a_cut():
    from pipeline.extract.numerals import find_numbers
    from pipeline.extract.quantities import build_quantities
    from pipeline.extract.standards import _relation

    t = "收成减少三成以上的，减征农业税百分之五十"
    assert _relation(t, build_quantities(t, find_numbers(t))[0], None) == ("min", 3.0, None)
    t = "收成减少三成以上不到五成的，减征农业税百分之五十"  # a bracket: both ends are the condition's
    assert [_relation(t, q, None)[:2] for q in build_quantities(t, find_numbers(t))][:2] == [("min", 3.0),
                                                                                           ("max", None)]
    t = "收成减少三成的，减征农业税百分之五十"
    assert _relation(t, build_quantities(t, find_numbers(t))[0], None) == ("exact", 3.0, 3.0)
    t = "灾区口粮标准可以降低百分之十"
    (q,) = build_quantities(t, find_numbers(t))
    assert _relation(t, q, None) == ("reduction_pct", 10.0, 10.0)


@pytest.mark.parametrize(("text", "number", "not_subject"), [
    ("根据定产、定购数字自1955年起三年不变的原则", "三年", "不变"),  # how long a rule holds, not what it measures
    ("会议最后确定：计划收购面为百分之四十至六十", "百分之四十至六十", "会议"),  # who decided, not a heading
    ("各地经验以分为3岁以下，4—7岁", "3岁以下", "经验"),  # a light noun
])
def test_a_subject_is_never_the_form_of_a_rule_or_who_made_it(text, number, not_subject):
    from pipeline.extract.numerals import find_numbers
    from pipeline.extract.quantities import build_quantities
    from pipeline.extract.subjects import rule_subject

    q = next(x for x in build_quantities(text, find_numbers(text)) if text[x.start:x.end].startswith(number))
    assert rule_subject(text, q) != not_subject


@pytest.mark.parametrize(("text", "number", "subject"), [
    ("临时工的雇佣期间一般不得超过三个月", "三个月", "雇佣期间"),  # a verb and a light noun of measure: a compound
    ("但连续雇佣时间不得超过一年", "一年", "雇佣时间"),
    ("全县收购数量为八千万斤", "八千万斤", "收购数量"),
    ("欠收地区可以少于365斤", "365斤", None),  # … not a light noun of place: where, not what
])
def test_a_verb_before_a_light_noun_of_measure_makes_the_subject(text, number, subject):
    from pipeline.extract.numerals import find_numbers
    from pipeline.extract.quantities import build_quantities
    from pipeline.extract.subjects import rule_subject

    q = next(x for x in build_quantities(text, find_numbers(text)) if text[x.start:x.end].endswith(number))
    assert rule_subject(text, q) == subject


def test_a_concept_word_in_the_numbers_own_clause_outweighs_a_longer_one_before_it():
    """耕牛…，猪每头每年留饲料五十斤: the pig of its own clause, not the ox of the clause before."""
    from pipeline.extract.numerals import find_numbers
    from pipeline.extract.quantities import build_quantities
    from pipeline.extract.standards import choose_concept

    t = "耕牛每头每年留饲料二百斤，猪每头每年留饲料五十斤。"
    ox, pig = [q for q in build_quantities(t, find_numbers(t)) if q.unit == "斤"]
    assert choose_concept(t, ox)[0].name == "feed.ox"
    assert choose_concept(t, pig)[0].name == "feed.fattening_pig"


def test_each_person_of_each_household_is_counted_per_person():
    from pipeline.extract.numerals import find_numbers
    from pipeline.extract.quantities import build_quantities
    from pipeline.extract.standards import _per, _windows

    t = "每户每人平均余粮不足五十斤的，不购。"
    (q,) = build_quantities(t, find_numbers(t))
    assert _per(t, _windows(t, q), None) == "person"
    t = "每户留种子十五斤。"
    (q,) = build_quantities(t, find_numbers(t))
    assert _per(t, _windows(t, q), None) == "household"
