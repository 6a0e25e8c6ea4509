"""What a standard governs: its family, read from the nearest word that names one (schemas/families.yaml)."""
import pytest

from pipeline.extract.families import families, family_of


def at(text: str, number: str) -> tuple[int, int]:
    k = text.index(number)
    return k, k + len(number)


@pytest.mark.parametrize("text, number, family", [
    ("自留地不超过耕地面积的百分之五", "百分之五", "land"),  # the subject before the limit
    ("委员会由委员五至七人组成", "五至七人", "organization"),
    ("男劳动力每月休假两天", "两天", "labor"),
    ("每人每月发给三十斤口粮", "三十斤", "ration"),  # the word after the number, in its own clause
    ("每头猪划给半亩至一亩饲料地", "半亩至一亩", "land"),  # 饲料地 is land, not the 饲料 it holds
    ("每个食堂以三十户左右为宜", "三十户左右", "canteen"),
    ("股份基金一般在三年内还清", "三年内", "fund"),
    ("粮食收购价格平均提高百分之十五", "百分之十五", "price"),
    ("耕牛的价格平均提高百分之十五", "百分之十五", "livestock"),  # the price of a thing is the thing's
    ("牛的屠宰税由百分之十提高到百分之十五", "百分之十五", "livestock"),
    ("农业税的税率最高不超过百分之二十五", "百分之二十五", "tax"),
    ("劳动力不得少于百分之九十。此数五年不变", "五年", "labor"),  # the paragraph before the sentence
    ("每出售一担棉花奖售粮食三十斤", "三十斤", "bonus"),
    ("每年开会两次", "两次", "organization"),
    ("这个办法五年不变", "五年", "other"),  # nothing names what it governs
    ("养猪户按当地饲料留粮标准减少百分之十五", "百分之十五", "feed"),  # 留粮 after 饲料 is feed grain
    ("每户留粮四百斤", "四百斤", "ration"),  # … and alone the grain a household keeps to eat
    ("大队可以扣留百分之三到五的公益金", "百分之三到五", "fund"),  # the noun a share stands before, after 的
    ("必须于每月二十五日前向粮食部门报送下月的粮食预算", "二十五日", "organization"),  # a report's deadline
    # the thing a price belongs to, named earlier in the major clause (not only in the number's own clause)
    ("将羊皮收购牌价，在原价的基础上，再调低百分之八", "百分之八", "livestock"),
    ("耕畜死亡时，社员按价赔偿百分之二十", "百分之二十", "livestock"),
    # the purchase or supply of a thing other than grain is about that thing (goods, livestock)
    ("凡私运食油出境在二斤以上者，由国营公司按牌价收购", "二斤以上", "goods"),
    ("花生油，春节每人供应三两", "三两", "goods"),
    ("耕牛一律由供销社收购，每头不超过二百元", "二百元", "livestock"),
    ("余粮户交售余粮的百分之八十", "百分之八十", "purchase"),
    ("小牲畜按大牲畜的一半留料", "一半", "feed"),  # 留料: keep feed, the word after the number in its clause
    ("社员私有的牧畜，可以在两年内作价归社", "两年内", "livestock"),
    # a share set against its base by a verb governs what its subject names (the head of the first clause that
    # names a family), not what its base names
    ("公益金一般为总收入的百分之一至二", "百分之一至二", "fund"),
    ("队里留下的储备，只能从公共积累中开支，最多不得超过储备粮的百分之二十", "百分之二十", "reserve"),
    ("干部的补贴工分，一般应该控制在工分总数的百分之二左右", "百分之二左右", "labor"),
    ("收购余粮的百分之八十", "百分之八十", "purchase"),  # no verb sets it against a base: the base's
    ("猪肉，春节每人供应一斤", "一斤", "goods"),  # a non-staple food supplied: goods, as oil and cloth
    # X的Y: the word after 的 is the head (食堂的菜地: land), unless it is an attribute of the thing (牛的屠宰税)
    ("对社员的自留地，收回三分之一作食堂的菜地", "三分之一", "land"),
    ("将牛的屠宰税税率，由现在的10％提高到15％", "15％", "livestock"),
    # a sentence with no family word of its own: the topic of the sentence before, not its nearest detail
    ("社员一律实行口粮半供给制，即一半供给，一半自己出钱，油、盐自己出钱。这个办法三年不变", "三年", "ration"),
    # the basis of a rate is 每 and its noun; a verb and its object after a period are what the number counts
    ("每人每年留种子十二斤", "十二斤", "seed"),
    ("耕牛每头每年留饲料三百斤", "三百斤", "feed"),
    ("缺粮户每人每月供应二十五斤", "二十五斤", "sale"),
    ("缺粮户购粮，每月购买一次", "一次", "sale"),  # 购粮: a household buys from the state
    # 分配 alone allocates a quota (统购任务…分配到县); a distribution word names what is shared out
    ("全区统购任务为二亿斤，分配到县时，一般县增加百分之五", "百分之五", "purchase"),
    ("收益分配中，分配给社员的部分占百分之六十", "百分之六十", "distribution"),
    # an organ before a verb of saying is the speaker, not what the numbers govern
    ("县委工作会议认为，每个乡的工作应在十天内结束", "十天内", "other"),
    ("县委工作会议认为，每个委员会以五人为宜", "五人", "organization"),
    # a clause of purpose names what is aimed at, not what the number after it governs …
    ("为了保证国家有足够的粮食储备，今后两年内，城镇口粮一律不再提高", "两年内", "ration"),
    # … unless nothing else places the number
    ("为了建立储备，两年内不变", "两年内", "reserve"),
    # the basis of a rate (每头牲畜) counts what it is per, not what it governs; alone it still places the number
    ("饲料四十亿斤（平均每头牲畜八十斤）", "八十斤", "feed"),
    ("国家规定每人留用皮棉三斤", "三斤", "goods"),
    # a condition's threshold (…的，) governs what its consequence names; with none, its own clause's word
    ("每户农业收入不满一百五十斤的，免征农业税", "一百五十斤", "tax"),
    ("缺口粮在两个月以下的，由国家供应", "两个月", "sale"),
    ("自留地超过耕地面积百分之五的，应当收回", "百分之五", "land"),
    ("食堂的规模，一般以五十户至一百户为宜", "五十户至一百户", "canteen"),  # a canteen's size
    # grain delivered to the state is purchased, whatever share of what it is
    ("超产粮的百分之四十至五十交国家，其余归生产队支配", "百分之四十至五十", "purchase"),
    # at equal distance the word before the number wins over the word after it
    ("超购部分，国家按牌价加价百分之十二收购", "百分之十二", "price"),
    # a share drawn from a base (在…中提取) governs its subject, not the base
    ("合作社的公益金，可以在全年收入中提取百分之一至百分之二", "百分之一至百分之二", "fund"),
    ("储备粮，一般从总产量中提留不超过百分之三", "百分之三", "reserve"),
    ("可以在全年收入中提取百分之一至百分之二", "百分之一至百分之二", "distribution"),  # no subject: the base
    ("每头牲畜八十斤", "八十斤", "livestock"),
])
def test_the_nearest_word_names_the_family(text, number, family):
    assert family_of(text, *at(text, number)) == family


@pytest.mark.parametrize("text, number, unit, family", [
    ("劳动力要统一调配。根据经验，在一般地区以较小的队（平均三十户左右）为宜", "三十户左右", "户", "organization"),
    ("劳动力要统一调配。每个食堂以三十户左右为宜", "三十户左右", "户", "canteen"),  # a word of its clause first
    ("劳动力要统一调配。根据经验，以三十斤左右为宜", "三十斤左右", "斤", "other"),  # labour counts no grain
    # grain counted per person is a ration where nothing in its clauses names a family …
    ("劳动力要统一调配。城镇居民每人每月三十斤", "三十斤", "斤", "ration"),
    ("（一）特殊重体力劳动者，每人每月平均五十斤", "五十斤", "斤", "ration"),  # a worker's grain
    ("每头牲畜每年八十斤", "八十斤", "斤", "feed"),  # grain per head is feed
    ("每头牲畜作价八十元", "八十元", "元", "livestock"),
    # … and a family word of its clauses comes first
    ("缺粮户的供应标准，每人每月不超过二十五斤", "二十五斤", "斤", "sale"),
])
def test_a_count_of_households_persons_or_times_is_placed_by_its_unit(text, number, unit, family):
    """With no family word in the number's own clauses, a count in 户, 人 or 次 is an organization's, and grain
    counted per person a ration."""
    from pipeline.extract.quantities import unit_info

    assert family_of(text, *at(text, number), unit=unit, unit_kind=unit_info(unit).kind) == family


@pytest.mark.parametrize("text, number, unit_kind, family", [
    # a list's lead before its colon names the family of every item, not the next item's words …
    ("城镇居民口粮定量：大中学生每月三十二斤，机关团体工作人员二十八斤", "三十二斤", "mass", "ration"),
    ("储备粮：每人三十斤，口粮不足的户可以少储", "三十斤", "mass", "reserve"),
    ("饲料：耕畜每头每年留一百五十斤至二百斤", "一百五十斤至二百斤", "mass", "feed"),  # whose feed, not livestock
    # … an item's own clause still comes first, and a generic lead names nothing
    ("社的收入分配：公积金不超过百分之五，公益金不超过百分之二", "百分之二", "pct", "fund"),
    ("标准：委员五至七人", "五至七人", "count", "organization"),
    # a family that never counts in the number's unit is not read: no organization measures grain in 斤
    ("机关团体工作人员每月二十八斤", "二十八斤", "mass", "other"),
    ("机关团体工作人员每月开会一次", "一次", "count", "organization"),
    # a person's word names who a duration is about, not what it governs; it still counts how many
    ("干部参加劳动，县级干部每年不少于一个月", "一个月", "time", "labor"),
    ("干部参加劳动，每个大队设专职干部一至三人", "一至三人", "count", "organization"),
    # grain counted for a kind of worker names no labour (a ration, once its unit is read: below)
    ("（一）特殊重体力劳动者，每月五十斤", "五十斤", "mass", "other"),
    ("男劳动力每月休假两天", "两天", "time", "labor"),
    # cloth or oil sold as a reward is the bonus's
    ("交售棉花每担奖售粮食五十斤，奖售布票十尺", "十尺", "length", "bonus"),
    ("棉布每人每年供应一丈六尺", "一丈六尺", "length", "goods"),
])
def test_a_list_lead_and_the_unit_place_the_number(text, number, unit_kind, family):
    assert family_of(text, *at(text, number), unit_kind=unit_kind) == family


def test_a_nearer_clause_wins_over_a_farther_one():
    text = "口粮标准不变；种子每亩十二斤"
    assert family_of(text, *at(text, "十二斤")) == "seed"


def test_the_heading_places_a_number_its_sentence_does_not():
    text = "一般以二十户左右为宜"
    assert family_of(text, *at(text, "二十户左右")) == "other"
    assert family_of(text, *at(text, "二十户左右"), heading="四、公共食堂") == "canteen"


def test_a_heading_that_names_the_kind_of_text_places_nothing():
    """…会议的报告 is what the text is, not what its numbers govern; a 食堂 in a heading still places them."""
    text = "一般以二十天为限"
    assert family_of(text, *at(text, "二十天"), heading="关于粮食工作汇报会议的报告") == "other"
    assert family_of(text, *at(text, "二十天"), heading="关于公共食堂的报告") == "canteen"


def test_a_concept_decides_before_any_word():
    text = "口粮每人每年四百八十斤"
    assert family_of(text, *at(text, "四百八十斤"), concept_family="feed") == "feed"


def test_the_families_are_the_fixed_list():
    assert set(families()) == {"yield", "purchase", "sale", "ration", "seed", "feed", "price", "tax", "reserve",
                               "distribution", "fund", "labor", "organization", "land", "livestock", "canteen",
                               "bonus", "goods", "other"}


def test_a_concept_found_only_outside_the_major_clause_yields_to_a_word_inside_it():
    from pipeline.extract.numerals import find_numbers
    from pipeline.extract.quantities import build_quantities
    from pipeline.extract.roles import Role, because
    from pipeline.extract.standards import find_standards
    from pipeline.vocab import simplified

    text = simplified("种子四十八亿斤（按播种面积计，平均每亩三十斤）；"
                      "口粮二百六十五亿斤（每人三百六十斤至四百七十斤）")
    qs = build_quantities(text, find_numbers(text))
    rows = {text[s.quantity.start:s.quantity.end]: s for s in
            find_standards(text, qs, [Role("standard", because("in_article")) for _ in qs])}
    assert rows["三十斤"].family == "seed"
    ration = rows["三百六十斤至四百七十斤"]
    assert (ration.family, ration.concept) == ("ration", "ration.unclassified")


def _standards(text: str) -> dict:
    from pipeline.extract.numerals import find_numbers
    from pipeline.extract.quantities import build_quantities
    from pipeline.extract.roles import Role, because
    from pipeline.extract.standards import find_standards
    from pipeline.vocab import simplified

    text = simplified(text)
    qs = build_quantities(text, find_numbers(text))
    return {text[s.quantity.start:s.quantity.end]: s for s in
            find_standards(text, qs, [Role("standard", because("in_article")) for _ in qs])}


def test_a_concept_whose_words_stand_only_in_another_clause_yields_to_the_numbers_own_clause():
    """口粮 in the number's own clause makes it a ration, though the next clause's 种子…每亩 would choose the seed
    concept; the seed's own number keeps it. A generic word of its own clause (留粮) does not move a concept."""
    rows = _standards("各地应当保证农民每人每年口粮不低于四百斤，种子每亩留十斤左右")
    assert rows["不低于四百斤"].family == "ration"
    assert (rows["十斤左右"].family, rows["十斤左右"].per) == ("seed", "mu")  # its own basis, not the clause's
    rows = _standards("每户社员可以养猪两头，食油每人每月供应四两")
    assert rows["四两"].family == "goods"
    rows = _standards("新开垦的荒地，自有收获的年度起，免征农业税三年至五年")
    assert rows["三年至五年"].concept == "tax.reclaimed_land_exempt_years"
    rows = _standards("肉猪按五口以上人家养猪一头，每年留粮四十至五十斤")
    assert rows["四十至五十斤"].concept == "feed.fattening_pig"


def test_what_a_rule_about_animals_counts_in_grain_is_not_always_feed():
    """Feed is grain kept (留) or fed (料, 喂) for an animal: an animal's live weight is the animal's (毛重, read
    whatever the unit), an ox's rent in grain a price of the ox, and feed grain sold as a reward the bonus's (feed
    yields to bonus). Grain kept per head is still feed."""
    rows = _standards("派购的生猪，每头毛重不得低于一百二十斤")
    assert (rows["不得低于一百二十斤"].family, rows["不得低于一百二十斤"].concept) == ("livestock",
                                                                             "livestock.unclassified")
    rows = _standards("耕牛由社统一使用的，每头每年付给牛主的租金不超过稻谷二百斤")
    assert rows["二百斤"].family == "livestock"
    rows = _standards("国家收购的肥猪，每头奖售饲料粮六十斤")
    assert (rows["六十斤"].family, rows["六十斤"].concept) == ("bonus", "bonus.unclassified")
    rows = _standards("耕牛每头每年留精饲料三百斤")
    assert rows["三百斤"].concept == "feed.ox"


def test_the_measure_a_share_is_divided_by_is_not_what_it_governs():
    """按劳动日分配: 劳动日 is how the share is divided, the ration is what it is of (read last, as a basis is)."""
    rows = _standards("社员的口粮，按人口分配的部分占百分之七十左右，按劳动日分配的部分占百分之三十左右")
    assert rows["百分之七十左右"].family == rows["百分之三十左右"].family == "ration"
    rows = _standards("全年收入扣除费用以后，按劳动日分配给社员的部分不少于百分之六十")
    assert rows["不少于百分之六十"].family == "distribution"
    rows = _standards("男社员全年的基本劳动日不少于二百五十个")  # no dividing: the labour days themselves
    assert rows["不少于二百五十个"].family == "labor"


def test_a_share_is_counted_per_a_basis_of_its_own_clause_only():
    rows = _standards("每亩油菜籽的派购任务一般为四十斤，超过任务的部分，收购百分之五十")
    assert rows["四十斤"].per == "mu" and rows["百分之五十"].per is None

