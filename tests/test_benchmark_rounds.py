"""scripts/benchmark_intake.py --rounds: each intake phase against its own two floors."""

import pytest

from scripts.benchmark_intake import LoadResult, Phase, round_ratios


def phase(rate: float) -> Phase:
    return Phase(
        label="x",
        mode="closed loop",
        concurrency=16,
        duration=10.0,
        target_rate=None,
        result=LoadResult(completed=int(rate * 10)),
        cpu={},
    )


def test_each_intake_phase_is_compared_with_the_floors_either_side_of_it():
    floors = [phase(600), phase(800), phase(400)]
    intakes = [phase(420), phase(360)]
    assert round_ratios(floors, intakes) == pytest.approx([420 / 700, 360 / 600])


def test_rounds_need_one_floor_phase_more_than_intake_phases():
    with pytest.raises(ValueError, match="need 3 floor phases"):
        round_ratios([phase(600), phase(800)], [phase(400), phase(400)])
