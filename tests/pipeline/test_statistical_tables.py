"""Statistical tables: every cell a fact in the unit it is counted in (tables written for these tests)."""
from pipeline.extract.statistical_tables import read_statistics


def cells(paragraphs):
    return [(c.value, c.unit, c.subject) for c in read_statistics(paragraphs)]


def test_a_unit_line_and_a_percent_column():
    got = cells(["计算单位：亿元", "项目 1952年实际 1957年计划 1957年为1952年的百分比\t总计 827.1 1,249.9 151.1"
                                  "\t农业 483.9 596.6 123.3"])
    assert got[:3] == [(82710000000.0, "元", "总计1952年实际"), (124990000000.0, "元", "总计1957年计划"),
                       (151.1, "%", "总计1957年为1952年的百分比")]
    assert len(got) == 6


def test_a_unit_column_scales_each_row():
    got = cells(["产品名称 计算单位 1952年实际 1957年计划\t原 煤 万吨 6,352.8 11,298.5\t机 车 台 20 200"
                 "\t氯霉素 公斤 — 6,000"])
    assert got == [(63528000.0, "吨", "原煤1952年实际"), (112985000.0, "吨", "原煤1957年计划"),
                   (20.0, "台", "机车1952年实际"), (200.0, "台", "机车1957年计划"),
                   (6000.0, "公斤", "氯霉素1957年计划")]  # — is an empty cell


def test_a_second_header_row_under_the_header_that_names_no_year():
    got = cells(["项目 1952年实际 1957年计划 占总计的百分比\t1952年 1957年\t工业 270.1 535.6 32.7 42.9"])
    assert [(v, u) for v, u, _ in got] == [(270.1, None), (535.6, None), (32.7, "%"), (42.9, "%")]
    assert got[3][2] == "工业占总计的百分比1957年"


def test_a_second_header_row_shared_by_every_header():
    header = "项目 1952年实际 1957年计划\t播种 面积 (万亩) 每亩 产量 (市斤) 播种 面积 (万亩) 每亩 产量 (市斤)"
    got = cells([header + "\t稻 42,573.4 321.5 44,486.4 367.6"])
    assert got == [(425734000.0, "亩", "稻1952年实际播种面积(万亩)"), (321.5, "市斤", "稻1952年实际每亩产量(市斤)"),
                   (444864000.0, "亩", "稻1957年计划播种面积(万亩)"), (367.6, "市斤", "稻1957年计划每亩产量(市斤)")]


def test_composite_cells_and_group_rows():
    got = cells(["项目 计算单位 1952年实际\t内燃机 台/万马力 1,528/12.76\t货运量\t铁路 万吨 13,206.4"])
    assert got == [(1528.0, "台", "内燃机1952年实际"), (127600.0, "马力", "内燃机1952年实际"),
                   (132064000.0, "吨", "货运量铁路1952年实际")]
