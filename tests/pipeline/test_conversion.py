from pipeline.build import structure_file
from pipeline.extract import extract
from pipeline.extract.conversion import read_table
from tests.conftest import CORPUS


def rows_of(lines):
    """Table rows as the structure stage hands them: (simplified, written, offset, is_row)."""
    out, pos = [], 0
    for text, is_row in lines:
        out.append((text, text, pos, is_row))
        pos += len(text) + 1
    return out


def test_jiangxi_table_flattened_in_two_bands():
    rates = extract(structure_file(CORPUS / "003_b69152d1adbf7c19.txt")).conversion_rates
    assert [(r.crop, r.to_qty) for r in rates] == [
        ("大麥", 120), ("大豆", 140), ("大麥", 90), ("蕎麥", 90), ("高粱", 100), ("玉米", 120), ("栗子", 100),
        ("綠豆", 150), ("蠶蟲", 110), ("豌豆", 120), ("紅薯", 25), ("甘薯", 125), ("芋頭", 35)]
    units = {(r.from_qty, r.from_unit, r.to_crop, r.to_unit) for r in rates}
    assert units == {(100, "市斤", "稻穀", "市斤")}
    flags = {r.position: r.flags for r in rates}
    assert "duplicate_crop" in flags[1] and "duplicate_crop" in flags[3]
    assert "not_a_grain" in flags[7] and "unknown_crop" in flags[9] and "synonym_conflict" in flags[12]
    assert flags[2] == [] and flags[11] == []


def test_grid_table():
    rates = read_table(rows_of([("（百市斤）", False), ("小麦 110", True), ("玉米 100", True),
                                ("折合稻谷（市斤）", False)]))
    assert [(r.crop.text, r.to_qty, r.from_qty) for r in rates] == [("小麦", 110, 100), ("玉米", 100, 100)]


def test_count_mismatch_is_flagged_not_silently_paired():
    rates = read_table(rows_of([("杂粮品种", False), ("（百市斤）", False), ("大麦 小麦 玉米", True),
                                ("折合稻谷", False), ("（市斤）", False), ("120 110", True)]))
    assert all("count_mismatch" in r.flags for r in rates)
    assert [r.crop.text for r in rates] == ["大麦", "小麦", "玉米"]
    assert rates[-1].to_qty is None and "missing_value" in rates[-1].flags


def test_names_regrouped_by_vocabulary_when_counts_do_not_divide():
    rates = read_table(rows_of([("（百市斤）", False), ("玉 米 高 粱 蚕 豆 马 铃 薯", True),
                                ("（市斤）", False), ("120 100 110 30", True)]))
    assert [r.crop.text for r in rates] == ["玉米", "高粱", "蚕豆", "马铃薯"]
    assert all(r.flags == [] for r in rates)


def test_names_printed_together_are_cut_by_the_vocabulary_when_the_count_agrees():
    rates = read_table(rows_of([("（百市斤）", False), ("大麦大豆荞麦高粱玉米", False), ("（市斤）", False),
                                ("120 140 90 100 120", True)]))
    assert [(r.crop.text, r.to_qty) for r in rates] == [("大麦", 120), ("大豆", 140), ("荞麦", 90), ("高粱", 100),
                                                        ("玉米", 120)]
    assert all("count_mismatch" not in r.flags for r in rates)


def test_an_unknown_name_printed_together_is_kept_and_flagged():
    rates = read_table(rows_of([("（百市斤）", False), ("绿豆蚕虫豌豆", False), ("（市斤）", False),
                                ("150 110 120", True)]))
    assert [r.crop.text for r in rates] == ["绿豆", "蚕虫", "豌豆"]
    assert "unknown_crop" in rates[1].flags and rates[0].flags == []


def test_names_printed_together_that_do_not_fit_the_count_are_flagged():
    rates = read_table(rows_of([("（百市斤）", False), ("绿豆蚕虫豌豆", False), ("（市斤）", False),
                                ("150 110 120 90", True)]))
    assert all("count_mismatch" in r.flags for r in rates)
