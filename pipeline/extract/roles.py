"""The role of every quantity: a standard, a fact, or left out, read from the sentence it stands in.

The vocabulary is schemas/roles.yaml; the document's kind and whether the
paragraph is inside an article of a regulation set the default. In order:

1. Left out, with the reason:
   - a number with no unit and under 100 (二想…, 少两): no quantity;
   - the text's own enumeration (两件事情, 四项政策, 两个实际问题, 三种粮食);
   - a number in the name of a plan (十二年全国农业发展纲要);
   - a span looking back (1年来, 七个月来);
   - 一 + measure word after 这/每/任何 (这一个环节);
   - a household size (五口以上人家): the condition of the standard after it;
   - the basis of another number in its clause: 每出售一百斤 (奖售布十尺), 一个乡 (的工作在
     15天内结束), 养猪一头 (，每年留粮四十至五十斤), 一个生产队 (建立一个食堂);
   - the count of a frequency: 每两年改选一次, 10天或半月开1次 (the 一次, the 1次);
   - the period of a statistic it frames (8个月内人口增加了5%);
   - one of something in a report that is no part of a breakdown (一个区干部, 一次做好).
2. A fact: an aggregate (written with 万/亿, 10000 or more, or after 共/全国/全省), a number
   in a clause that reports (了, 已, 据, 估计), a share of people a plan aims at (争取90%的社员).
3. A standard: in the articles of a regulation, every other number; elsewhere a number in a
   clause with a strong rule word (应, 必须, 可以, 不要, 标准 …) or bounded by a limit (不超过,
   至少), or with a weak one (要, 按, 争取 …) when counted per something or a share of something
   (outside news reports).
4. Otherwise a fact.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from pipeline import vocab
from pipeline.extract import role_model
from pipeline.extract.quantities import Quantity, negated_comparison_source
from pipeline.extract.segmenter import tagged_words
from pipeline.grammar import BRACKETS, EVERY, OF, ONE, SENTENCE_ENDS, WHO
from pipeline.grammar import MAJOR as grammar_major
from pipeline.grammar import MINOR as grammar_minor
from pipeline.markers import ARTICLE_RE, ITEM_RE, starts_with_marker

# a number's clause, cut wider than families and standards cut it: a minor clause ends at any punctuation or
# bracket, a major one at any stop, colon or semicolon
MINOR = grammar_minor + grammar_major + SENTENCE_ENDS + BRACKETS
OPENING_BRACKETS, CLOSING_BRACKETS = BRACKETS[0::2], BRACKETS[1::2]  # （ ( and ） )
MAJOR = grammar_major + SENTENCE_ENDS
SENTENCE = SENTENCE_ENDS
STANDARD, FACT, LEFT_OUT = "standard", "fact", "left_out"
# what may stand around a quantity that is a caption by itself: brackets, punctuation, spaces, and
# caption words (单位：), CAPTION_MAX characters at most
CAPTION_MAX = 12
PRACTICE_REACH = 6  # some units and the verb by which they set a thing (有些地方把…, 个别县规定)
HEADING_REACH = 16  # a numbered heading of proposals is short (三、今后的意见。)
OPENER_REACH = 6  # a sentence opens with a decision when its word stands in its first characters (会议决定)
LIST_NOUN_REACH = 6  # the noun a count counts, between it and the colon or 即 that opens the list of them
LIST_MAX = 12  # a count of listed items is a small one
QUOTED_NAME_MAX = 8  # a quotation this short that holds a number is a name (“双百斤”, “三包”)
# 两个或者两个以上 (的合作社合并): "two or more", the plural of the period's legal prose, no count
PLURAL_RE = re.compile(r"(?P<n>[两二2]\S{0,2})或(?:者|是)?(?P=n)以上")
# a condition closed by 的/者 that a modal clause follows: at most this many characters after the number
# (收入不足50元的，可以…; 三、五年内还清价款确有困难的，可以…)
CONDITION_TAIL = 12
CAPTION_RE = re.compile(r"[\s()（）\[\]【】〔〕:：,，、.。;；]+")
REGULATION = "regulation"
DENSITY_BANDS = ((1e-9, "none"), (0.15, "low"), (0.35, "some"), (float("inf"), "high"))
# the size of a number, as a signal: the band it falls in
VALUE_BANDS = ((1, "below_1"), (1.0001, "1"), (10, "below_10"), (100, "below_100"), (1000, "below_1000"),
               (10000, "below_10000"), (float("inf"), "10000_or_more"))
NEWS = "news"
INSTRUCTION = "instruction"
RATE_KINDS = ("mass", "area", "currency", "length")  # the amounts an instruction sets per person, household, mu


@dataclass(frozen=True)
class Reason:
    """Why a number has its role: a code of schemas/roles.yaml (`reasons`) and its words, the found word filled in."""

    code: str
    text: str


@lru_cache(maxsize=1)
def _reason_texts() -> dict[str, str]:
    return {code: str(text) for group in vocab.load("roles")["reasons"].values() if isinstance(group, dict)
            for code, text in group.items()}


def because(code: str, **words: str) -> Reason:
    """The reason of `code` with its words filled in: `because("rule_word", word="应")` → rule word 应."""
    return Reason(code, _reason_texts()[code].format(**words))


@dataclass
class Role:
    role: str
    why: Reason
    condition_of: int | None = None  # index of the quantity a household size conditions
    rules: str | None = None  # the cascade's own role, where the model decided otherwise
    signals: tuple[str, ...] = field(default=(), compare=False, repr=False)  # what the model weighed

    @property
    def reason(self) -> str:
        return self.why.text

    @property
    def code(self) -> str:
        return self.why.code


@dataclass(frozen=True)
class Context:
    """What the paragraph's place tells: the document's kind and whether it is inside an article."""

    kind: str  # regulation, instruction, report, speech, news
    in_article: bool
    unit_kind: str = "paragraph"  # the structural unit the paragraph is in: article, item, paragraph, preamble …
    rule_density: str = "unknown"  # how much of the whole document is written as rules (see `rule_density`)
    opened_by: str | None = None  # the opener (我们的意见是：) of a statement whose numbered point the paragraph is
    on: date | None = None  # the document's date: how many 两 make a 斤 (一斤二两)

    @property
    def rules_by_default(self) -> bool:
        return self.kind == REGULATION and self.in_article


def _longest_first(word: str) -> tuple[int, str]:
    """Longer words first; among words of one length, a fixed order (a set's own order changes from one
    process to the next with Python's string hashing, and with it which rule word a reason names)."""
    return -len(word), word


@lru_cache(maxsize=1)
def _words() -> dict[str, tuple[str, ...]]:
    data = vocab.load("roles")
    out: dict[str, tuple[str, ...]] = {}
    for key, section in data.items():
        for sub in ("strong", "weak", "after", "adverbs", "decisions", "statements", "closers", "separators", "openers",
                    "not_after", "units", "words", "perfective", "not_in_news", "before", "after", "particles",
                    "before_noun", "verbs", "judgments", "with_comma", "not_perfective", "not_before", "headings",
                    "some", "setting", "modals", "connectives"):
            if sub in section:
                name = key if sub == "words" else f"{key}.{sub}"
                out[name] = tuple(sorted({vocab.simplified(str(w)) for w in section[sub]}, key=_longest_first))
    u = vocab.load("units")
    out["abstract_measure_words"] = tuple(vocab.simplified(str(w)) for w in u["abstract_measure_words"]["words"])
    out["household_words"] = tuple(vocab.simplified(str(w)) for w in u["household_words"]["words"])
    return out


@lru_cache(maxsize=1)
def _limit_negation() -> re.Pattern:
    """A negated comparison that sets a limit (不应超过, 决不准高于), not one that reports (未超过)."""
    return re.compile(r"(?<![未没])" + negated_comparison_source(limits=True))


@lru_cache(maxsize=1)
def _print_run_re() -> re.Pattern:
    """A print-run verb opening a bracket or a line, 共 before it allowed, right before where the search ends."""
    verbs = "|".join(map(re.escape, _words()["print_run.verbs"]))
    return re.compile(rf"(?:^|\n|[（(])[ \t　]*共?(?:{verbs})[ \t　]*$")


@lru_cache(maxsize=1)
def _mask_pattern() -> re.Pattern:
    return re.compile("|".join(map(re.escape, _words()["masks"])))


def _is_caption(rest: str) -> bool:
    """What stands around a quantity is nothing but brackets, punctuation and caption words (单位：)."""
    rest = CAPTION_RE.sub("", rest)
    for word in _words()["caption_words"]:
        rest = rest.replace(word, "")
    return not rest


def _clean(text: str) -> str:
    """`text` with the masked words blanked (same length), so that 重要 is not read as 要."""
    return _mask_pattern().sub(lambda m: " " * len(m.group(0)), text)


@lru_cache(maxsize=8)
def _unit(role: str) -> str:
    """The measure word schemas/units.yaml `unit_roles` names for `role` (frequency: 次, household: 口, year: 年)."""
    return vocab.simplified(str(vocab.load("units")["unit_roles"][role]))


@lru_cache(maxsize=1)
def _approximately() -> str:
    """The characters of the one-character words that make a number approximate before it (约, 近)."""
    return "".join(w for w, q in ((vocab.simplified(e["word"]), e["qualifier"]) for e in vocab.load(
        "qualifiers")["qualifiers"] if e["position"] == "before") if len(w) == 1 and q in ("about", "nearly"))


@lru_cache(maxsize=1)
def _share_of_population_re() -> re.Pattern:
    """占 and the count of a population right before a share (占社数, 占农户总数的, 占全县总户数): the share is of
    it."""
    nouns = "|".join(map(re.escape, _words()["population"]))
    return re.compile(rf"占(?:全[^，、。；：]{{0,2}})?总?(?:{nouns})总?数的?$")


@lru_cache(maxsize=1)
def _purpose_openers() -> tuple[str, ...]:
    """The openers of a clause of purpose, one list with the families' (schemas/families.yaml `purpose`)."""
    return tuple(vocab.simplified(str(w)) for w in vocab.load("families")["purpose"]["openers"])


def _has(cleaned: str, key: str) -> str | None:
    """The first word of `key` in a text whose masked words are blanked (see `_clean`)."""
    return next((w for w in _words()[key] if w in cleaned), None)


def counted_noun(text: str, q: Quantity) -> str | None:
    """The noun a count counts: after its measure word and any adjectives, a one-character noun (八个县问题比较大:
    县), else the head of the nouns run together (两个实际问题: 问题; 五个基本差价: 差价)."""
    after = text[q.unit_end if q.unit_end is not None else q.end:][:10]
    cut = min([k for k in (after.find(c) for c in MINOR) if k >= 0] or [len(after)])
    words = list(tagged_words(after[:cut]))
    while words and words[0][1][:1] in ("a", "b", "d") and len(words) > 1:
        words = words[1:]
    if not words:
        return None
    if len(words[0][0]) == 1:
        return words[0][0]
    head = None
    for word, flag in words:
        if not (flag.startswith("n") or flag in ("vn", "zg")):
            break
        head = word
    return head


def _counted_noun_is(text: str, q: Quantity, key: str) -> bool:
    return counted_noun(text, q) in _words()[key]


# a point of an argument numbered inside a paragraph ((4), （四）) opens a new sentence, printed stop or not
POINT_RE = re.compile(r"[（(](?:\d{1,2}|[一二三四五六七八九十]{1,3})[）)]")


@lru_cache(maxsize=8)
def _stop_class(chars: str) -> re.Pattern:
    """Any one of `chars`, found by the regular expression engine rather than a loop over every character."""
    return re.compile(f"[{re.escape(chars)}]")


NOUN_GAP = 4  # at most this many characters of nouns between a word and the number it reads (现有粮商五百户)


def _nouns_only(gap: str) -> bool:
    """Whether `gap` is a short run of nouns only (jieba's dictionary tags: n, nr, ns, nz …), no verb or word
    of another kind between a word and the number it reads."""
    return 0 < len(gap) <= NOUN_GAP and all(tag.startswith("n") for _, tag in tagged_words(gap))


class _Stops:
    """Where the clauses of a text end (positions of its stop characters, and of `points` opened inside it),
    looked up by bisection."""

    def __init__(self, text: str, chars: str, points: tuple[int, ...] = ()):
        self.at = sorted({m.start() for m in _stop_class(chars).finditer(text)} | set(points))
        self.n = len(text)

    def around(self, start: int, end: int) -> tuple[int, int]:
        """The clause holding text[start:end]: from after the stop before `start` to the stop at or after `end`."""
        k = bisect_left(self.at, start)
        a = self.at[k - 1] + 1 if k else 0
        j = bisect_left(self.at, end)
        b = self.at[j] if j < len(self.at) else self.n
        return a, b


class _Paragraph:
    def __init__(self, text: str, quantities: list[Quantity], ctx: Context):
        self.text = text
        self.qs = quantities
        self.ctx = ctx
        self.roles: list[Role | None] = [None] * len(quantities)
        points = tuple(m.start() for m in POINT_RE.finditer(text) if m.start() > 0)
        self.stops = {name: _Stops(text, chars, points) for name, chars in (("minor", MINOR), ("major", MAJOR),
                                                                            ("sentence", SENTENCE))}
        self.stops["printed"] = _Stops(text, SENTENCE)  # a statement's points run on to its printed end
        self.clean = _clean(text)  # the text with masked words blanked, same length: cue words are read here

    def minor(self, q: Quantity) -> tuple[int, int]:
        return self.stops["minor"].around(q.start, q.end)

    def major(self, q: Quantity) -> tuple[int, int]:
        return self.stops["major"].around(q.start, q.end)

    def sentence(self, q: Quantity) -> tuple[int, int]:
        return self.stops["sentence"].around(q.start, q.end)

    def leave(self, i: int, why: str | Reason, **kw) -> None:
        """Leave number `i` out, for the reason `why` (a code of schemas/roles.yaml or a Reason), unless decided."""
        if self.roles[i] is None:
            self.roles[i] = Role(LEFT_OUT, because(why) if isinstance(why, str) else why, **kw)

    # -- 1. left out ------------------------------------------------------------------------
    def left_out(self) -> None:
        text = self.text
        for i, q in enumerate(self.qs):
            big = q.multiplied or (q.value or 0) >= 100
            if "implausible_value" in q.flags:
                self.leave(i, "implausible")
            elif q.unit is None and not big:
                self.leave(i, "no_unit")
            elif len(text) - (q.end - q.start) <= CAPTION_MAX and _is_caption(text[:q.start] + text[q.end:]):
                self.leave(i, "caption")
            elif q.unit in _words()["abstract_measure_words"] or (
                    q.unit_kind == "count" and _counted_noun_is(text, q, "discourse_nouns")):
                self.leave(i, "discourse_count")
            elif q.unit == _unit("year") and re.match(
                    rf"[^{re.escape(MINOR)}]{{0,10}}?(?:{'|'.join(_words()['plan_names'])})", text[q.end:]):
                self.leave(i, "plan_name")
            elif q.unit_kind == "time" and any(text.startswith(w, q.end) for w in _words()["retrospective"]):
                self.leave(i, "retrospective")
            elif q.value == 1 and not q.is_range and any(
                    text.endswith(w, 0, q.start) for w in _words()["demonstratives"]):
                self.leave(i, "demonstrative")
            elif q.value == 1 and not q.is_range and (text.startswith(_words()["not_even_one"], q.end)
                                                      or text.endswith(_words()["not_even_one.before"], 0, q.start)):
                self.leave(i, "not_even_one")
            elif self._print_run(q):
                self.leave(i, "print_run")
            elif q.value_min == 2 and q.value_max is None and PLURAL_RE.fullmatch(text[q.start:q.end]):
                self.leave(i, "plural")
            elif reason := self._names(i):
                self.leave(i, reason)
            elif reason := self._lists(i):
                self.roles[i] = Role(FACT, reason)
            elif q.unit == _unit("household") and any(text.startswith(w, q.end) for w in _words()["household_words"]):
                nxt = next((k for k in range(i + 1, len(self.qs)) if self.qs[k].unit_kind != "count"), None)
                self.leave(i, "household_size", condition_of=nxt)

    def _print_run(self, q: Quantity) -> bool:
        """The document's own copy count: a print-run verb and the number, alone in a bracket or on a line
        ((共印  3400  份), (抄9份))."""
        if q.unit not in _words()["print_run.units"]:
            return False
        before = _print_run_re().search(self.text, 0, q.start)
        after = re.match(r"[ \t　]*(?:[）)]|\n|$)", self.text[q.end:])
        return before is not None and after is not None

    def _lists(self, i: int) -> Reason | None:
        """The count of the persons or things the text lists, a statistic of the text's own, never a rule's
        (北京、天津、上海3个城市; 潘自力、…、刘进芳等十人; 生产队、生产大队与公社三家), or is about to list
        (开好三个会议，即县委扩大会议——…)."""
        q, text = self.qs[i], self.text
        if q.unit_kind != "count":
            return None
        a, b = self.minor(q)
        if self.clean.endswith(_words()["lists.closers"], 0, q.start) and any(c in text[:q.start] for c in "、，"):
            return because("listed_count")
        if self._counts_listed(q):
            return because("listed_items")
        opens = next((w for w in _words()["lists.openers"] if text.startswith(w, b + 1)), None)
        _, sb = self.stops["printed"].around(q.start, q.end)
        listed = any(c in text[b + 1:sb] for c in "、——；")
        if b - q.end <= LIST_NOUN_REACH and listed and (text.startswith("：", b) or (
                text.startswith("，", b) and opens and not text.startswith(_words()["lists.not_after"],
                                                                           b + 1 + len(opens)))):
            return because("listing_count")
        return None

    def _names(self, i: int) -> Reason | None:
        """Numbers that name, no quantity in the world's terms:
        - a number inside a short quotation, a name (“双百斤”运动);
        - a relative date (以小队上一年的实际产量);
        - a tenths split the text restates at once in tenths (实行三七开，即三成归生产队，七成奖给小队)."""
        q = self.qs[i]
        quote = self._quotation(q)
        if quote is not None and quote <= QUOTED_NAME_MAX:
            return because("quoted_name")
        if q.value == 1 and not q.is_range and q.unit in _words()["relative_dates.units"] and any(
                self.clean.endswith(w, 0, q.start) for w in _words()["relative_dates"]):
            return because("relative_date")
        if q.numbers and q.numbers[0].implied_unit and len(q.numbers) == 1:
            return self._restated_split(i)
        return None

    def _counts_listed(self, q: Quantity) -> bool:
        """The count equals the items listed right before it in its clause (A、B与C三家), at least two; or one more
        than those, the first item set off by a comma (由基本核算单位，包产单位与人民公社三家)."""
        if q.value is None or q.is_range or not 2 <= q.value <= LIST_MAX:
            return False
        start = max(self.text.rfind(c, 0, q.start) for c in "，,；;。：:\n") + 1
        separators = f"[{''.join(_words()['lists.separators'])}]"
        segment = self.text[start:q.start]
        parts = [p for p in re.split(separators, segment) if p.strip()]
        if len(parts) < 2 or re.search(r"\d|[一二三四五六七八九十]", segment):
            return False
        if len(parts) == q.value:
            return True
        comma = start - 1
        if len(parts) + 1 == q.value and comma > 0 and self.text[comma] in "，,":
            first = self.text[max(self.text.rfind(c, 0, comma) for c in "，,；;。：:\n") + 1:comma]
            return bool(first.strip()) and not re.search(separators, first)
        return False

    def _quotation(self, q: Quantity) -> int | None:
        """The length of the quotation (“…”, 「…」) the quantity stands inside, or None."""
        text = self.text
        for open_, close in (("“", "”"), ("「", "」"), ('"', '"')):
            a = text.rfind(open_, 0, q.start)
            if a < 0 or text.rfind(close, a + 1, q.start) >= 0:
                continue
            b = text.find(close, q.end)
            if b >= 0:
                return b - a - 1
        return None

    def _restated_split(self, i: int) -> Reason | None:
        """三七开，即三成…七成: the split's two numbers stand again as tenths in its sentence, right after it."""
        q = self.qs[i]
        _, sb = self.sentence(q)
        split = [x for x in self.qs if x.numbers and x.numbers[0].implied_unit and x.start - q.start in range(-2, 3)]
        later = [x for x in self.qs if q.end < x.start < sb and x.unit == q.unit and not x.numbers[0].implied_unit]
        values = sorted(x.value for x in split)
        if len(later) >= 2 and sorted(x.value for x in later[:2]) == values:
            return because("restated_split")
        return None

    def bases(self) -> None:
        """每-bases and frequencies, one-of bases (一个乡的工作在15天内), frames of statistics."""
        text, qs = self.text, self.qs
        for i, q in enumerate(qs):
            if self.roles[i] is not None:
                continue
            a, b = self.minor(q)
            later = [k for k in range(i + 1, len(qs)) if qs[k].start < b and self.roles[k] is None]
            every = text.rfind(EVERY, a, q.start)
            if (counted := self._verb_basis(q, every)) is not None:  # 每出售一头生猪给国家，可以自宰一头
                later = later or counted
                if later:
                    self.leave(i, "basis")
                    continue
            # a bounded amount after 每 is a bracket's bound, no basis (每户每人有三个半负担亩以上不满五个负担亩者)
            if every >= 0 and q.start - every <= 4 and not any(every < x.start < q.start for x in qs) \
                    and q.relation not in ("min", "max"):
                later = later or self._rate_in_next_clause(q)
                if later:
                    k = later[0]
                    once = qs[k].value == 1 and qs[k].unit_kind in ("count", "area", "mass")
                    if once or qs[k].unit == _unit("frequency"):
                        self.leave(k, "rate_one")
                    else:
                        self.leave(i, "basis")
                continue
            if q.unit_kind == "time" and later and qs[later[0]].unit == _unit("frequency") and qs[later[0]].value == 1:
                self.leave(later[0], "frequency_count")
                continue
            if q.unit_kind == "time" and q.value == 1 and not q.is_range and later and qs[later[0]].unit == _unit(
                    "frequency"):
                self.leave(i, "frequency_period")
                continue
            if q.value == 1 and q.unit_kind in ("count", "mass", "area") and not q.is_range:
                if later and text[q.start:q.start + 1] in ONE:
                    k = later[0]
                    if qs[k].unit != q.unit or qs[k].value == 1:
                        self.leave(i, "basis_one")
                        continue
                if q.unit_kind == "count" and (self._next_minor_starts_with_every(q) or self._after_household_size(i)):
                    self.leave(i, "basis_rate")
                    continue
            if q.unit_kind == "time" and later and self._reports(q):
                self.leave(i, "statistic_period")
                continue
            if q.unit_kind == "time" and q.value == 1 and not q.is_range and text[q.end:q.end + 1] == OF \
                    and (not text[a:q.start].strip() or self._counted_over(q)):
                self.leave(i, "period_basis")

    def _counted_over(self, q: Quantity) -> bool:
        """一个全劳动力一天的标准工作，一般评为十个工分: one period before 的 in a clause with no verb before it (the
        topic, not 只能买一天的粮), and a number after it in its major clause; not a span of time (一年的时间内…)."""
        if self.clean.startswith(_words()["period_basis.not_before"], q.end + 1):
            return False
        a, _ = self.minor(q)
        _, b = self.stops["major"].around(q.start, q.end)
        if not any(q.end < x.start < b for x in self.qs):
            return False
        return not any(tag.startswith("v") for _, tag in tagged_words(self.clean[a:q.start]))

    def _verb_basis(self, q: Quantity, every: int) -> list[int] | None:
        """每出售一头生猪给国家，可以自宰一头; 每养猪一头，另拨给饲料地二分至三分: where a verb of `basis_verbs` right
        after 每 counts an amount of one (一头, 一百斤) and no number stands between, the index of the first undecided
        number of the next minor clause (an empty list where there is none); None where `q` is no such amount."""
        if every < 0 or q.relation in ("min", "max") or self.text[q.start:q.start + 1] not in ONE \
                or not self.clean.startswith(_words()["basis_verbs"], every + 1) \
                or any(every < x.start < q.start for x in self.qs):
            return None
        _, b = self.minor(q)
        if b >= len(self.text) or self.text[b] not in "，,":
            return []
        _, nb = self.stops["minor"].around(b + 1, b + 1)
        return [k for k, x in enumerate(self.qs) if b < x.start < nb and self.roles[k] is None][:1]

    def _next_minor_starts_with_every(self, q: Quantity) -> bool:
        """养猪一头，每年留粮四十至五十斤: the next minor clause opens with 每 and holds a number."""
        _, b = self.minor(q)
        if b < len(self.text) and self.text[b] in "，," and self.text[b + 1:b + 2] == EVERY:
            _, end = self.stops["minor"].around(b + 1, b + 1)
            return any(b < x.start < end for x in self.qs)
        return False

    def _after_household_size(self, i: int) -> bool:
        """三至四口之家养猪一头，留粮六十至七十斤: a count after a household size in its clause, before a rate of
        another kind in the same major clause, is what the rate is given for."""
        q = self.qs[i]
        a, _ = self.minor(q)
        _, mb = self.major(q)
        conditioned = any(r is not None and r.condition_of is not None and a <= x.start < q.start
                          for r, x in zip(self.roles, self.qs, strict=True))
        return conditioned and any(q.end <= x.start < mb and x.unit_kind != q.unit_kind for x in self.qs)

    def _reports(self, q: Quantity) -> bool:
        """Does the clause of a duration report what happened in it (了, 已, 据 …; 一年内多耗粮食达…)?"""
        _, b = self.minor(q)
        return bool(self._narrative(q)) or bool(_has(self.clean[q.end:b], "reached"))

    def indefinites(self) -> None:
        """一个 as an indefinite article or an adverb (是一个, 一个很大的数目, 一次做好), in any text; one in a
        rule that forbids it (不宜共组一社) is no count the rule sets."""
        for i, q in enumerate(self.qs):
            if self.roles[i] is None and q.value == 1 and q.unit_kind == "count" and not q.is_range:
                if reason := self._indefinite(q):
                    self.leave(i, reason)
                elif not self._limit(q) and _has(self.clean[self.minor(q)[0]:q.start], "negated_rules"):
                    self.leave(i, "forbidden_one")

    def ones(self) -> None:
        """One of something is a count in a rule or in a breakdown; otherwise an indefinite article."""
        for i, q in enumerate(self.qs):
            if self.roles[i] is not None or q.value != 1 or q.unit_kind != "count" or q.is_range:
                continue
            if self.ctx.rules_by_default or self._normative(q)[0]:
                continue
            a, b = self.sentence(q)
            breakdown = any(k != i and x.unit == q.unit and x.value != 1 and a <= x.start < b
                            for k, x in enumerate(self.qs))
            if not breakdown:
                self.leave(i, "one_of")

    def _indefinite(self, q: Quantity) -> Reason | None:
        """一个 as an indefinite article or an adverb: 是一个, 一个很大的数目, 一个700户以上的大社, 一次做好."""
        text = self.text
        after = text[q.end:q.end + 9]
        stop = min([k for k in (after.find(c) for c in MINOR) if k >= 0] or [len(after)])
        if text.endswith(_words()["indefinite_before"], 0, q.start):
            return because("indefinite_is")
        clause_end = self.minor(q)[1]
        if text.endswith(_words()["frames.before"], 0, q.start) and _has(text[q.end:clause_end], "frames.after"):
            return because("within_one")
        if text.endswith(_words()["located.before"], 0, q.start) and q.unit in _words()["located.units"]:
            return because("located_at_one")
        if OF in after[:stop] and q.unit != _unit("frequency"):
            return because("indefinite_described")
        if re.match(r"\d|[一二三四五六七八九十百千两]", after):
            return because("one_of_described")
        if after[:1] and after[:1] not in MINOR and _verb_follows(after):
            if q.unit == _unit("frequency"):
                return because("at_once")
            if text.endswith(_words()["taken_as"], 0, q.start):
                return because("taken_as_one")
        if q.unit in _words()["portions"]:
            return because("portion")
        if q.unit == _unit("frequency") and text.endswith(_words()["round_verbs"], 0, q.start) and not _has(
                self.clean[self.minor(q)[0]:q.start], "distributive"):
            return because("round_of")
        return None

    # -- 2.–4. fact or standard -------------------------------------------------------------
    def _limit(self, q: Quantity) -> str | None:
        """A limit word bounding the number: in its own words (不超过二十天) or earlier in its minor clause
        (每月至少参加劳动十五天), not as a superlative (最少的每人有三百斤)."""
        a, _ = self.minor(q)
        head = self.clean[a:q.numbers[0].start if q.numbers else q.start]
        if m := _limit_negation().search(head):  # 不应超过, 不宜少于: a limit, as 不超过 is; not 未超过 (reports)
            return m.group(0)
        return next((w for w in _words()["limits"] if w in head), None)

    def _normative(self, q: Quantity) -> tuple[bool, Reason | None]:
        ma, mb = self.major(q)
        limit = self._limit(q)
        if self.ctx.kind == NEWS:
            # news tells what happened: a rule word counts only in the number's clause up to its own end,
            # and 可以 there is "can"
            _, b = self.minor(q)
            clause = self.clean[ma:b]
            strong = next((w for w in _words()["normative.strong"] if w in clause
                           and w not in _words()["normative.not_in_news"]), None)
            return (True, because("rule_word", word=strong or limit)) if strong or limit else (False, None)
        # a modal governs what follows it: before the number, any rule word of its major clause; after it, only
        # the words that close a rule on what stands before them (…为宜, …的标准)
        # the words a bound opens with count as the clause's (重灾区可以低到三百斤: 可以)
        first = q.numbers[0].start if q.numbers else q.start
        strong = _has(self.clean[ma:first], "normative.strong") or _has(self.clean[q.end:mb], "normative.after") \
            or self._modal_after(q)
        if strong or limit:
            return True, because("rule_word", word=strong or limit)
        end = q.unit_end if q.unit_end is not None else q.end
        weak = _has(self.clean[ma:q.start], "normative.weak") or _has(self.clean[end:self.minor(q)[1]],
                                                                       "normative.weak")
        if weak and (self._per(q) or self._share_of(q)):
            return True, because("rule_word_per", word=weak)
        if self._instructed_rate(q):
            return True, because("instructed_rate")
        return False, None

    def _instructed_rate(self, q: Quantity) -> bool:
        """An instruction's amount counted per person, household or mu (城镇居民每人每月供应二十八斤): what the
        instruction sets; not an average (平均每人…, 人均), which is how an instruction reports."""
        if self.ctx.kind != INSTRUCTION or q.unit_kind not in RATE_KINDS:
            return False
        a, _ = self.minor(q)
        return bool(_has(self.clean[a:q.start], "distributive")) and not _has(self.clean[a:q.start], "average")

    def _modal_after(self, q: Quantity) -> str | None:
        """A rule word after the number that still governs it: in the number's own minor clause (三个月的口粮应留足;
        两三年内必须…: a subject or a time adverbial stands before the modal), or opening the clause after a
        condition the number stands in (收入不足50元的，可以…; …以上者，应…)."""
        end = q.unit_end if q.unit_end is not None else q.end
        a, b = self.minor(q)
        if w := _has(self.clean[end:b], "normative.strong"):
            return w
        closes = self.clean[b - 1] in OF + WHO and b - end <= CONDITION_TAIL  # 收入不足50元的，
        describes = q.relation in ("min", "max") and OF in self.clean[end:b]  # 收入在100元以上的社队，
        if b < len(self.text) and self.text[b] in "，," and (closes or describes):
            _, nb = self.stops["minor"].around(b + 1, b + 1)
            return _has(self.clean[b + 1:nb], "normative.strong")
        return None

    def _per(self, q: Quantity) -> bool:
        a, _ = self.minor(q)
        return bool(_has(self.clean[a:q.start], "distributive")) or any(
            r is not None and r.code in ("basis", "basis_one", "basis_rate", "frequency_period") and x.end <= q.start
            and x.start >= a
            for r, x in zip(self.roles, self.qs, strict=True))

    def _share_of(self, q: Quantity) -> bool:
        """收入的60%: a share of something, which a weak rule word may set, or a rate a thing is dealt with by
        (余粮按百分之八十五收购); not one a thing accounts for (占原计划任务…的90.85%: a statistic's share)."""
        head = self.text[:q.start].rstrip(_approximately())
        if q.unit_kind not in ("pct", "tenth", "multiple") or not head.endswith((OF, *_words()["rate_openers"])):
            return False
        a, _ = self.minor(q)
        return not _has(self.clean[a:q.start], "share_verbs")

    def _aggregate(self, q: Quantity) -> Reason | None:
        if q.unit_kind in ("pct", "tenth", "multiple", "time", "age") or (q.value or 0) <= 1:
            return None
        if q.multiplied or (q.value or 0) >= 10000:
            return because("aggregate")
        a, _ = self.minor(q)
        if w := _has(self.clean[a:q.start], "aggregate"):
            return because("total", word=w)
        return None

    def _narrative(self, q: Quantity) -> Reason | None:
        """A clause that reports: 了 in the number's own minor clause, or a reporting word before it in its
        major clause with no rule word between (定量标准已经偏高，要求…降低1斤 sets a rule)."""
        a, b = self.minor(q)
        clause = self.clean[a:b]
        # 每人四百斤就够了: a judgment's 了 reports nothing, nor does the 了 of 为了 or 除了
        for word in _words()["normative.judgments"] + _words()["narrative.not_perfective"]:
            clause = clause.replace(word, " " * len(word))
        if w := _has(clause, "narrative.perfective"):
            return because("reports", word=w)
        ma, _ = self.major(q)
        head = self.clean[ma:q.start]
        said = max(((head.rfind(w), w) for w in _words()["narrative"] if w in head), default=None)
        if said is None:
            return None
        ruled = max((head.rfind(w) for w in _words()["normative.strong"] + _words()["normative.weak"] if w in head),
                    default=-1)
        # a past change named on the way to the one decreed (将…，在已调低7％的基础上，再调低13％) reports nothing of it
        if self._decreed_change(q) and said[0] < self.minor(q)[0]:
            return None
        return because("reports", word=said[1]) if said[0] > ruled else None

    def _practice(self, q: Quantity) -> Reason | None:
        """有的社规定每人每年只留口粮三百斤: a clause of the number's sentence that opens (after a connective) with some
        units and a verb of setting reports what they set, unless a modal of the text's own stands between it and
        the number (有的地区可以高一些)."""
        sa, _ = self.stops["printed"].around(q.start, q.end)
        head = self.clean[sa:q.start]
        some = _words()["practice.some"]
        if not any(w in head for w in some):
            return None
        starts = [0] + [k + 1 for k, c in enumerate(head) if c in "，,；;：:"]
        for k in starts:
            at = k + len(head[k:]) - len(head[k:].lstrip(" 　\n"))
            at += len(next((c for c in _words()["practice.connectives"] if head.startswith(c, at)), ""))
            word = next((w for w in some if head.startswith(w, at)), None)
            if word is None:
                continue
            reach = head[at + len(word):at + len(word) + PRACTICE_REACH]
            verb = next(((reach.find(v), v) for v in _words()["practice.setting"] if v in reach), None)
            if verb is None or any(c in reach[:verb[0]] for c in "，,；;。"):
                continue
            if not _has(head[at + len(word):], "practice.modals"):
                return because("practice", word=head[at:at + len(word) + verb[0] + len(verb[1])])
        return None

    def _existential(self, q: Quantity) -> Reason | None:
        """现有1723户, 孟连还有9000元, 只占38%: what there is or what a thing amounts to, right before the number,
        with no limit bounding it: a statistic."""
        head = self.clean[self.minor(q)[0]:q.numbers[0].start if q.numbers else q.start]
        head = head.rstrip("".join(_words()["existential.particles"]))
        word = next((w for w in _words()["existential"] if head.endswith(w)), None)
        if word is None and q.relation in (None, "range"):  # the word, then the noun it counts: 现有粮商五百户;
            # a bound after the number makes it a threshold (只有粮食三百斤以下的户), never what there is
            word = next((w for w in _words()["existential.before_noun"] if (k := head.rfind(w)) >= 0
                         and _nouns_only(head[k + len(w):])), None)
        return because("existential", word=word) if word and not self._limit(q) else None

    def _population_share(self, q: Quantity) -> bool:
        """百分之四十左右的大队, 90%的社员, 占社数14％的, 占农户总数的百分之四十: a share of a population, counted or
        aimed at."""
        if q.unit_kind != "pct" or self._limit(q):
            return False
        if self.text.startswith(OF, q.end) and any(self.text.startswith(w, q.end + 1) for w in _words()["population"]):
            return True
        return bool(_share_of_population_re().search(self.clean[self.minor(q)[0]:q.start]))

    def _goal_only(self, q: Quantity) -> bool:
        ma, mb = self.major(q)
        clause = self.clean[ma:mb]
        return bool(_has(clause, "goal")) and not _has(clause, "normative.strong") and not self._per(q)

    def _in_purpose(self, q: Quantity) -> bool:
        """为在今后三年…达到…的目的，…: a number in a clause of purpose (opened by 为了, 为) is the aim's, not
        the rule's that follows; 为期三年 and 为限 are no purpose."""
        a, _ = self.minor(q)
        head = self.clean[a:q.start].lstrip(" 　\n")
        for marker in (ARTICLE_RE, ITEM_RE):  # the number of its article or item
            if m := marker.match(head):
                head = head[m.end():].lstrip(" 　")
        return head.startswith(_purpose_openers()) and not head.startswith(
            _words()["purpose_clause.not_after"]) and not _has(self.clean[a:q.start], "normative.strong")

    def _supposed(self, q: Quantity) -> Reason | None:
        """A number under a supposition or a trial calculation (假定收购价提高百分之二十五): no rule's."""
        ma, _ = self.major(q)
        sa, _ = self.sentence(q)
        if w := _has(self.clean[min(ma, sa):q.start], "hypothesis"):
            return because("supposition", word=w)
        return None

    def _fixes_period(self, q: Quantity, offsets: tuple[int, ...]) -> bool:
        """A duration with a fixed-period word (不变, 一订) this many characters after its unit, in its clause."""
        end = q.unit_end if q.unit_end is not None else q.end
        after = self.clean[end:self.minor(q)[1]]
        return q.unit_kind == "time" and any(after.startswith(w, k) for w in _words()["fixed_period"] for k in offsets)

    def _before_threshold_word(self, q: Quantity) -> bool:
        """The quantity is followed by a word that makes it a threshold (者, 的, 为 …), not by another number that it
        describes the class of (100户以上的178个大社: a statistic's class)."""
        word = next((w for w in _words()["thresholds"] if self.clean.startswith(w, q.end)), None)
        return word is not None and not any(x.start == q.end + len(word) for x in self.qs)

    def _bracket_floor(self, q: Quantity) -> Quantity | None:
        """A bracket's floor: 五个负担亩以上不满七个负担亩者: a bound from below right before a bound from above in the
        same unit, which closes the bracket with 者/的; the floor is a threshold of the rule as the ceiling is."""
        if q.relation != "min":
            return None
        nxt = next((x for x in self.qs if x.start >= q.end), None)
        if nxt is not None and nxt.start - q.end <= 1 and nxt.relation == "max" and nxt.unit == q.unit \
                and self._before_threshold_word(nxt):
            return nxt
        return None

    def _rule_construct(self, q: Quantity) -> Reason | None:
        """The forms in which the period writes a rule without a rule word of its own:
        - a period a rule fixes: a duration right before 不变 or 一订 (五年不变, 一年一订);
        - a threshold of whom a rule covers, with what is done about it in its sentence: a bounded quantity
          right before 者/的/为 (凡…在2吨以上者, 不足280斤的要补足, 五十户以上为大社);
        - a change a rule decrees: 将/把 … a change verb right before the number (将耕牛价格逐步提高15％),
          with no perfective 了 in the clause."""
        clean = self.clean
        end = q.unit_end if q.unit_end is not None else q.end
        a, b = self.minor(q)
        if self._fixes_period(q, (0, 1)):
            return because("fixed_period")
        bounded = q.relation in ("min", "max") or _has(clean[max(a, q.start - 3):q.start], "threshold_before")
        ceiling = None if not bounded or self._before_threshold_word(q) else self._bracket_floor(q)
        if bounded and (ceiling is not None or self._before_threshold_word(q)):
            sa, sb = self.sentence(q)
            ma, _ = self.major(q)
            sentence = clean[sa:sb]
            marked = _has(clean[ma:q.start], "condition_openers") or _has(clean[end:sb], "consequence")
            # 者 closes a rule's condition; 的 may describe a size class (建立一个700户以上的大社) unless marked
            closed = any(clean.startswith(w, (ceiling or q).end) for w in _words()["condition_closers"])
            if marked or (closed and (_has(sentence, "normative.strong") or self._amount_follows(q))):
                return because("threshold")
        if bounded and self._portion_rate(q) is not None:
            return because("threshold")
        if opener := self._opened_by(q):
            return because("statement", word=opener)
        if noun := self._norm_value(q):
            return because("norm_value", word=noun)
        if self._consequence_of_condition(q):
            return because("condition_amount")
        if self._rate_per_basis(q):
            return because("rate_per_basis")
        if verb := self._decreed_change(q):
            return because("decreed_change", word=verb)
        return None

    def _decreed_change(self, q: Quantity) -> str | None:
        """将耕牛价格逐步提高15％ / 将牛皮收购牌价，在已调低7％的基础上，进一步再调低13％: a change verb right before
        the number, 将 or 把 before it in its major clause, and no 了 in its own minor clause: the verb."""
        a, b = self.minor(q)
        ma, _ = self.major(q)
        bare = self.clean[a:q.start].rstrip("".join(_words()["change_verbs.particles"]))
        verb = next((w for w in _words()["change_verbs"] if bare.endswith(w)), None)
        if verb and _has(self.clean[ma:q.start], "disposal") and not _has(self.clean[a:b], "narrative.perfective"):
            return verb
        return None

    def _opened_by(self, q: Quantity) -> str | None:
        """A sentence whose statement a rule word or a word of decision opens before a colon (会议最后确定：…,
        时间安排应该是：…, 具体办法如下：…), or that opens with a decision (确定…, 会议决定…): what follows, to the
        sentence's end, is the rule."""
        if self.ctx.opened_by:
            return self.ctx.opened_by
        sa, _ = self.stops["printed"].around(q.start, q.end)
        colon = max(self.clean.rfind("：", sa, q.start), self.clean.rfind(":", sa, q.start))
        if colon >= 0:
            lead = self.clean[max(sa, colon - 6):colon]
            if word := next((w for w in _words()["openers"] if lead.endswith(w)), None) or _has(
                    lead, "normative.strong"):
                return word
        # a sentence that opens with the decision itself (确定省、专两级下乡干部经一个星期训练后…; 指示要求，…：…)
        opening = self.clean[sa:q.start].lstrip(" 　\n")[:OPENER_REACH]
        if _has(opening, "openers.not_after"):  # 如果我们决定…: a supposition, no decision
            return None
        comma = self.clean.find("，", sa, q.start)
        first = self.clean[sa:comma].strip(" 　\n") if comma >= 0 else ""
        if word := next((w for w in _words()["openers.with_comma"] if first.endswith(w)), None):
            return word  # 我们的意见，城市每人每月减少一斤
        return next((w for w in _words()["openers.decisions"] if w in opening), None)

    def _beyond_norm(self, q: Quantity) -> Reason | None:
        """超过国家标准一倍还多: a number right after a norm that a verb of comparison measures against is how far from
        the rule something stands, a fact; unless a strong rule word in its clause sets that deviation."""
        a, b = self.minor(q)
        head = self.clean[a:q.start].rstrip("的")
        norm = next((w for w in _words()["norms"] if head.endswith(w)), None)
        if norm is None:
            return None
        verb = next((w for w in _words()["beyond_norm.verbs"] if w in head), None)
        rest = head[:-len(norm)] + " " + self.clean[q.start:b]  # the norm noun itself is a rule word (标准)
        if verb is None or _has(rest, "normative.strong"):
            return None
        return because("beyond_norm", word=verb)

    def _norm_named_after(self, q: Quantity) -> str | None:
        """超过了国家规定每人留用皮棉三斤的标准, 按每人每月二十八斤的定量供应: the number is the value of the norm noun
        that it describes (…的标准), a rule's number whatever the clause reports around it; not an amount of scale."""
        if q.multiplied or (q.value or 0) >= 10000:
            return None
        if not self.clean.startswith(OF, q.end):
            return None
        return next((w for w in _words()["norms"] if self.clean.startswith(w, q.end + 1)), None)

    def _norm_value(self, q: Quantity) -> str | None:
        """偿还年限为三至五年, 借种期限一般为1年: the number is the value a norm noun (期限, 标准 …) is set to."""
        a, _ = self.minor(q)
        head = self.clean[a:q.start]
        m = re.search(r"(?:为|是)(?:约|近)?$", head)
        if not m:
            return None
        before = head[:m.start()]
        for adverb in _words()["norms.adverbs"]:
            before = before.removesuffix(adverb)
        return next((w for w in _words()["norms"] if before.endswith(w)), None)

    def _amount_follows(self, q: Quantity) -> bool:
        """…以上者，每百斤奖励布票三尺: the clause after the one the quantity closes gives an amount counted per
        something (每), the rule the condition is for."""
        _, b = self.minor(q)
        if b >= len(self.text) or self.text[b] not in "，,":
            return False
        _, nb = self.stops["minor"].around(b + 1, b + 1)
        return bool(_has(self.clean[b + 1:nb], "distributive")) and any(b < x.start < nb for x in self.qs)

    def _consequence_of_condition(self, q: Quantity) -> bool:
        """每户每人有五个负担亩以上者，每个负担亩收购五十一至七十斤: an amount counted per something in the clause
        after a condition closed by 者, in its major clause; 超过二百斤的部分，收购百分之六十: the rate of a portion."""
        ma, _ = self.major(q)
        a, _ = self.minor(q)
        closed = any(self.clean[k - 1] == "者" for k in self.stops["minor"].at if ma < k < a and self.text[k] in "，,")
        if closed and self._per(q):
            return True
        if a == 0 or self.text[a - 1] not in "，,":
            return False
        word = next((w for w in _words()["portions_beyond"] if self.clean.endswith(w, 0, a - 1)), None)
        if word is None:
            return False
        at = a - 1 - len(word)  # where the threshold closed by 的部分 ends
        x = next((x for x in self.qs if (x.unit_end if x.unit_end is not None else x.end) == at), None)
        return x is not None and x.relation in ("min", "max") and self._portion_rate(x) is q

    def _rate_in_next_clause(self, q: Quantity) -> list[int]:
        """每交售一百斤油料，奖售食油五斤: the clause after the basis's opens with a verb of reward or supply and holds
        the rate; its index, or none."""
        _, b = self.minor(q)
        if b >= len(self.text) or self.text[b] not in "，," or not self._opens_with_rate_verb(b + 1):
            return []
        _, nb = self.stops["minor"].around(b + 1, b + 1)
        return [k for k, x in enumerate(self.qs) if b < x.start < nb and self.roles[k] is None][:1]

    def _opens_with_rate_verb(self, at: int) -> bool:
        return self.clean.startswith(_words()["rate_verbs"], at + len(self.clean[at:at + 4]) - len(
            self.clean[at:at + 4].lstrip(" 　")))

    def _rate_per_basis(self, q: Quantity) -> bool:
        """每交售一百斤…奖售布票三尺: an amount counted per a number before it in its minor clause (that number's role
        is the basis), a verb of reward or supply between them, or opening the amount's clause right after the
        basis's (每交售一百斤油料，奖售食油五斤); not an average (平均每百斤…)."""
        a, _ = self.minor(q)
        if a > 0 and self.text[a - 1] in "，," and self._opens_with_rate_verb(a):
            a, _ = self.stops["minor"].around(a - 1, a - 1)  # the basis's clause, before the comma
        if not _has(self.clean[a:q.start], "rate_verbs"):
            return False
        basis = next((x for x, r in zip(self.qs, self.roles, strict=True) if a <= x.start and x.end <= q.start
                      and r is not None and r.code == "basis"), None)
        if basis is None or _has(self.clean[a:basis.start], "average"):
            return False
        return bool(_has(self.clean[basis.end:q.start], "rate_verbs"))

    def _portion_rate(self, q: Quantity) -> Quantity | None:
        """The rate a portion beyond a threshold is dealt with by (超过二百斤的部分，收购百分之六十): `q` closed by
        的部分 and a comma, the clause after holding a share or an amount counted per something, not the share a thing
        accounts for (…的部分，占百分之六十). Returns that rate's quantity, or None."""
        end = q.unit_end if q.unit_end is not None else q.end
        word = next((w for w in _words()["portions_beyond"] if self.clean.startswith(w, end)), None)
        b = end + len(word) if word else -1
        if word is None or b >= len(self.text) or self.text[b] not in "，,":
            return None
        _, nb = self.stops["minor"].around(b + 1, b + 1)
        rate = next((x for x in self.qs if b < x.start < nb), None)
        if rate is None or _has(self.clean[b + 1:rate.start], "share_verbs") or self._narrative(rate):
            return None  # …的部分，占百分之六十; …的部分，已收购了百分之六十: what is, no rule
        return rate if rate.unit_kind in ("pct", "tenth") or self._per(rate) else None

    def decide(self) -> None:
        for i, q in enumerate(self.qs):
            if self.roles[i] is not None:
                continue
            if reason := self._practice(q):
                self.roles[i] = Role(FACT, reason)
            elif noun := self._norm_named_after(q):
                self.roles[i] = Role(STANDARD, because("norm_named", word=noun))
            elif reason := self._aggregate(q) or self._beyond_norm(q):
                self.roles[i] = Role(FACT, reason)
            elif reason := self._narrative(q):
                self.roles[i] = Role(FACT, reason)
            elif self._population_share(q):
                self.roles[i] = Role(FACT, because("population_share"))
            elif reason := self._existential(q):
                self.roles[i] = Role(FACT, reason)
            elif self.ctx.rules_by_default:
                if q.unit_kind == "time" and (self._goal_only(q) or self._in_purpose(q)):
                    self.roles[i] = Role(FACT, because("plan_horizon"))
                else:
                    self.roles[i] = Role(STANDARD, because("in_article"))
            elif self.ctx.kind != NEWS and (reason := self._supposed(q)):
                self.roles[i] = Role(FACT, reason)
            elif self.ctx.kind != NEWS and (reason := self._rule_construct(q)):
                self.roles[i] = Role(STANDARD, reason)
            elif self.ctx.kind == NEWS and (opener := self._opened_by(q)):  # news relays a rule: 国家规定的政策：…
                self.roles[i] = Role(STANDARD, because("statement", word=opener))
            else:
                normative, why = self._normative(q)
                self.roles[i] = Role(STANDARD, why) if normative else Role(FACT, because("statistic"))
        # a duration that frames a plan's aggregate in its clause is that plan's horizon (三年内减少…二千万以上)
        for i, q in enumerate(self.qs):
            r = self.roles[i]
            if r and r.role == STANDARD and q.unit_kind == "time":
                a, b = self.minor(q)
                if any(k != i and self.roles[k] and self.roles[k].role == FACT and self.roles[k].code in (
                        "aggregate", "total") and a <= x.start < b for k, x in enumerate(self.qs)):
                    self.roles[i] = Role(FACT, because("aggregate_horizon"))

    def run(self) -> list[Role]:
        self.left_out()
        self.indefinites()
        self.bases()
        self.ones()
        self.decide()
        self.splits()
        self.asides()
        self.planned_rates()
        rules = [r or Role(FACT, because("statistic")) for r in self.roles]
        self.roles = rules
        if not role_model.signals_wanted():
            return rules
        model = role_model.model()
        out = []
        for i, r in enumerate(rules):
            signals = tuple(self.signals(i))
            structural = r.condition_of is not None  # part of another row: its condition
            role, p = model.decide(list(signals), r.role) if model is not None and not structural else (r.role, 1.0)
            if role == r.role:
                out.append(Role(r.role, r.why, r.condition_of, signals=signals))
            else:
                out.append(Role(role, because("model", p=f"{p:.2f}", role=role, rules=r.role, reason=r.reason),
                                r.condition_of, rules=r.role, signals=signals))
        return out

    def splits(self) -> None:
        """按三七开分配, 以七、三开为宜: the parts of one split of ten (a ratio of tenths, each part right after the
        one before or one separator away) are one rule's or one statistic's; each takes the first part's role."""
        for k in range(1, len(self.qs)):
            q, before = self.qs[k], self.qs[k - 1]
            parts = (x.numbers[0].implied_unit if x.numbers else None for x in (q, before))
            first = self.roles[k - 1]
            if all(u == "成" for u in parts) and 0 <= q.start - before.end <= 1 and first is not None \
                    and self.roles[k] is not None and self.roles[k].role != LEFT_OUT and first.role != LEFT_OUT:
                self.roles[k] = Role(first.role, first.why, first.condition_of)

    def asides(self) -> None:
        """将现有1723户粮商（从业员约3700人）: a count in brackets opened right after a fact, in the fact's own
        clause, tells more of what the fact counts: a fact too, whatever the statement around it sets. A rate
        there (种子四十八亿斤（按播种面积计，平均每亩三十斤）) is the standard the total was planned by."""
        text = self.text
        for i, q in enumerate(self.qs):
            r = self.roles[i]
            if r is None or r.role != STANDARD or q.unit_kind != "count":
                continue
            opened = self._open_bracket(q)
            if opened < 0 or EVERY in text[opened:q.start]:
                continue
            facts = [j for j in range(i) if self.qs[j].end <= opened and self.roles[j] is not None
                     and self.roles[j].role == FACT]
            if facts and not any(c in MINOR for c in text[self.qs[facts[-1]].end:opened]):
                self.roles[i] = Role(FACT, because("fact_aside"))

    def planned_rates(self) -> None:
        """饲料四十亿斤（平均每头牲畜八十斤）, 口粮二百六十五亿斤（…每人三百六十斤至四百七十斤，平均四百二十斤）: in
        brackets opened right after a plan's aggregate, a rate counted per something (每) or the average of such a
        rate is the standard the total was planned by, whatever else the bracket says."""
        text = self.text
        for i, q in enumerate(self.qs):
            r = self.roles[i]
            if r is None or r.role != FACT or r.code != "statistic" or q.multiplied:
                continue
            opened = self._open_bracket(q)
            if opened < 0:
                continue
            total = [j for j in range(i) if self.qs[j].end == opened and self.roles[j] is not None
                     and self.roles[j].code in ("aggregate", "total")]
            if not total or self.qs[total[-1]].unit != q.unit:
                continue
            inside = text[opened:q.start]
            sa, sb = self.sentence(q)
            planned = [x for k, x in enumerate(self.qs) if k != i and sa <= x.start < sb and self.roles[k] is not None
                       and self.roles[k].role == STANDARD and x.unit == q.unit and self._open_bracket(x) >= 0]
            # a rate, where the sentence plans others the same way (种子…（平均每亩三十斤）；饲料…（平均每头八十斤）)
            rated = EVERY in inside[inside.rfind("，") + 1:] and bool(planned)
            # the average of the rate the bracket has just set (每人三百六十斤至四百七十斤，平均四百二十斤)
            averaged = inside.endswith(_words()["average"]) and any(opened < x.start < q.start for x in planned)
            if rated or averaged:
                self.roles[i] = Role(STANDARD, because("planned_rate"))

    def _open_bracket(self, q: Quantity) -> int:
        """Where the bracket the quantity stands inside opens, or -1 when it stands inside none."""
        opened = max(self.text.rfind(c, 0, q.start) for c in OPENING_BRACKETS)
        return -1 if opened < 0 or any(c in CLOSING_BRACKETS for c in self.text[opened:q.start]) else opened

    # -- the signals a learned model weighs (pipeline/extract/role_model.py) ----------------
    def signals(self, i: int) -> list[str]:
        """What the rules saw of quantity `i`, as named binary signals: the document's kind and place, the
        unit's kind and the number's size, the rules' own verdict and reason, the cue words of schemas/roles.yaml
        in the number's minor clause, major clause and sentence, and the characters right around it."""
        q, text, clean = self.qs[i], self.text, self.clean
        r = self.roles[i]
        ctx = self.ctx
        out = [f"kind={ctx.kind}", f"unit_kind={q.unit_kind}", f"rules={r.role}", f"reason={_reason_code(r)}",
               f"in={ctx.unit_kind}", f"document_rules={ctx.rule_density}",
               f"kind={ctx.kind}&rules={r.role}", f"document_rules={ctx.rule_density}&rules={r.role}"]
        if ctx.in_article:
            out += ["in_article", f"in_article&kind={ctx.kind}"]
        if q.unit:
            out.append(f"unit={q.unit}")
        v = q.value or 0
        out.append("value=" + next(name for bound, name in VALUE_BANDS if v < bound))
        out += [name for name, on in (("multiplied", q.multiplied), ("range", q.is_range),
                                      ("approximate", q.approximate), (f"bound={q.relation}", q.relation))
                if on]
        a, b = self.minor(q)
        ma, mb = self.major(q)
        sa, sb = self.sentence(q)
        end = q.unit_end if q.unit_end is not None else q.end
        windows = {"minor": clean[a:b], "major": clean[ma:mb], "before": clean[ma:q.start],
                   "sentence": clean[sa:sb]}
        for key in ("normative.strong", "normative.weak", "narrative", "narrative.perfective", "aggregate", "goal",
                    "limits", "distributive", "negated_rules", "proposal", "hypothesis"):
            for where, words in windows.items():
                if _has(words, key):
                    out.append(f"{key}@{where}")
        if self._fixes_period(q, (0, 1, 2)):
            out.append("fixed_period")
        if (q.relation in ("min", "max") or q.unit_kind == "time") and self._before_threshold_word(q):
            out.append("threshold")
        if _has(clean[end:mb], "consequence"):
            out.append("consequence@after")
        if _has(clean[max(a, q.start - 4):q.start], "average"):
            out.append("average")
        if self._share_of(q):
            out.append("share_of")
        if self._population_share(q):
            out.append("population_share")
        others = [x for k, x in enumerate(self.qs) if k != i and sa <= x.start < sb]
        if any(x.multiplied for x in others):
            out.append("sentence_has_aggregate")
        if len(others) >= 3:
            out.append("sentence_dense")
        if not any(x.start < q.start for x in others):
            out.append("first_in_sentence")
        out += [f"char-1={text[q.start - 1:q.start]}", f"chars-2={text[max(q.start - 2, 0):q.start]}",
                f"char+1={text[end:end + 1]}", f"chars+2={text[end:end + 2]}"]
        return out


def statement_opener(paragraph: str) -> str | None:
    """The opener word of a paragraph that ends by opening a statement of rules (因此，我们的意见是：, 具体办法如下：),
    not of a report (报告如下：): its numbered points follow as paragraphs of their own (simplified view)."""
    text = paragraph.rstrip()
    if not text.endswith(("：", ":")):
        # a numbered heading of proposals (三、今后的意见。): its numbered points follow as paragraphs
        bare = text.rstrip("。．.：: 　")
        if len(bare) > HEADING_REACH or not starts_with_marker(bare):
            return None
        return next((w for w in _words()["openers.headings"] if _clean(bare).endswith(w)), None)
    lead = _clean(text[:-1])[-OPENER_REACH:]
    return next((w for w in _words()["openers.statements"] if lead.endswith(w)), None)


def rule_density(text: str) -> str:
    """How much of a document (simplified view) is written as rules: the share of its sentences that hold a
    strong rule word, as a band (`none`, `low` below 15 %, `some` below 35 %, `high`). A text whose rules carry
    no rule word of their own (分60％的分配比例，五年不变) still reads as rules where most of its sentences do."""
    sentences = [s for s in re.split(f"[{SENTENCE}；;]", _clean(text)) if len(s.strip()) > 3]
    if not sentences:
        return "none"
    share = sum(1 for s in sentences if _has(s, "normative.strong")) / len(sentences)
    return next(band for bound, band in DENSITY_BANDS if share < bound)


def _reason_code(role: Role) -> str:
    """A rule's reason without the word it names: `rule word 应` and `rule word 必须` are one signal."""
    reason = role.reason.split(" (")[0]
    if reason.startswith("rule word"):
        return "rule word, counted per something" if "counted per" in reason else "rule word"
    return reason


def _verb_follows(text: str) -> bool:
    """The next word is a verb or an adverb (一次做好), or a verb follows one word that modifies it (一次全面实行:
    jieba tags 全面 a noun), or a verb morpheme stands first (一次选好留足)."""
    words = [w for w in tagged_words(text) if w[1] != "x"]
    if not words:
        return False
    if words[0][1][:1] in ("v", "d") or words[0][1] == "zg" and len(words) > 1 and words[1][1][:1] in ("a", "v"):
        return True
    return len(words) > 1 and words[0][1] in ("n", "a", "ad") and len(words[0][0]) == 2 and words[1][1][:1] == "v"


def assign_roles(text: str, quantities: list[Quantity], ctx: Context) -> list[Role]:
    """The role of each quantity of a paragraph (simplified view), in order."""
    return _Paragraph(text, quantities, ctx).run()
