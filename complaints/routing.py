"""Route a complaint text to the unit responsible for it, or to the office's triage queue.

This is the one entry point that intake, the API and the ``route`` management command call.
It is pure Python on purpose: the rules are plain data (``Rule``), so the same engine runs
over the default rule set in ``default_rules.py`` today and over rules the office edits in
the database later, and it can be tested and measured without a database.

How a decision is made, and why:

- The text is normalised (full-width to half-width, Latin letters lower-cased, whitespace
  removed) because hotline operators type both ``ＫＴＶ`` and ``ktv`` and break lines
  anywhere; rule words are normalised the same way.
- A word followed by a landmark suffix (``学校门口``, ``网吧旁边``) is a place reference, not the
  subject of the complaint, so it does not count as a match there ("the road outside the
  school" is not the Education Bureau's). ``none_of`` words veto wherever they occur.
- A rule applies when none of its ``none_of`` words occurs, all of its ``all_of`` words
  occur, and it has a signal: the order's category matches one of its ``categories``, or
  one of its ``any_of`` words occurs. A rule with only ``all_of`` words applies on those.
- An applicable rule scores the category bonus, plus a weight for each distinct matched word
  (longer words are more specific and weigh a little more; a word contained in a longer
  matched word of the same rule is not counted twice), plus its ``priority``.
- The best rule wins only when it is confident: it must reach ``MIN_SCORE`` and lead the
  best rule of any *other* unit by at least ``TIE_MARGIN``. Otherwise the order goes to
  the office (status ``triage``) with no primary unit: a wrong unit costs a return, a
  re-dispatch and days of the citizen's time, whereas triage costs the office one look.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

ASSIGNED = "assigned"
TRIAGE = "triage"

REASON_CONFIDENT = "confident"
REASON_EMPTY_TEXT = "empty_text"
REASON_NO_RULE = "no_rule_matched"
REASON_TIE = "tie"
REASON_LOW_SCORE = "low_score"

CATEGORY_WEIGHT = 2.0
"""A matching hotline category is worth two ordinary words: an operator chose it on purpose."""

TIE_MARGIN = 0.5
"""The winner must lead the best other unit by at least half a word, else it is a tie.

Word weights differ by less than this, so a single word against a single word of another
unit is always a tie; one word against a fallback rule's word (priority -1) is not."""

MIN_SCORE = 1.0
"""Below one word's worth (possible with a negative priority) nothing is confident."""

MAX_CANDIDATES = 5
"""How many units the decision lists as candidates for staff to compare."""

CATEGORY_PREFIX = "category:"
"""Marks the matched category label in ``RoutingDecision.matched``, apart from text words."""

LANDMARK_SUFFIXES = ("门口", "旁边", "附近", "对面", "边上", "隔壁")
"""After a matched word these mark it as a place reference (see the module docstring)."""

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
"""Full-width ASCII and the ideographic space to what NFKC makes of them, on their own."""


def normalize(text: str) -> str:
    """Fold a text into the form rules are matched against.

    NFKC turns full-width Latin letters, digits and punctuation into half-width ones
    (``ＫＴＶ４Ｓ`` -> ``KTV4S``); lower-casing makes ``ktv`` and ``KTV`` equal; whitespace and
    zero-width characters are removed because Chinese has no word spaces and operators
    break lines anywhere, so a space inside a word must not hide it.
    """
    # The hotline's texts are NFKC but for their full-width punctuation, and normalising a
    # whole text for it was most of routing's work: those characters are folded on their
    # own first (which NFKC would do: they decompose to one character each), and the
    # rest is normalised only if it needs to be.
    folded = text.translate(_FULL_WIDTH)
    if not unicodedata.is_normalized("NFKC", folded):
        folded = unicodedata.normalize("NFKC", folded)
    return "".join(_INVISIBLE.sub("", folded).lower().split())


def word_weight(word: str) -> float:
    """Weight of one matched (normalised) word: 1 for two characters, up to 1.4 for four+.

    Longer words are a little more specific (``单用途预付卡`` says more than ``充值``), but
    never by a whole ``TIE_MARGIN``: one word against one word of another unit stays a tie.
    """
    return min(1.4, max(1.0, 1.0 + 0.2 * (len(word) - 2)))


@dataclass(frozen=True)
class Rule:
    """One responsibility rule: when it applies, and which unit(s) then handle the order.

    ``key`` is a stable identifier (shown in decisions and kept on the work order);
    ``name`` is the Chinese label staff read. ``categories`` match a hotline category that
    contains or equals them; ``any_of``/``all_of``/``none_of`` are substrings of the text.
    """

    key: str
    name: str
    primary_unit: str
    co_units: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    all_of: tuple[str, ...] = ()
    none_of: tuple[str, ...] = ()
    priority: int = 0

    def __post_init__(self) -> None:
        if not self.key or not self.primary_unit:
            raise ValueError("a rule needs a key and a primary unit")
        if self.primary_unit in self.co_units:
            raise ValueError(f"rule {self.key}: the primary unit cannot also be a co-unit")
        for group in ("co_units", "categories", "any_of", "all_of", "none_of"):
            values = getattr(self, group)
            if isinstance(values, str):
                raise TypeError(f"rule {self.key}: {group} must be a tuple, not a string")
            if any(not normalize(v) for v in values):
                raise ValueError(f"rule {self.key}: {group} contains an empty word")

    @cached_property
    def compiled(self) -> _CompiledRule:
        """The words normalised once per rule. Kept on the rule, not in a cache keyed by
        it: hashing a rule's tuples for every rule of every order cost as much as scoring."""
        return _compile(self)


@dataclass(frozen=True)
class Candidate:
    """The best applicable rule of one unit, so staff see what else was close."""

    unit: str
    rule: str
    score: float
    matched: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "rule": self.rule,
            "score": round(self.score, 2),
            "matched": list(self.matched),
        }


@dataclass(frozen=True)
class RoutingDecision:
    """Where an order goes and why: the winning rule, the words that decided, the runners-up.

    ``candidates`` lists the best rule of each unit that applied, best first (so the winner,
    when there is one, comes first). ``reason`` is a short English code for the outcome.
    """

    primary_unit: str | None
    co_units: tuple[str, ...]
    status: str
    rule: str | None
    matched: tuple[str, ...]
    candidates: tuple[Candidate, ...] = ()
    reason: str = REASON_CONFIDENT

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape printed by ``manage.py route`` and returned by the API."""
        return {
            "primary_unit": self.primary_unit,
            "co_units": list(self.co_units),
            "status": self.status,
            "rule": self.rule,
            "matched": list(self.matched),
            "candidates": [c.as_dict() for c in self.candidates],
            "reason": self.reason,
        }


@dataclass(frozen=True)
class _CompiledRule:
    categories: tuple[tuple[str, str], ...]  # (normalised, as written)
    any_of: tuple[tuple[str, str], ...]
    all_of: tuple[tuple[str, str], ...]
    none_of: tuple[str, ...]
    any_of_pattern: re.Pattern | None
    """Finds whether any of `any_of` occurs at all, in one pass: most rules match nothing."""


def _compile(rule: Rule) -> _CompiledRule:
    any_of = tuple((normalize(w), w) for w in rule.any_of)
    words = sorted({norm for norm, _ in any_of}, key=len, reverse=True)
    return _CompiledRule(
        categories=tuple((normalize(c), c) for c in rule.categories),
        any_of=any_of,
        all_of=tuple((normalize(w), w) for w in rule.all_of),
        none_of=tuple(normalize(w) for w in rule.none_of),
        any_of_pattern=re.compile("|".join(map(re.escape, words))) if words else None,
    )


@dataclass(frozen=True)
class _Scored:
    rule: Rule
    index: int
    score: float
    matched: tuple[str, ...]


def _occurs(word: str, text: str) -> bool:
    """Whether ``word`` occurs in ``text`` at least once other than as a landmark."""
    start = text.find(word)
    while start != -1:
        if not text.startswith(LANDMARK_SUFFIXES, start + len(word)):
            return True
        start = text.find(word, start + 1)
    return False


def _distinct_longest(words: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Drop matched words contained in a longer matched word (``景区`` inside ``A级景区``)."""
    kept: list[tuple[str, str]] = []
    seen: set[str] = set()
    for norm, written in words:
        if norm in seen:
            continue
        seen.add(norm)
        if any(norm != other and norm in other for other, _ in words):
            continue
        kept.append((norm, written))
    return kept


def _score(
    rule: Rule, index: int, text: str, category: str, found: set[str] | None = None
) -> _Scored | None:
    """Score one rule against a normalised text and category; None when it does not apply.

    `found` is the rule's words the index found in the text (`_candidates`), or None to
    look for them here."""
    compiled = rule.compiled
    category_label = (
        next((written for norm, written in compiled.categories if norm in category), None)
        if category and compiled.categories
        else None
    )
    if found is None:
        pattern = compiled.any_of_pattern
        any_hit = pattern is not None and pattern.search(text) is not None
    else:
        any_hit = bool(found) and bool(compiled.any_of)
    has_signal_groups = bool(compiled.categories or compiled.any_of)
    # Most rules have nothing in the text at all: that is settled first, by one search.
    if has_signal_groups and category_label is None and not any_hit:
        return None
    if any(word in text for word in compiled.none_of):
        return None
    if not all(_occurs(norm, text) for norm, _ in compiled.all_of):
        return None
    any_hits = (
        [
            (norm, written)
            for norm, written in compiled.any_of
            if (found is None or norm in found) and _occurs(norm, text)
        ]
        if any_hit
        else []
    )
    if has_signal_groups and category_label is None and not any_hits:
        return None
    if not has_signal_groups and not compiled.all_of:
        return None
    words = _distinct_longest(list(compiled.all_of) + any_hits)
    score = float(rule.priority) + sum(word_weight(norm) for norm, _ in words)
    matched: list[str] = []
    if category_label is not None:
        score += CATEGORY_WEIGHT
        matched.append(CATEGORY_PREFIX + category_label)
    matched.extend(written for _, written in words)
    return _Scored(rule=rule, index=index, score=round(score, 4), matched=tuple(matched))


@dataclass(frozen=True)
class _RuleIndex:
    """Which rules a text can apply to at all, found in one pass over the text: of some
    forty rules, most have nothing in a given text, and scoring each of them was among the
    largest parts of intake's own work.

    A rule can apply only if its category label is in the category or one of its words is
    in the text (an `any_of` word, or an `all_of` word when it has neither): every such word
    is filed under its first two characters, and each two characters of the text are
    looked up. The rules found are then scored as any other, so the index only ever skips
    rules that would not have applied."""

    rules: tuple[Rule, ...]
    by_pair: dict[str, tuple[tuple[str, tuple[int, ...]], ...]]
    singles: tuple[tuple[str, tuple[int, ...]], ...]  # one-character words, if any
    categories: tuple[tuple[str, int], ...]


_INDEXES: dict[int, _RuleIndex] = {}
"""By the id of the rules' tuple, which the index holds, so the id cannot be reused while the
index is kept. A handful at most: the defaults and the office's rules as last loaded."""

_INDEXES_KEPT = 8


def _index_of(rules: Sequence[Rule]) -> _RuleIndex | None:
    """The index of a tuple of rules, made once; None for a list, which could change."""
    if not isinstance(rules, tuple):
        return None
    indexed = _INDEXES.get(id(rules))
    if indexed is not None and indexed.rules is rules:
        return indexed
    words: dict[str, list[int]] = {}
    categories: list[tuple[str, int]] = []
    for index, rule in enumerate(rules):
        compiled = rule.compiled
        categories.extend((norm, index) for norm, _written in compiled.categories)
        signals = compiled.any_of if (compiled.categories or compiled.any_of) else compiled.all_of
        for norm, _written in signals:
            words.setdefault(norm, []).append(index)
    by_pair: dict[str, list[tuple[str, tuple[int, ...]]]] = {}
    singles = []
    for word, indexes in words.items():
        entry = (word, tuple(indexes))
        if len(word) == 1:
            singles.append(entry)
        else:
            by_pair.setdefault(word[:2], []).append(entry)
    if len(_INDEXES) >= _INDEXES_KEPT:
        _INDEXES.clear()
    indexed = _INDEXES[id(rules)] = _RuleIndex(
        rules=rules,
        by_pair={pair: tuple(entries) for pair, entries in by_pair.items()},
        singles=tuple(singles),
        categories=tuple(categories),
    )
    return indexed


def _candidates(indexed: _RuleIndex, text: str, category: str) -> dict[int, set[str]]:
    """The rules that may apply to a normalised text and category, in their order, each
    with its words found in the text."""
    found: dict[int, set[str]] = {}
    lookup = indexed.by_pair.get
    for start in range(len(text) - 1):
        entries = lookup(text[start : start + 2])
        if entries:
            for word, indexes in entries:
                if text.startswith(word, start):
                    for index in indexes:
                        found.setdefault(index, set()).add(word)
    for word, indexes in indexed.singles:
        if word in text:
            for index in indexes:
                found.setdefault(index, set()).add(word)
    if category:
        for norm, index in indexed.categories:
            if norm in category:
                found.setdefault(index, set())
    return dict(sorted(found.items()))


def _triage(
    reason: str, matched: tuple[str, ...] = (), candidates: tuple[Candidate, ...] = ()
) -> RoutingDecision:
    return RoutingDecision(
        primary_unit=None,
        co_units=(),
        status=TRIAGE,
        rule=None,
        matched=matched,
        candidates=candidates,
        reason=reason,
    )


def _lead(winner: _Scored, other: _Scored) -> float:
    """How far ``winner`` is ahead, rounded so that float noise cannot decide a tie."""
    return round(winner.score - other.score, 4)


def route(text: str, category: str = "", *, rules: Sequence[Rule] | None = None) -> RoutingDecision:
    """Decide the primary unit for a work order text and hotline category, or send to triage.

    Deterministic: rules are ranked by score, then by their position in ``rules`` (earlier
    wins), so the same input and rule set always give the same decision.
    """
    if rules is None:
        from complaints.default_rules import DEFAULT_RULES

        rules = DEFAULT_RULES
    norm_text = normalize(text or "")
    norm_category = normalize(category or "")
    if not norm_text and not norm_category:
        return _triage(REASON_EMPTY_TEXT)

    indexed = _index_of(rules)
    found = (
        _candidates(indexed, norm_text, norm_category)
        if indexed
        else dict.fromkeys(range(len(rules)))
    )
    scored = [
        s
        for index, words in found.items()
        if (s := _score(rules[index], index, norm_text, norm_category, words)) is not None
    ]
    if not scored:
        return _triage(REASON_NO_RULE)
    scored.sort(key=lambda s: (-s.score, s.index))

    best_per_unit: list[_Scored] = []
    units_seen: set[str] = set()
    for s in scored:
        if s.rule.primary_unit not in units_seen:
            units_seen.add(s.rule.primary_unit)
            best_per_unit.append(s)
    candidates = tuple(
        Candidate(unit=s.rule.primary_unit, rule=s.rule.key, score=s.score, matched=s.matched)
        for s in best_per_unit[:MAX_CANDIDATES]
    )

    winner = best_per_unit[0]
    if winner.score < MIN_SCORE:
        return _triage(REASON_LOW_SCORE, winner.matched, candidates)
    if len(best_per_unit) > 1 and _lead(winner, best_per_unit[1]) < TIE_MARGIN:
        tied = [s for s in best_per_unit if _lead(winner, s) < TIE_MARGIN]
        matched = tuple(dict.fromkeys(word for s in tied for word in s.matched))
        return _triage(REASON_TIE, matched, candidates)
    return RoutingDecision(
        primary_unit=winner.rule.primary_unit,
        co_units=winner.rule.co_units,
        status=ASSIGNED,
        rule=winner.rule.key,
        matched=winner.matched,
        candidates=candidates,
        reason=REASON_CONFIDENT,
    )
