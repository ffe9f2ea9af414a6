"""The training model knows its activation and sharding modes by name: a mode it does not know is an error, and
the forms offer exactly the modes it knows."""

from __future__ import annotations

import pytest

from calculators import CalculatorError, get_calculator
from calculators.models.training import ACTIVATION_MODES, SHARDING_MODES, TrainingRun, activation_bytes, machine_time, memory_per_gpu_gb


@pytest.mark.parametrize("mode", ["Flash", "flash-attention", "", "none"])
def test_an_unknown_activation_mode_is_refused_not_taken_for_flash(mode):
    """Before, any mode but full and recompute was priced as flash attention; now it is a CalculatorError."""
    with pytest.raises(CalculatorError, match="activation mode must be one of full, flash, recompute"):
        activation_bytes(1024, 1, 768, 12, 12, mode)


@pytest.mark.parametrize("mode", ["Sharded", "zero-3", ""])
def test_an_unknown_sharding_mode_is_refused_not_taken_for_replicated(mode):
    """Before, any mode but sharded kept a full copy per GPU; now it is a CalculatorError."""
    with pytest.raises(CalculatorError, match="sharding mode must be one of sharded, replicated"):
        memory_per_gpu_gb(124e6, 8, 1e9, mode)


def test_a_run_with_an_unknown_mode_cannot_be_timed():
    """A TrainingRun built with a typo fails when its memory is worked out, naming the mode."""
    run = TrainingRun(124e6, 1e9, 12, 12, 768, 1024, activations="recomputed")
    with pytest.raises(CalculatorError, match="'recomputed'"):
        machine_time(run, 8, 312, 40)


@pytest.mark.parametrize("name", ["cost_to_train", "price_history"])
def test_the_forms_offer_exactly_the_models_modes(name):
    """The activation and sharding choices of every training page are the model's modes, no more and no fewer."""
    inputs = {item.name: item for item in get_calculator(name).inputs}
    assert {value for value, _ in inputs["activation_memory"].choices} == set(ACTIVATION_MODES)
    assert {value for value, _ in inputs["sharding"].choices} == set(SHARDING_MODES)
