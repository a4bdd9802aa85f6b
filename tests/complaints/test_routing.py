"""The routing engine (pure, no database) and the measured quality of the default rules.

The engine is tested with small hand-made rules so each behaviour is visible on its own; the
default rules are checked against the unit table of the domain reference and measured on the
labelled cases in ``routing_cases.tsv``, whose accuracy report is printed on every run.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from complaints.default_rules import DEFAULT_RULES
from complaints.routing import (
    ASSIGNED,
    CATEGORY_PREFIX,
    TRIAGE,
    RoutingDecision,
    Rule,
    normalize,
    route,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DOMAIN_README = Path(__file__).resolve().parents[3] / "shared" / "domain" / "README.md"
CASES_FILE = Path(__file__).with_name("routing_cases.tsv")

MIN_ACCURACY = 0.95

# Units that handle disputes, by section 三 of the notice; each needs default rules and cases.
DISPUTE_UNITS = {
    "market-regulation",
    "development-reform",
    "education",
    "transport",
    "agriculture",
    "commerce",
    "housing",
    "culture-tourism",
    "public-security",
    "court",
    "justice",
}
# Units the notice gives education and co-handling roles only: never a rule's primary unit.
NO_DISPUTE_UNITS = {"finance", "publicity", "industry-commerce-federation"}


def unit_codes() -> set[str]:
    """The 17 unit codes of the domain reference's table, which wins over any copy in code."""
    text = DOMAIN_README.read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([a-z-]+)` \|", text, flags=re.MULTILINE))


# Small rules for the engine tests: two units that share the word 卡.
FOOD = Rule(
    key="food",
    name="食品安全",
    primary_unit="market-regulation",
    categories=("食品安全",),
    any_of=("食物中毒", "过期", "拉肚子"),
)
CARDS = Rule(
    key="cards",
    name="预付卡",
    primary_unit="commerce",
    co_units=("public-security",),
    categories=("预付卡",),
    any_of=("会员卡", "储值卡", "跑路"),
    none_of=("培训",),
)
TRAINING = Rule(
    key="training",
    name="校外培训",
    primary_unit="education",
    any_of=("培训班", "退费"),
)
KTV = Rule(key="ktv", name="娱乐场所", primary_unit="culture-tourism", any_of=("KTV",))
RULES = (FOOD, CARDS, TRAINING, KTV)


# --- The engine -------------------------------------------------------------------------


def test_one_any_of_word_is_enough_to_assign():
    decision = route("吃完饭回家就拉肚子", rules=RULES)
    assert decision.status == ASSIGNED
    assert decision.primary_unit == "market-regulation"
    assert decision.rule == "food"
    assert decision.matched == ("拉肚子",)
    assert decision.reason == "confident"


def test_a_text_no_rule_knows_goes_to_triage():
    decision = route("我家门口的路灯坏了", rules=RULES)
    assert decision == RoutingDecision(
        primary_unit=None,
        co_units=(),
        status=TRIAGE,
        rule=None,
        matched=(),
        candidates=(),
        reason="no_rule_matched",
    )


@pytest.mark.parametrize("text", ["", "   ", "\u3000\n\t", None])
def test_empty_text_without_category_goes_to_triage(text):
    decision = route(text, rules=RULES)
    assert decision.status == TRIAGE
    assert decision.primary_unit is None
    assert decision.reason == "empty_text"


def test_all_of_needs_every_word():
    rule = Rule(
        key="canteen", name="职工食堂", primary_unit="market-regulation", all_of=("食堂", "职工")
    )
    assert route("职工食堂的饭馊了", rules=(rule,)).rule == "canteen"
    assert route("学校食堂的饭馊了", rules=(rule,)).status == TRIAGE


def test_all_of_narrows_any_of_it_does_not_replace_it():
    rule = Rule(
        key="canteen",
        name="职工食堂",
        primary_unit="market-regulation",
        co_units=("trade-union",),
        all_of=("食堂",),
        any_of=("职工", "工人"),
    )
    assert route("食堂的饭馊了", rules=(rule,)).status == TRIAGE
    decision = route("工人在食堂吃坏了", rules=(rule,))
    assert decision.primary_unit == "market-regulation"
    assert decision.co_units == ("trade-union",)
    assert decision.matched == ("食堂", "工人")


def test_none_of_vetoes_a_rule_even_when_its_category_matches():
    decision = route("培训班的储值卡老板跑路了", "预付卡", rules=RULES)
    assert decision.primary_unit == "education"
    assert "commerce" not in {c.unit for c in decision.candidates}


def test_a_category_matches_when_the_order_category_contains_or_equals_it():
    assert route("", "食品安全", rules=RULES).primary_unit == "market-regulation"
    assert route("", "食品安全类投诉", rules=RULES).primary_unit == "market-regulation"
    assert route("", "食品", rules=RULES).status == TRIAGE


def test_a_category_weighs_more_than_one_word_of_another_unit():
    decision = route("办的会员卡不让用了", "食品安全", rules=RULES)
    assert decision.primary_unit == "market-regulation"
    assert decision.matched == (f"{CATEGORY_PREFIX}食品安全",)
    assert [c.unit for c in decision.candidates] == ["market-regulation", "commerce"]


def test_more_distinct_words_win_and_a_repeated_word_counts_once():
    cards = Rule(key="cards", name="预付卡", primary_unit="commerce", any_of=("会员卡", "跑路"))
    two_words = route("会员卡的钱用不了，老板跑路了，想退费", rules=(cards, TRAINING))
    assert two_words.primary_unit == "commerce"
    repeated = route("退费退费退费，会员卡", rules=(cards, TRAINING))
    assert repeated.status == TRIAGE
    assert repeated.reason == "tie"


def test_equal_scores_for_two_units_are_a_tie_and_go_to_triage():
    decision = route("会员卡的钱没用完，KTV就关了", rules=RULES)
    assert decision.status == TRIAGE
    assert decision.primary_unit is None
    assert decision.rule is None
    assert decision.reason == "tie"
    assert set(decision.matched) == {"会员卡", "KTV"}
    assert {c.unit for c in decision.candidates} == {"commerce", "culture-tourism"}


def test_nearly_equal_scores_are_a_tie_too():
    long_word = Rule(key="long", name="长词", primary_unit="housing", any_of=("单用途预付卡",))
    short_word = Rule(key="short", name="短词", primary_unit="commerce", any_of=("跑路",))
    decision = route("单用途预付卡的老板跑路了", rules=(long_word, short_word))
    assert decision.reason == "tie"
    scores = [c.score for c in decision.candidates]
    assert scores[0] > scores[1]


def test_two_rules_of_the_same_unit_never_tie_with_each_other():
    food_too = Rule(key="food-2", name="食品2", primary_unit="market-regulation", any_of=("过期",))
    decision = route("酸奶过期了", rules=(FOOD, food_too))
    assert decision.primary_unit == "market-regulation"
    assert decision.rule == "food"  # equal scores: the earlier rule wins, deterministically
    assert len(decision.candidates) == 1


def test_priority_decides_what_would_otherwise_be_a_tie():
    urgent = Rule(
        key="ktv-first", name="娱乐", primary_unit="culture-tourism", any_of=("KTV",), priority=1
    )
    decision = route("会员卡的钱没用完，KTV就关了", rules=(CARDS, urgent))
    assert decision.primary_unit == "culture-tourism"
    assert decision.rule == "ktv-first"


def test_a_negative_priority_rule_alone_is_not_confident():
    fallback = Rule(
        key="fallback", name="兜底", primary_unit="market-regulation", any_of=("退货",), priority=-1
    )
    decision = route("不给退货", rules=(fallback,))
    assert decision.status == TRIAGE
    assert decision.reason == "low_score"
    assert decision.candidates[0].rule == "fallback"


def test_full_width_letters_case_and_spaces_are_normalised():
    assert normalize("ＫＴＶ　４Ｓ店\n维 修") == "ktv4s店维修"
    assert route("那家ｋｔｖ的酒水", rules=RULES).primary_unit == "culture-tourism"
    assert route("那家 K T V 的酒水", rules=RULES).primary_unit == "culture-tourism"
    written_wide = Rule(key="wide", name="宽", primary_unit="transport", any_of=("４Ｓ店",))
    assert route("4s店保养", rules=(written_wide,)).primary_unit == "transport"


def test_a_word_used_as_a_landmark_does_not_count():
    assert route("KTV门口的井盖丢了", rules=RULES).status == TRIAGE
    assert route("KTV门口的井盖丢了，KTV里也乱", rules=RULES).primary_unit == "culture-tourism"


def test_a_word_inside_a_longer_matched_word_of_the_same_rule_counts_once():
    rule = Rule(key="spot", name="景区", primary_unit="culture-tourism", any_of=("景区", "A级景区"))
    decision = route("ａ级景区门票", rules=(rule,))
    assert decision.matched == ("A级景区",)


def test_the_decision_explains_the_winner_and_what_else_was_close():
    decision = route("会员卡里的钱没用完老板跑路了，KTV也关了", rules=RULES)
    assert decision.primary_unit == "commerce"
    assert decision.co_units == ("public-security",)
    assert decision.matched == ("会员卡", "跑路")
    first, second = decision.candidates
    assert (first.unit, first.rule) == ("commerce", "cards")
    assert (second.unit, second.rule, second.matched) == ("culture-tourism", "ktv", ("KTV",))
    assert first.score > second.score


def test_as_dict_has_exactly_the_documented_keys():
    data = route("会员卡的钱没用完，老板跑路了", rules=RULES).as_dict()
    assert list(data) == [
        "primary_unit",
        "co_units",
        "status",
        "rule",
        "matched",
        "candidates",
        "reason",
    ]
    assert data["primary_unit"] == "commerce"
    assert data["co_units"] == ["public-security"]
    assert data["status"] == "assigned"
    assert data["matched"] == ["会员卡", "跑路"]
    assert data["candidates"] == [
        {"unit": "commerce", "rule": "cards", "score": 2.2, "matched": ["会员卡", "跑路"]}
    ]
    assert data["reason"] == "confident"


def test_the_same_input_always_gives_the_same_decision():
    text = "会员卡的钱没用完，KTV就关了，还拉肚子"
    assert len({route(text, rules=RULES) for _ in range(5)}) == 1


def test_rules_must_be_well_formed():
    with pytest.raises(TypeError):
        Rule(key="x", name="x", primary_unit="housing", any_of="物业")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Rule(key="x", name="x", primary_unit="housing", co_units=("housing",))
    with pytest.raises(ValueError):
        Rule(key="x", name="x", primary_unit="housing", any_of=("物业", " "))


def test_without_rules_it_uses_the_default_rules():
    assert route("滴滴司机绕路多收钱").primary_unit == "transport"


def test_the_routing_modules_import_without_django():
    code = (
        "import sys, complaints.routing, complaints.default_rules; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_rules_in_a_tuple_are_indexed_and_decide_as_rules_scored_one_by_one():
    # A list is scored rule by rule; a tuple through the index of its words, which must
    # only skip rules that would not have applied.
    one_character = Rule(key="gas", name="燃气", primary_unit="housing", any_of=("气", "燃气表"))
    landmark = Rule(key="school", name="学校", primary_unit="education", any_of=("学校",))
    all_of_only = Rule(key="both", name="两词", primary_unit="transport", all_of=("出租", "绕路"))
    rules = (*RULES, one_character, landmark, all_of_only)
    texts = [
        "在超市买的酸奶过期了，孩子拉肚子",
        "办的会员卡店家跑路了",
        "培训班不给退费，会员卡也不退",
        "ＫＴＶ太吵",
        "家里的气不够用，燃气表走得快",
        "学校门口的小吃摊卖过期食品",
        "学校乱收费",
        "出租车司机绕路",
        "出租车司机态度差",
        "",
    ]
    for text in texts:
        for category in ("", "食品安全", "预付卡 纠纷", "其他"):
            indexed = route(text, category, rules=rules)
            assert indexed == route(text, category, rules=list(rules)), (text, category)
    assert route("家里没气了", rules=rules).primary_unit == "housing"
    assert route("学校门口卖过期食品", rules=rules).primary_unit == "market-regulation"
    assert route("出租车司机绕路", rules=rules).primary_unit == "transport"


def test_the_default_rules_decide_the_labelled_cases_alike_indexed_or_not():
    listed = list(DEFAULT_RULES)
    for case in load_cases():
        for category in (case.category, "", "食品安全"):
            assert route(case.text, category) == route(case.text, category, rules=listed), case


# --- The default rules -----------------------------------------------------------------


def test_the_domain_reference_lists_seventeen_units():
    assert len(unit_codes()) == 17
    assert unit_codes() >= DISPUTE_UNITS | NO_DISPUTE_UNITS


def test_every_default_rule_names_known_units_only():
    codes = unit_codes()
    for rule in DEFAULT_RULES:
        assert rule.primary_unit in codes, rule.key
        assert set(rule.co_units) <= codes, rule.key


def test_default_rule_keys_are_unique_and_names_are_chinese():
    keys = Counter(rule.key for rule in DEFAULT_RULES)
    assert [key for key, n in keys.items() if n > 1] == []
    for rule in DEFAULT_RULES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.key), rule.key
        assert re.search(r"[\u4e00-\u9fff]", rule.name), rule.key


def test_every_dispute_handling_unit_has_rules_and_the_others_have_none():
    primaries = {rule.primary_unit for rule in DEFAULT_RULES}
    assert primaries >= DISPUTE_UNITS
    assert not primaries & NO_DISPUTE_UNITS


def test_no_default_rule_vetoes_its_own_words():
    """A word that contains one of the rule's own none_of words could never match: dead data."""
    for rule in DEFAULT_RULES:
        vetoes = [normalize(w) for w in rule.none_of]
        for word in (*rule.any_of, *rule.all_of, *rule.categories):
            dead = [v for v in vetoes if v in normalize(word)]
            assert not dead, f"{rule.key}: {word!r} is vetoed by {dead}"


def test_no_default_rule_lists_a_word_twice():
    for rule in DEFAULT_RULES:
        for group in (rule.categories, rule.any_of, rule.all_of, rule.none_of):
            normalised = [normalize(w) for w in group]
            assert len(normalised) == len(set(normalised)), rule.key


# --- Accuracy on the labelled cases -----------------------------------------------------


@dataclass(frozen=True)
class Case:
    line: int
    expected: str
    category: str
    text: str


def load_cases() -> list[Case]:
    cases = []
    for number, line in enumerate(CASES_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if not line:
            continue
        fields = line.split("\t")
        assert len(fields) == 3, f"routing_cases.tsv:{number}: expected<TAB>category<TAB>text"
        cases.append(Case(number, fields[0], fields[1].strip(), fields[2]))
    return cases


def test_the_labelled_cases_are_many_varied_and_well_formed():
    cases = load_cases()
    codes = unit_codes()
    assert len(cases) >= 120
    assert {c.expected for c in cases} <= codes | {TRIAGE}
    by_expected = Counter(c.expected for c in cases)
    assert by_expected[TRIAGE] >= 15
    for unit in DISPUTE_UNITS:
        assert by_expected[unit] >= 5, unit
    assert len({c.text for c in cases}) == len(cases), "duplicate texts"


def accuracy_report(cases: list[Case]) -> tuple[str, float, int]:
    """Route every case; return the printable report, unit accuracy and triage misroutes."""
    unit_cases = [c for c in cases if c.expected != TRIAGE]
    triage_cases = [c for c in cases if c.expected == TRIAGE]
    failures: list[str] = []
    correct = wrong_unit = unit_to_triage = triage_ok = triage_misrouted = 0
    per_unit: dict[str, list[int]] = {}
    for case in cases:
        decision = route(case.text, case.category)
        got = decision.primary_unit or TRIAGE
        if case.expected == TRIAGE:
            if got == TRIAGE:
                triage_ok += 1
            else:
                triage_misrouted += 1
                matched = list(decision.matched)
                failures.append(
                    f"MISROUTED {case.line}: triage -> {got} ({decision.rule}, {matched}): "
                    + case.text
                )
            continue
        tally = per_unit.setdefault(case.expected, [0, 0])
        tally[1] += 1
        if got == case.expected:
            correct += 1
            tally[0] += 1
        else:
            if got == TRIAGE:
                unit_to_triage += 1
                label = "TO TRIAGE"
            else:
                wrong_unit += 1
                label = "WRONG UNIT"
            close = [(c.unit, c.score) for c in decision.candidates]
            failures.append(
                f"{label} {case.line}: {case.expected} -> {got} ({decision.reason}, {close}): "
                + case.text
            )
    accuracy = correct / len(unit_cases)
    lines = [
        f"Routing accuracy on {CASES_FILE.name}: {len(cases)} cases,"
        f" {len(DEFAULT_RULES)} default rules",
        f"  primary unit correct: {correct}/{len(unit_cases)} = {accuracy:.1%}"
        f" (wrong unit: {wrong_unit}, sent to triage instead: {unit_to_triage})",
        f"  triage cases sent to triage: {triage_ok}/{len(triage_cases)}"
        f" (misrouted to a unit: {triage_misrouted})",
        "  per unit: "
        + ", ".join(f"{unit} {ok}/{total}" for unit, (ok, total) in sorted(per_unit.items())),
        f"  failures ({len(failures)}):",
        *(f"    {f}" for f in failures),
    ]
    return "\n".join(lines), accuracy, triage_misrouted


def test_default_rules_route_the_labelled_cases_accurately(record_property):
    report, accuracy, triage_misrouted = accuracy_report(load_cases())
    print("\n" + report)
    record_property("summary", report)
    assert triage_misrouted == 0, report
    assert accuracy >= MIN_ACCURACY, report


def _normalized_in_full(text: str) -> str:
    """normalize's definition, as it was first written: NFKC of the whole text."""
    folded = unicodedata.normalize("NFKC", text)
    folded = "".join(c for c in folded if c not in "\u200b\u200c\u200d\u2060\ufeff").lower()
    return "".join(folded.split())


NORMALIZE_POOL = [
    chr(c)
    for first, last in [
        (0x20, 0x250),  # ASCII, Latin-1, Latin extended
        (0x300, 0x370),  # combining marks
        (0x2000, 0x2070),  # spaces, zero-width characters, punctuation
        (0x2460, 0x2500),  # circled numbers
        (0x3000, 0x3100),  # CJK punctuation, kana with voicing marks
        (0x3300, 0x3400),  # squared compatibility words
        (0x4E00, 0x4E80),  # ideographs
        (0xF900, 0xF930),  # compatibility ideographs
        (0xFE30, 0xFE70),  # small and vertical forms
        (0xFF00, 0xFFF0),  # full-width and half-width forms
    ]
    for c in range(first, last)
] + ["\n", "\t", "\ufeff"]


def test_normalize_folds_as_nfkc_of_the_whole_text_would():
    """It folds full-width ASCII on its own before NFKC, for speed: never differently."""
    rng = random.Random(2026)
    texts = ["本人反映：商家拒绝退款，ＫＴＶ消费４Ｓ店。", "e\u200d\u0301", "Ａ\u0301", "ｶﾞ"] + [
        "".join(rng.choice(NORMALIZE_POOL) for _ in range(rng.randint(0, 12)))
        for _ in range(20_000)
    ]
    assert [normalize(t) for t in texts] == [_normalized_in_full(t) for t in texts]
