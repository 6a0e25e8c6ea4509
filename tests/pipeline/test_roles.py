"""Every number in one role, read from its sentence: sentences written for these tests, one per construct."""
import pytest

from pipeline.extract.numerals import find_numbers
from pipeline.extract.quantities import build_quantities
from pipeline.extract.roles import Context, assign_roles
from pipeline.vocab import simplified

RULE = ("regulation", True)  # inside an article of a regulation
PREAMBLE = ("regulation", False)
REPORT = ("report", False)
INSTRUCTION = ("instruction", False)
NEWS = ("news", False)


def roles(text: str, kind: str, in_article: bool) -> list[tuple[str, str]]:
    t = simplified(text)
    qs = build_quantities(t, find_numbers(t))
    return [(t[q.start:q.end], r.role) for q, r in zip(qs, assign_roles(t, qs, Context(kind, in_article)),
                                                         strict=True)]


CASES = [
    # in the articles of a regulation every number is a rule's, with or without a rule word
    ("每户社员每年应当交售余粮的百分之八十五。", RULE, [("百分之八十五", "standard")]),
    ("男社员每月放假四天，女社员每月放假六天。", RULE, [("四天", "standard"), ("六天", "standard")]),
    ("委员会由主任委员1人，副主任委员2人，委员5至7人组成。", RULE,
     [("1人", "standard"), ("2人", "standard"), ("5至7人", "standard")]),
    # … unless it totals or reports
    ("今后两年内全省压缩粮食销量十五亿斤。", RULE, [("两年内", "fact"), ("十五亿斤", "fact")]),
    ("据统计，入社农户已占百分之七十。", RULE, [("百分之七十", "fact")]),
    # a report states facts; a rule word (or a limit) in its clause makes a number a rule's
    ("该县今年共收购粮食三千二百万斤，比去年增加了百分之十二。", REPORT,
     [("三千二百万斤", "fact"), ("百分之十二", "fact")]),
    ("农村口粮标准一般不要低于三百六十斤。", REPORT, [("不要低于三百六十斤", "standard")]),
    ("大队长每月至少参加劳动十五天。", REPORT, [("十五天", "standard")]),
    ("最少的每人有三百斤，平均有五百斤。", REPORT, [("三百斤", "fact"), ("五百斤", "fact")]),
    # a weak rule word counts for a number counted per something, not for a total or a share of people
    ("要求城镇居民每人每月平均节约二斤粮食。", INSTRUCTION, [("二斤", "standard")]),
    ("要求今年入社农户达到百分之八十左右。", INSTRUCTION, [("百分之八十左右", "fact")]),
    ("要争取百分之九十五的社员增加收入。", INSTRUCTION, [("百分之九十五", "fact")]),
    # masked words are no rule words: 重要 holds 要, 供应 holds 应
    ("这个问题很重要，每人口粮三百六十斤。", REPORT, [("三百六十斤", "fact")]),
    ("城市粮食供应紧张，库存只有五天的销量。", REPORT, [("五天", "fact")]),
    # news: what happened; 可以 is "can"
    ("预计到年底可以再建立八百个合作社。", NEWS, [("八百个", "fact")]),
    ("各公社可以按照每人每月三十斤的标准供应口粮。", NEWS, [("三十斤", "standard")]),
    # the basis of another number is part of that row, not a row
    ("每出售一百斤棉花奖售化肥二十斤。", RULE, [("一百斤", "left_out"), ("二十斤", "standard")]),
    ("社员代表每三年改选一次。", RULE, [("三年", "standard"), ("一次", "left_out")]),
    ("一般每10天开会1次。", RULE, [("10天", "standard"), ("1次", "left_out")]),
    ("每5户至8户一名保管员。", RULE, [("5户至8户", "standard"), ("一名", "left_out")]),
    ("一个公社的工作在二十天内结束。", REPORT, [("一个", "left_out"), ("二十天内", "fact")]),
    ("四口以上人家养羊一只，每年留饲料三十斤。", RULE,
     [("四口以上", "left_out"), ("一只", "left_out"), ("三十斤", "standard")]),
    # the text's own enumeration, names of plans, spans looking back
    ("会议讨论了两个问题。", REPORT, [("两个", "left_out")]),
    ("会议开始时，县委提出了三个方案。", REPORT, [("三个", "left_out")]),  # options of the argument
    ("必须做好三件事情。", RULE, [("三件", "left_out")]),
    ("执行第二个五年计划期间。", REPORT, [("五年", "left_out")]),
    ("三年来，全县粮食产量逐年增加。", REPORT, [("三年", "left_out")]),
    # one of something: an article or an adverb, unless a count of a rule or part of a breakdown
    ("这是一个很重要的问题。", REPORT, [("一个", "left_out")]),
    ("要把工作一次做好。", REPORT, [("一次", "left_out")]),
    ("入队库数字一吨未报。", REPORT, [("一吨", "left_out")]),
    ("全乡没有一个食堂停过伙。", REPORT, [("一个", "left_out")]),
    # the first item set off by a comma
    ("第五条　仓库由生产大队，生产队与公社三家共同管理。", RULE, [("三家", "fact")]),
    ("任命王明为主任，李华、冯绍绪两同志为副主任。", RULE, [("两同志", "fact")]),  # the persons named, counted
    ("仓库由生产大队，生产队与公社两家共同管理。", RULE, [("两家", "fact")]),
    ("粮食由国家，社员四家分担。", RULE, [("四家", "standard")]),  # no list the count equals
    ("两个或者两个以上的生产队合并的时候，财产统一移交。", RULE, [("两个或者两个以上", "left_out")]),  # a plural
    ("两个或两个以上的乡合办一个仓库。", RULE, [("两个或两个以上", "left_out"), ("一个", "standard")]),
    ("三个或者三个以上的社合并，须经县委批准。", RULE, [("三个或者三个以上", "standard")]),  # a threshold
    ("三年大跃进中，积累多了一些。", REPORT, [("三年", "left_out")]),  # a period's name, as a plan's
    # the document's own copy or page count in its end matter; a count of what was printed is the text's subject
    ("此件发至县委。\n（共印2500份）", INSTRUCTION, [("2500份", "left_out")]),
    ("送省委阅。（办秘）（抄12份）", INSTRUCTION, [("12份", "left_out")]),
    ("各县共印发宣传材料三十万份。", REPORT, [("三十万份", "fact")]),
    ("尽量归一户计算。", RULE, [("一户", "left_out")]),
    ("规模较小的生产队，可以只设一个保管员。", RULE, [("一个", "standard")]),
    ("全县七个公社，有三个完成任务，一个还差很多。", REPORT,
     [("七个", "fact"), ("三个", "fact"), ("一个", "fact")]),
    ("有一个干部下乡检查工作。", REPORT, [("一个", "left_out")]),
    # a period that frames a statistic of what happened belongs to it
    ("八个月内人口增加了百分之五。", REPORT, [("八个月内", "left_out"), ("百分之五", "fact")]),
    # a share of a population counted
    ("有百分之四十左右的大队可以完成任务。", REPORT, [("百分之四十左右", "fact")]),
    # the forms in which the period writes a rule without a rule word of its own
    ("这个分配比例三年不变。", REPORT, [("三年", "standard")]),  # a period a rule fixes
    ("凡出售余粮在五百斤以上者，给予奖励。", INSTRUCTION, [("五百斤以上", "standard")]),  # a rule's threshold
    ("口粮不足三百斤的要补足。", REPORT, [("不足三百斤", "standard")]),  # … with what is done about it
    ("百户以上的社有二十个。", REPORT, [("百户以上", "fact"), ("二十个", "fact")]),  # a bound in a statistic
    ("将生猪收购价格提高百分之十。", INSTRUCTION, [("百分之十", "standard")]),  # a change a rule decrees
    ("去年生猪收购价格提高了百分之十。", REPORT, [("百分之十", "fact")]),  # … and one that happened
    ("我们建议每个全劳动力全年做二百五十个劳动日。", REPORT, [("二百五十个", "standard")]),  # a proposed rule
    ("假定收购价格提高百分之三十，国家就要多支出十亿元。", REPORT, [("百分之三十", "fact"), ("十亿元", "fact")]),
    ("好的社也要一年整顿二次、三次。", REPORT, [("一年", "left_out"), ("二次、三次", "standard")]),  # a frequency
    ("在一个乡内可以建立三个食堂。", REPORT, [("一个", "left_out"), ("三个", "standard")]),  # within one …
    ("领导不得法，有百分之一的社濒于解体。", REPORT, [("百分之一", "fact")]),  # 不得法 is no 不得
    ("计算结果每户每人有三亩就有余粮。", REPORT, [("三亩", "fact")]),  # a calculation's result
    # a rule word governs what follows it; after the number, only in its own clause or after a condition it closes
    ("国家收购的粮食，约三分之一消耗在可以不必供应的地方。", REPORT, [("约三分之一", "fact")]),
    ("三个月的口粮应当留足。", REPORT, [("三个月", "standard")]),
    ("每人收入在八十元以上的社，公积金可以多留。", REPORT, [("八十元以上", "standard")]),
    # the base of a comparison is no time a clause reports; an exemption's period is a rule's
    ("各县的征购任务应比去年减少百分之五。", INSTRUCTION, [("百分之五", "standard")]),
    ("今年的销量比去年增加了百分之五。", INSTRUCTION, [("百分之五", "fact")]),
    ("新开垦的荒地两年内免征公粮。", INSTRUCTION, [("两年内", "standard")]),
    ("最好每个社员每月能吃到三十斤。", REPORT, [("三十斤", "standard")]),  # 最好: a weak rule word
    ("搞得最好的社每亩收了五百斤。", REPORT, [("五百斤", "fact")]),  # … not the best of something
    # a share right after 按 is the rate a thing is dealt with by, which a weak rule word sets
    ("余粮户的余粮，按百分之八十五收购。", REPORT, [("百分之八十五", "standard")]),
    ("今年余粮按百分之八十五收购了。", REPORT, [("百分之八十五", "fact")]),
    # a negated comparison with a modal is a limit; with 未 it reports
    ("每人每年不许超过五百斤。", REPORT, [("不许超过五百斤", "standard")]),
    ("今年的销量未超过五百万斤。", REPORT, [("未超过五百万斤", "fact")]),
    # the speaker's own proposal opens a statement with a comma as with a colon; others' opinions do not
    ("我们的意见，城市居民每人每月减少粮食一斤。", REPORT, [("一斤", "standard")]),
    ("群众的意见，每人每月吃三十斤不够。", REPORT, [("三十斤", "fact")]),
    # a speaker's judgment closes a rule on what stands before it; its 了 reports nothing
    ("我看口粮每人每年四百斤就够了。", REPORT, [("四百斤", "standard")]),
    ("我看农民每人每年吃四百斤就差不多了。", ("speech", False), [("四百斤", "standard")]),
    ("任务完成得差不多了，每人平均交售四百斤。", REPORT, [("四百斤", "fact")]),
    ("食堂的规模，以五十户左右比较合适。", REPORT, [("五十户左右", "standard")]),
    ("去年每人吃了四百斤，够了。", REPORT, [("四百斤", "fact")]),
    # an instruction's amount per person, household or mu is what it sets; an average is how it reports
    ("城镇居民每人每月供应二十八斤。", INSTRUCTION, [("二十八斤", "standard")]),
    ("平均每人每月吃粮三十二斤。", INSTRUCTION, [("三十二斤", "fact")]),
    ("据反映，有的地方每人每月只吃二十斤。", INSTRUCTION, [("二十斤", "fact")]),
    ("一个农民到集上买了三百斤粮食。", INSTRUCTION, [("一个", "left_out"), ("三百斤", "fact")]),
    # a rate of reward per a quantity sold, outside a regulation's articles too; an average is a statistic
    ("社员每交售一百斤油料，奖售食油五斤。", REPORT, [("一百斤", "left_out"), ("五斤", "standard")]),
    ("平均每百斤稻谷出米七十斤。", REPORT, [("百斤", "left_out"), ("七十斤", "fact")]),
    # 每 and a verb before an amount of one: the basis another number is counted per, in the next clause too
    ("社员每出售一头肥猪给国家，可以自宰一头。", RULE, [("一头", "left_out"), ("一头", "standard")]),
    ("每养母猪一头，另拨给饲料地三分。", RULE, [("一头", "left_out"), ("三分", "standard")]),
    ("每少做一个劳动日，扣减应得部分的百分之五十。", RULE, [("一个", "left_out"), ("百分之五十", "standard")]),
    ("每户一人，每人每年一百斤。", RULE, [("一人", "standard"), ("一百斤", "standard")]),  # 每 and a measure word
    ("每种作物一个品种，每亩留种十斤。", RULE, [("一个", "standard"), ("十斤", "standard")]),  # 每种: each kind
    # news relays a rule an instruction sets (指示要求，…), even past a colon whose lead opens nothing; not what it
    # reports (指出)
    ("指示要求，受灾地区应当减征农业税：收成减少三成以上的，减征百分之五十。", NEWS,
     [("三成以上", "standard"), ("百分之五十", "standard")]),
    ("指示指出，去年全国征收农业税三百八十亿斤。", NEWS, [("三百八十亿斤", "fact")]),
    # the parts of one split of ten share the role of the first (按 makes the first a rate, not the second)
    ("收入按四六分成。", REPORT, [("四", "standard"), ("六", "standard")]),
    ("去年的收入是四六分成。", REPORT, [("四", "fact"), ("六", "fact")]),
    # what some units set is reported, not the text's rule; a modal of the text's own makes it the rule for them
    ("有的社规定每人每年只留口粮三百斤，这是不对的。", REPORT, [("三百斤", "fact")]),
    ("有些地方把口粮标准定为三百斤，必须纠正。", REPORT, [("三百斤", "fact")]),
    ("但是个别县规定每人每月只供应十五斤。", INSTRUCTION, [("十五斤", "fact")]),
    ("有的地区可以留四百斤。", REPORT, [("四百斤", "standard")]),
    ("有的社员留粮过多的，应当动员他们卖出二百斤。", REPORT, [("二百斤", "standard")]),
    # one period before 的 that a thing is counted over, the topic of a number after it; not what someone did
    ("一个全劳动力一天的标准工作，一般评为十个工分。", RULE, [("一个", "left_out"), ("一天", "left_out"),
                                                  ("十个", "standard")]),
    ("农民只能买到一天的粮，往返要走四十多里。", REPORT, [("一天", "fact"), ("四十多里", "fact")]),
    # a portion beyond a threshold and the rate it is dealt with by: the bracket of a progressive rule
    ("超过二百斤的部分，收购百分之六十。", REPORT, [("超过二百斤", "standard"), ("百分之六十", "standard")]),
    ("不足三百斤的部分，由国家按每人每月十五斤补给。", REPORT, [("不足三百斤", "standard"), ("十五斤", "standard")]),
    ("超过二百斤的部分，占百分之六十。", REPORT, [("超过二百斤", "fact"), ("百分之六十", "fact")]),
    ("其中超过二百斤的部分，已收购了百分之六十。", REPORT, [("超过二百斤", "fact"), ("百分之六十", "fact")]),
    # a condition closed by 的 that a modal clause follows, its verb phrase a dozen characters long
    ("耕牛折价入社以后，两年内付清牛价确实有困难的，可以分期付款。", REPORT, [("两年内", "standard")]),
    ("两年内付清牛价的社员已经不少，大家都很满意。", REPORT, [("两年内", "fact")]),
    ("超过一倍半以上的，应当退回。", REPORT, [("超过一倍半以上", "standard")]),
    ("超支户只占百分之三十八，其他的户都不应当超支。", REPORT, [("百分之三十八", "fact")]),
    # a statement a decision opens (…确定：, a sentence opening with 决定) sets rules to the sentence's end
    ("省委最后确定：每个负担亩收购三十斤。", REPORT, [("三十斤", "standard")]),
    ("总的情况是：每人平均吃粮四百斤。", REPORT, [("四百斤", "fact")]),
    ("确定县、区干部经三天训练后下乡。", REPORT, [("三天", "standard")]),
    # the value a norm noun is set to
    ("偿还年限为三至五年。", REPORT, [("三至五年", "standard")]),
    ("借种期限一般为两年。", REPORT, [("两年", "standard")]),
    ("亩产一般为二百斤。", REPORT, [("二百斤", "fact")]),
    # a condition closed by 者 and the amount it is for
    ("凡缺粮在三个月以上者，每人每月供应二十斤。", REPORT, [("三个月以上", "standard"), ("二十斤", "standard")]),
    ("有余粮五百斤以上者，每百斤奖励布票三尺。", REPORT,
     [("五百斤以上", "standard"), ("百斤", "left_out"), ("三尺", "standard")]),
    # what there is, right before the number, is a statistic even beside a rule word
    ("全市现有三百二十户粮店，一律改为代销店。", INSTRUCTION, [("三百二十户", "fact")]),
    ("该县还有九千元，应当立即发放。", INSTRUCTION, [("九千元", "fact")]),
    ("各社至少有一个保管员。", INSTRUCTION, [("至少有一个", "standard")]),
    # 可由: may be done by; 如以…计算: a calculation's supposition
    ("可由生产队给社员划给耕地面积百分之三的饲料地。", REPORT, [("百分之三", "standard")]),
    ("如以现在的速度计算，至少尚需七个月。", REPORT, [("七个月", "fact")]),
    # the count of what the text lists is a statistic of its own, never a rule's
    ("省委由潘某、杨某、冯某等三人组成粮食小组。", INSTRUCTION, [("三人", "fact")]),
    ("储备粮由生产队、生产大队与公社三家共同保管。", RULE, [("三家", "fact")]),
    ("必须依次开好两个会议，即县委会议、乡干部会议。", INSTRUCTION, [("两个", "fact")]),
    ("敦化等八个县问题比较大，必须抓紧。", INSTRUCTION, [("八个", "fact")]),
    ("有三千多户，即大约占入社农户的百分之五。", REPORT, [("三千多户", "fact"), ("百分之五", "fact")]),
    ("如果我们决定再用三年时间基本上完成。", REPORT, [("三年", "fact")]),  # a supposed decision
    # a quoted name, a relative date, a restated split
    ("“双百斤”运动生产的粮食归生产队。", RULE, [("百斤", "left_out")]),
    ("以生产队上一年的实际产量作为包产指标。", RULE, [("一年", "left_out")]),
    ("超产部分实行四六开，即四成归大队，六成奖给生产队。", RULE,
     [("四", "left_out"), ("六", "left_out"), ("四成", "standard"), ("六成", "standard")]),
    ("合作社应当拨给他一份土地。", RULE, [("一份", "left_out")]),
    # a class of a statistic (…以上的一百七十八个), a former value, a point opened inside a paragraph
    ("现在百户以上的大社还有一百六十个，其中三百户以上的还有二十个。", REPORT,
     [("百户以上", "fact"), ("一百六十个", "fact"), ("三百户以上", "fact"), ("二十个", "fact")]),
    ("我们对于百户以上的一百七十八个大社进行了整顿。", REPORT, [("百户以上", "fact"), ("一百七十八个", "fact")]),
    ("社员入社比例由原来的百分之四十七下降为百分之四十六。", REPORT,
     [("百分之四十七", "fact"), ("百分之四十六", "fact")]),
    ("这样大家满意（4）某县有十七个社不具备条件，必须整顿。", REPORT, [("十七个", "fact")]),
    ("具体办法是：(1)社员按价赔偿百分之三十；(2)繁殖的幼畜，社员得六成。", REPORT,
     [("百分之三十", "standard"), ("六成", "standard")]),
    # 一次 before what it modifies: at once
    ("包干的制度可以一次全面实行。", REPORT, [("一次", "left_out")]),
    ("籽种按播种面积一次选好留足。", RULE, [("一次", "left_out")]),
    # one period opening its clause before 的 is what the amount after it is counted over, no rule's number;
    # a period compared or measured against is one (相当于…一个月的, 超过一年的)
    ("每户按计划购粮；一个季度的供应数量，可以一次购买。", RULE, [("一个季度", "left_out"), ("一次", "left_out")]),
    ("一年的口粮标准为四百二十斤。", RULE, [("一年", "left_out"), ("四百二十斤", "standard")]),
    ("入社股金相当于社员一个月的工资收入。", RULE, [("一个月", "standard")]),
    ("凡是参加生产超过一年的，可以转为正式社员。", RULE, [("超过一年", "standard")]),
    # a count in brackets right after a fact tells more of it; a rate there is what the total was planned by
    ("将现有1500户粮商（从业员约4200人）逐步改造为国营商店的代销店。", RULE,
     [("1500户", "fact"), ("约4200人", "fact")]),
    ("安排如下：种子四十八亿斤（平均每亩三十斤）。", INSTRUCTION, [("四十八亿斤", "fact"), ("三十斤", "standard")]),
    # what there is, with the noun it counts between (现有粮商五百户); a bound or a restrictive 只有 sets a condition
    ("将现有粮商五百户逐步改造为代销店。", RULE, [("五百户", "fact")]),
    ("只有粮食三百斤以下的户，可以申请供应。", RULE, [("三百斤以下", "standard")]),
    ("只有粮食三百斤的户，可以申请供应。", RULE, [("三百斤", "standard")]),
    # a bracket of whom a rule covers: its floor (以上) and its ceiling (不满) both bound it, after 每 too
    ("每人有二十亩以上不满三十亩者，每亩征收十二斤。", REPORT,
     [("二十亩以上", "standard"), ("不满三十亩", "standard"), ("十二斤", "standard")]),
    ("凡全家收入在三百元以上不满五百元者，每人每月供应大米二十五斤。", REPORT,
     [("三百元以上", "standard"), ("不满五百元", "standard"), ("二十五斤", "standard")]),
    ("全县有余粮五十斤以上的户一千二百户。", REPORT, [("五十斤以上", "fact"), ("一千二百户", "fact")]),
    # a change decreed with 将 at the head of its major clause, past a change already made (a fact) on the way
    ("将小麦收购价格，在已提高百分之五的基础上，再提高百分之八。", INSTRUCTION,
     [("百分之五", "fact"), ("百分之八", "standard")]),
    ("估计今年的产量将要超过三千万斤，比去年增加将近一倍。", REPORT, [("超过三千万斤", "fact"), ("将近一倍", "fact")]),
    # one place where something is done (在一个食堂开伙) sets no count; a count of them does
    ("同一生产队的社员，应当在一个食堂吃饭。", RULE, [("一个", "left_out")]),
    ("大队干部要固定在一个生产队参加劳动。", RULE, [("一个", "left_out")]),
    ("每个生产队设一个食堂。", RULE, [("一个", "standard")]),
    # the value of the norm the number describes (…的标准), whatever the clause reports; not an amount of scale
    ("今年社员留的口粮，都超过了政府规定每人四百二十斤的标准。", NEWS, [("四百二十斤", "standard")]),
    ("去年全省收购了一百二十亿斤的任务。", REPORT, [("一百二十亿斤", "fact")]),
    # how far from a norm (超过国家标准一倍): a fact; a deviation a strong rule word sets stays a rule
    ("有的社员留的棉花超过国家标准一倍还多。", REPORT, [("一倍还多", "fact")]),
    ("各地留粮不得超过规定标准百分之十。", REPORT, [("百分之十", "standard")]),
    # in brackets after a plan's total, the rate it was planned by (where the sentence plans others so) and its average
    ("明年安排：种子四十八亿斤（按播种面积计，平均每亩三十斤）；饲料四十亿斤（平均每头牲畜八十斤）。", INSTRUCTION,
     [("四十八亿斤", "fact"), ("三十斤", "standard"), ("四十亿斤", "fact"), ("八十斤", "standard")]),
    ("口粮二百亿斤（按五千万人计算，每人三百六十斤至四百七十斤，平均四百二十斤）。", INSTRUCTION,
     [("二百亿斤", "fact"), ("五千万人", "fact"), ("三百六十斤至四百七十斤", "standard"), ("四百二十斤", "standard")]),
    ("全省共有耕畜五十万头（平均每户零点八头）。", REPORT, [("五十万头", "fact"), ("零点八头", "fact")]),
    # a share of the count of a population (占社数14%的, 占农户总数的百分之四十); a limit keeps it a rule
    ("特别是对占社数14%的，更必须抓紧整顿。", REPORT, [("14%", "fact")]),
    ("余粮户不得超过占农户总数的百分之四十。", REPORT, [("百分之四十", "standard")]),
    # a lead that names a rule before a colon opens a statement of it, in news too; what others said, not
    ("各地认真执行了国家规定的政策：余粮户的余粮，一般收购百分之八十到九十。", NEWS,
     [("百分之八十到九十", "standard")]),
    ("他说：今年收购了八百斤。", NEWS, [("八百斤", "fact")]),
    # last year as the base of a share a rule sets is no report of last year
    ("各县应当把粮食销量压缩到去年的百分之九十以内。", INSTRUCTION, [("百分之九十以内", "standard")]),
    ("去年的销量为二亿斤，占计划的百分之九十。", REPORT, [("二亿斤", "fact"), ("百分之九十", "fact")]),
    # the modal a bound opens with is the clause's rule word; a forecast of what can be raised is none
    ("重灾区可以低到三百斤。", REPORT, [("可以低到三百斤", "standard")]),
    ("亩产可以提高到五百斤。", REPORT, [("可以提高到五百斤", "fact")]),
    # a duration in a clause of purpose is the aim's horizon; 为期 opens no aim
    ("第九条　为在今后三年达到恢复生产的目的，各地应当压缩销量。", RULE, [("三年", "fact")]),
    ("第九条　试行期为期三年。", RULE, [("三年", "standard")]),
    # the 了 of 为了 or 除了 reports nothing
    ("第五条　除了口粮三百斤以外，其余全部交售。", RULE, [("三百斤", "standard")]),
    # an average computed (按每人平均计算) sets no rate; an amount a calculation is based on does
    ("全省粮食总产量为一百二十亿斤，按每人平均计算，每人有粮六百斤。", REPORT,
     [("一百二十亿斤", "fact"), ("六百斤", "fact")]),
    ("口粮按每人平均四百斤计算。", REPORT, [("四百斤", "standard")]),
    # 共 inside 公共, 共产 or 中共 is no total
    ("公共食堂每人每天用粮不超过十二两。", RULE, [("不超过十二两", "standard")]),
    ("中共中央规定每人每月供应二十五斤。", INSTRUCTION, [("二十五斤", "standard")]),
    ("各社共留储备粮三十万斤。", REPORT, [("三十万斤", "fact")]),
    # numbers without a unit, under a hundred, are no quantity (一想…二想…)
    ("一想调整任务，二想国家返销。", REPORT, []),
]


@pytest.mark.parametrize("text, where, expected", CASES, ids=[c[0] for c in CASES])
def test_roles(text, where, expected):
    assert roles(text, *where) == expected


def test_every_quantity_gets_a_role_and_a_reason():
    t = simplified("今年全省粮食总产量约为一百二十亿斤，口粮每人每年不得低于三百六十斤，其中两件事要办好。")
    qs = build_quantities(t, find_numbers(t))
    rs = assign_roles(t, qs, Context("report", False))
    assert len(rs) == len(qs) == 3
    assert all(r.role in ("standard", "fact", "left_out") and r.reason for r in rs)


def test_a_household_size_points_at_the_standard_it_conditions():
    t = simplified("三至四口之家养猪一头，留粮六十至七十斤。")
    qs = build_quantities(t, find_numbers(t))
    rs = assign_roles(t, qs, Context("regulation", True))
    assert rs[0].role == "left_out" and rs[0].condition_of == 2
    assert [r.role for r in rs] == ["left_out", "left_out", "standard"]


@pytest.mark.parametrize("text, where, reason", [
    ("凡出售余粮在五百斤以上者，给予奖励。", INSTRUCTION, "the threshold of a rule"),
    ("将生猪收购价格提高百分之十。", INSTRUCTION, "a change a rule decrees"),
    ("这个分配比例三年不变。", REPORT, "a period a rule fixes"),
    ("假定收购价格提高百分之三十。", REPORT, "a supposition"),
])
def test_a_construct_names_itself_as_the_reason(text, where, reason):
    t = simplified(text)
    qs = build_quantities(t, find_numbers(t))
    assert assign_roles(t, qs, Context(*where))[0].reason.startswith(reason)


def test_the_signals_name_what_the_rules_saw():
    t = simplified("口粮每人每年不得低于三百六十斤。")
    qs = build_quantities(t, find_numbers(t))
    from pipeline.extract.role_model import recording_signals

    with recording_signals():
        (r,) = assign_roles(t, qs, Context("report", False, unit_kind="item", rule_density="high"))
    assert {"kind=report", "in=item", "document_rules=high", "rules=standard", "unit_kind=mass",
            "normative.strong@minor", "distributive@minor", "char+1=。"} <= set(r.signals)


def test_no_signals_are_computed_for_a_model_that_never_overrules(monkeypatch):
    from pipeline.extract import role_model

    t = simplified("口粮每人每年不得低于三百六十斤。")
    qs = build_quantities(t, find_numbers(t))
    gated_off = role_model.RoleModel(("standard", "fact", "left_out"), (0.0, 0.0, 0.0), {}, threshold=1.01)
    monkeypatch.setattr(role_model, "model", lambda: gated_off)
    (r,) = assign_roles(t, qs, Context("report", False))
    assert r.role == "standard" and r.signals == ()


def test_a_paragraph_that_opens_a_statement_governs_its_numbered_points(tmp_path):
    from pipeline.build import structure_file
    from pipeline.extract import extract

    f = tmp_path / "某县委关于手工业合作社问题的报告.txt"
    f.write_text("某县委关于手工业合作社问题的报告\n\n　　今年全县共有手工业户三千户。因此，我们的意见是：\n\n"
                 "　　1、雇用四至九人的小业主，入社后超过应交股金的资财作价存社。\n\n"
                 "　　2、社员的股金一般为二十元。\n\n　　去年入社的有八百户。\n", "utf-8")
    rows = extract(structure_file(f))
    assert sorted((s.value_min, s.value_max, s.unit) for s in rows.standards) == [(4, 9, "人"), (20, 20, "元")]
    assert {fact.value for fact in rows.facts} == {3000, 800}  # the report before and after the points


@pytest.mark.parametrize("lead", ["今年的派购和奖售，按以下办法执行：", "现对收购工作提出以下几点意见：",
                                  "为了做好收购，专署特作如下指示："])
def test_a_notice_that_opens_its_points_with_a_lead_sets_rules_in_them(tmp_path, lead):
    from pipeline.build import structure_file
    from pipeline.extract import extract

    f = tmp_path / "某专署关于油料派购的通知.txt"
    f.write_text(f"某专署关于油料派购的通知\n\n　　去年全区收购油料八百万斤。{lead}\n\n"
                 "　　一、每亩油菜籽的派购任务，一般为四十斤至六十斤。\n\n"
                 "　　二、超过任务的部分，收购百分之五十。\n", "utf-8")
    rows = extract(structure_file(f))
    assert sorted((s.value_min, s.value_max, s.unit) for s in rows.standards) == [(40, 60, "斤"), (50, 50, "%")]
    assert [fact.value for fact in rows.facts] == [8_000_000]


def test_a_numbered_heading_of_proposals_governs_the_points_under_it(tmp_path):
    from pipeline.build import structure_file
    from pipeline.extract import extract

    f = tmp_path / "关于粮食分配问题的调查报告.txt"
    f.write_text("关于粮食分配问题的调查报告\n\n　　二、存在的问题。\n\n　　（1）有的队征购占总产量的百分之三十五。\n\n"
                 "　　三、今后的意见。\n\n　　（1）征购任务，一般为总产量的百分之二十五。一定三年，增产不增购。\n",
                 "utf-8")
    rows = extract(structure_file(f))
    assert sorted((s.value_min, s.unit) for s in rows.standards) == [(3, "年"), (25, "%")]
    assert [fact.value for fact in rows.facts] == [35]


def test_every_reason_has_a_declared_code_and_its_words(built_db):
    """numbers.reason_code is a code of schemas/roles.yaml `reasons`; the reason's words are that code's, with the
    word the rule found filled in: a user groups by the code, and reads the words."""
    import re

    import duckdb

    from pipeline import vocab

    declared = {code: str(text) for group in vocab.load("roles")["reasons"].values() if isinstance(group, dict)
                for code, text in group.items()}
    con = duckdb.connect(str(built_db), read_only=True)
    rows = con.execute("select reason_code, reason from numbers").fetchall()
    assert {code for code, _ in rows} <= set(declared)
    assert "in_article" in {code for code, _ in rows} and len({code for code, _ in rows}) >= 5
    for code, words in rows:
        template = re.escape(declared[code])
        pattern = re.sub(r"\\\{\w+\\\}", ".+", template)
        assert re.fullmatch(pattern, words, re.S), (code, words)
    # a reason is declared under the role it gives (left_out, fact, standard)
    group = {code: name for name, g in vocab.load("roles")["reasons"].items() if isinstance(g, dict) for code in g}
    for code, role in con.execute("select distinct reason_code, role from numbers").fetchall():
        if group[code] in ("left_out", "fact", "standard"):
            assert role == group[code], (code, role)


def test_a_reason_is_made_from_its_code_and_the_word_found():
    from pipeline.extract.roles import because

    assert because("rule_word", word="应").text == "rule word 应"
    assert because("in_article").code == "in_article"
    with pytest.raises(KeyError):
        because("no_such_reason")
