"""Which orders are urgent under the Tianjin 12345 rules, suggested from the text.

Safety of life or property must be signed for within 15 minutes and water, power, gas or
heating within 30; the office confirms or changes the suggestion at intake. Pure and
conservative: a word that only sounds alarming ("火爆", "爆款") does not count.
"""

from __future__ import annotations

from .choices import Urgency
from .routing import normalize

SAFETY_WORDS = (
    "燃气泄漏",
    "煤气泄漏",
    "天然气泄漏",
    "漏气",
    "着火",
    "起火",
    "火灾",
    "冒烟",
    "爆炸",
    "触电",
    "漏电",
    "坍塌",
    "倒塌",
    "中毒",
    "人身安全",
    "生命安全",
    "有人受伤",
    "被困",
    "困在电梯",
    "电梯困人",
)
UTILITY_WORDS = (
    "停水",
    "断水",
    "没水",
    "停电",
    "断电",
    "没电",
    "停气",
    "断气",
    "停暖",
    "不供暖",
    "没暖气",
    "暖气不热",
    "供暖不达标",
    "水管爆裂",
    "爆管",
)


def suggest_urgency(text: str) -> tuple[str, tuple[str, ...]]:
    """The urgency the text suggests, and the words that suggest it."""
    folded = normalize(text)
    safety = tuple(word for word in SAFETY_WORDS if word in folded)
    if safety:
        return Urgency.SAFETY, safety
    utilities = tuple(word for word in UTILITY_WORDS if word in folded)
    if utilities:
        return Urgency.UTILITIES, utilities
    return Urgency.NORMAL, ()
