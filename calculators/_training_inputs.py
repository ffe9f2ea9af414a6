"""The inputs that describe a training run, declared once for every page that prices one.

The cost-to-train page and the price-history page both ask about "this run"; they share these
declarations and :func:`training_run`, which turns checked values into the training model's
:class:`~calculators.models.training.TrainingRun`.
"""

from __future__ import annotations

from ._declare import ADVANCED, Input, PricingChoices, assumption
from ._errors import CalculatorError
from ._numbers import number_text
from ._pricing import Pricing
from .models.calibration import efficiency_mfu
from .models.training import TrainingRun

NOTE = "nanogpt-gpt2-124m"
"""The assumptions entry of pricing.json that holds nanoGPT's GPT-2 (124M) run."""

CUSTOM = "custom"
DEFAULT_EFFICIENCY = "optimised-one-node"
"""Today's common case: a well-tuned run on one machine (an efficiency key of pricing.json)."""



RUN_INPUTS: tuple[Input, ...] = (
    Input("parameters", "Model parameters", "parameters", assumption(NOTE, "parameters"), minimum=1, maximum=1e13, step=1e6, group="Model"),
    Input("steps", "Training steps", "steps", assumption(NOTE, "iterations"), minimum=0, maximum=1e9, step=1, integer=True, group="Model"),
    Input("tokens_per_step", "Tokens per step (whole batch)", "tokens", assumption(NOTE, "tokens_per_iteration"),
          minimum=1, maximum=1e9, step=1, integer=True, group="Model"),
    Input("layers", "Layers", "layers", assumption(NOTE, "layers"), minimum=1, maximum=1000, step=1, integer=True, group="Model"),
    Input("heads", "Attention heads", "heads", assumption(NOTE, "heads"), minimum=1, maximum=1024, step=1, integer=True, group="Model"),
    Input("embedding", "Embedding width", "", assumption(NOTE, "embedding"), minimum=1, maximum=1_000_000, step=1, integer=True, group="Model"),
    Input("block_size", "Sequence length", "tokens", assumption(NOTE, "block_size"), minimum=1, maximum=10_000_000, step=1, integer=True, group="Model"),
    Input("attention_flops", "Attention FLOPs", "", "on",
          choices=(("on", "Count them: 6·N + 12·L·H·Q·T per token"), ("off", "Leave them out: 6·N per token")), group=ADVANCED),
    Input("precision", "Precision", "", "tensor",
          choices=(("tensor", "bf16/fp16 (tensor)"), ("fp8", "fp8 where the GPU has it"), ("fp32", "fp32")), group="Model"),
    Input("efficiency", "How the run is trained", "", DEFAULT_EFFICIENCY,
          choices=PricingChoices("efficiency", last=((CUSTOM, "Custom: the MFU and scaling efficiency under Advanced"),)),
          help="Sets the model FLOPs utilisation (MFU) from published runs: {/efficiency/nanogpt-2022/values/mfu} for "
               "2022-style PyTorch, {/efficiency/optimised-one-node/values/mfu} for an optimised single machine, "
               "{/efficiency/large-multi-node/values/mfu} for a large multi-node run. The table of published runs "
               "below shows how close each comes.", group="Model"),
    Input("mfu", "Custom MFU", "fraction", assumption("site-defaults", "mfu"),
          minimum=0.01, maximum=1, step=0.01,
          help="Used only when the run is trained the custom way: the share of peak throughput the run achieves.", group=ADVANCED),
    Input("scaling_efficiency", "Custom multi-GPU scaling efficiency", "fraction",
          assumption("site-defaults", "scaling_efficiency"), minimum=0.01, maximum=1, step=0.01,
          help="Used only with the custom choice, on machines with more than one GPU: the share of throughput left "
               "after communication. The presets' MFUs already include it.", group=ADVANCED),
    Input("micro_batch", "Micro-batch per GPU", "sequences", 1, minimum=1, maximum=100_000, step=1, integer=True, group=ADVANCED),
    Input("activation_memory", "Activations kept in memory", "", "flash",
          choices=(("full", "All, attention scores included (Korthikanti et al. 2022)"),
                   ("flash", "All but the attention scores (flash attention)"),
                   ("recompute", "Layer inputs only (full activation recomputation)")), group=ADVANCED),
    Input("sharding", "Model states", "", "sharded",
          choices=(("sharded", "Sharded across the GPUs (FSDP / ZeRO-3)"),
                   ("replicated", "A full copy on every GPU (plain data parallel)")), group=ADVANCED),
)

def run_preset(run: str, efficiency: str) -> dict[str, str]:
    """A preset for the run inputs, read from a published run in pricing.json (``/runs/<run>``).

    >>> run_preset("llama2-7b", "large-multi-node")["layers"]
    '/runs/llama2-7b/values/layers'
    """
    base = f"/runs/{run}/values"
    fields = {"parameters": "parameters", "steps": "steps", "tokens_per_step": "tokens_per_step", "layers": "layers",
              "heads": "heads", "embedding": "embedding", "block_size": "sequence"}
    return {name: f"{base}/{field}" for name, field in fields.items()} | {"efficiency": efficiency}


MODEL_PRESETS: dict[str, dict[str, str]] = {
    "gpt2-124m-llmc": run_preset("llmc-gpt2-124m-a100", "optimised-one-node"),
    "gpt2-350m": run_preset("llmc-gpt2-350m-a100", "optimised-one-node"),
    "gpt2-774m": run_preset("llmc-gpt2-774m-a100", "optimised-one-node"),
    "gpt2-1558m": run_preset("llmc-gpt2-1558m-h100", "optimised-one-node"),
    "tinyllama-1b": run_preset("tinyllama-1.1b", "optimised-one-node"),
    "llama2-7b": run_preset("llama2-7b", "large-multi-node"),
    "llama2-70b": run_preset("llama2-70b", "large-multi-node"),
}
"""Model presets, each a published run's own shape and tokens (sources in pricing.json): GPT-2 at the four
sizes llm.c trained, TinyLlama's 1.1B Llama 2 shape on its 3T tokens, and Llama 2 at 7B and 70B on its 2T
tokens."""

MODEL_PRESET_TITLES: dict[str, str] = {
    "gpt2-124m-llmc": "GPT-2 124M, as llm.c trained it",
    "gpt2-350m": "GPT-2 350M, as llm.c trained it",
    "gpt2-774m": "GPT-2 774M, as llm.c trained it",
    "gpt2-1558m": "GPT-2 1.5B, as llm.c trained it",
    "tinyllama-1b": "TinyLlama 1.1B (Llama 2 shape)",
    "llama2-7b": "Llama 2 7B",
    "llama2-70b": "Llama 2 70B",
}
"""What the form's preset picker calls each model preset: names only; the run's figures (tokens, shape) come
from pricing.json into the fields when it is picked."""


MAX_VOCABULARY = 262_144
"""The largest vocabulary we allow for (Gemma's 256k); its embedding and output matrices add parameters."""


def parameter_range(layers: int, width: int) -> tuple[float, float]:
    """How many parameters can a transformer of ``layers`` layers of ``width`` have?

    The blocks hold about 12·L·h² (attention 4·h², MLP 8·h²); allow half that (narrow MLPs, shared
    weights) up to 1.2 times it plus untied embeddings of the largest vocabulary, 2·262,144·h.
    GPT-2 (124M), 12 layers of 768, and Llama 2 70B, 80 layers of 8,192, both fit:

    >>> low, high = parameter_range(12, 768)
    >>> low < 124e6 < high, round(low / 1e6, 1)
    (True, 42.5)
    >>> low, high = parameter_range(80, 8192)
    >>> low < 70e9 < high
    True
    """
    blocks = 12.0 * layers * width * width
    return blocks / 2, blocks * 1.2 + 2 * MAX_VOCABULARY * width


def training_run(values: dict, pricing: Pricing) -> TrainingRun:
    """Which training run do checked values describe? Raises CalculatorError when the shape is inconsistent.

    An efficiency preset sets the MFU (a whole-run figure, so scaling efficiency 1); the custom choice
    takes the MFU and scaling efficiency fields.

    >>> from calculators import load_pricing
    >>> v = {"parameters": 124e6, "steps": 10, "tokens_per_step": 1000, "layers": 12, "heads": 12,
    ...      "embedding": 768, "block_size": 1024, "attention_flops": "on", "precision": "tensor",
    ...      "efficiency": "nanogpt-2022", "mfu": 0.5, "scaling_efficiency": 0.95, "micro_batch": 1,
    ...      "activation_memory": "flash", "sharding": "sharded"}
    >>> run = training_run(v, load_pricing())
    >>> run.tokens, run.mfu, run.scaling_efficiency
    (10000.0, 0.3, 1.0)
    >>> training_run(dict(v, efficiency="custom"), load_pricing()).mfu
    0.5
    """
    if values["embedding"] % values["heads"]:
        raise CalculatorError(
            f"Attention heads ('heads') must divide the embedding width {values['embedding']}: {values['heads']}", "heads"
        )
    low, high = parameter_range(values["layers"], values["embedding"])
    if not low <= values["parameters"] <= high:
        raise CalculatorError(
            f"Model parameters ('parameters') must fit {values['layers']} layers of width {values['embedding']}: between "
            f"{number_text(round(low))} and {number_text(round(high))}, got {number_text(values['parameters'])}", "parameters"
        )
    custom = values["efficiency"] == CUSTOM
    return TrainingRun(
        parameters=values["parameters"],
        tokens=float(values["steps"]) * float(values["tokens_per_step"]),
        layers=values["layers"],
        heads=values["heads"],
        embedding=values["embedding"],
        sequence=values["block_size"],
        attention_flops=values["attention_flops"] == "on",
        precision=values["precision"],
        mfu=values["mfu"] if custom else efficiency_mfu(pricing, values["efficiency"]),
        scaling_efficiency=values["scaling_efficiency"] if custom else 1.0,
        micro_batch=values["micro_batch"],
        activations=values["activation_memory"],
        sharding=values["sharding"],
    )
