"""The inputs that describe a training run, declared once for every page that prices one.

The cost-to-train page and the price-history page both ask about "this run"; they share these
declarations and :func:`training_run`, which turns checked values into the training model's
:class:`~calculators.models.training.TrainingRun`.
"""

from __future__ import annotations

from ._declare import Input
from ._errors import CalculatorError
from .models.training import TrainingRun

NOTE = "nanogpt-gpt2-124m"
"""The assumptions entry of pricing.json that holds nanoGPT's GPT-2 (124M) run."""


def _a(name: str) -> str:
    return f"/assumptions/{NOTE}/values/{name}"


RUN_INPUTS: tuple[Input, ...] = (
    Input("parameters", "Model parameters", "parameters", _a("parameters"), minimum=1, maximum=1e13, step=1e6),
    Input("steps", "Training steps", "steps", _a("iterations"), minimum=0, maximum=1e9, step=1, integer=True),
    Input("tokens_per_step", "Tokens per step (whole batch)", "tokens", _a("tokens_per_iteration"),
          minimum=1, maximum=1e9, step=1, integer=True),
    Input("layers", "Layers", "layers", _a("layers"), minimum=1, maximum=1000, step=1, integer=True),
    Input("heads", "Attention heads", "heads", _a("heads"), minimum=1, maximum=1024, step=1, integer=True),
    Input("embedding", "Embedding width", "", _a("embedding"), minimum=1, maximum=1_000_000, step=1, integer=True),
    Input("block_size", "Sequence length", "tokens", _a("block_size"), minimum=1, maximum=10_000_000, step=1, integer=True),
    Input("attention_flops", "Attention FLOPs", "", "on",
          choices=(("on", "Count them: 6·N + 12·L·H·Q·T per token"), ("off", "Leave them out: 6·N per token"))),
    Input("precision", "Precision", "", "tensor",
          choices=(("tensor", "bf16/fp16 (tensor)"), ("fp8", "fp8 where the GPU has it"), ("fp32", "fp32"))),
    Input("mfu", "Model FLOPs utilisation (MFU)", "fraction", "/assumptions/site-defaults/values/mfu",
          minimum=0.01, maximum=1, step=0.01,
          help="Share of peak throughput the run achieves; the default is {/assumptions/site-defaults/values/mfu}."),
    Input("scaling_efficiency", "Multi-GPU scaling efficiency", "fraction",
          "/assumptions/site-defaults/values/scaling_efficiency", minimum=0.01, maximum=1, step=0.01,
          help="Applied only on machines with more than one GPU: the share of throughput left after communication."),
    Input("micro_batch", "Micro-batch per GPU", "sequences", 1, minimum=1, maximum=100_000, step=1, integer=True),
    Input("activation_memory", "Activations kept in memory", "", "full",
          choices=(("full", "All, attention scores included (Korthikanti et al. 2022)"),
                   ("flash", "All but the attention scores (flash attention)"),
                   ("recompute", "Layer inputs only (full activation recomputation)"))),
    Input("sharding", "Model states", "", "sharded",
          choices=(("sharded", "Sharded across the GPUs (FSDP / ZeRO-3)"),
                   ("replicated", "A full copy on every GPU (plain data parallel)"))),
)

RUN_INPUT_NAMES = tuple(item.name for item in RUN_INPUTS)


def training_run(v: dict) -> TrainingRun:
    """Which training run do checked values describe? Raises CalculatorError when the shape is inconsistent.

    >>> from calculators._training_inputs import training_run
    >>> run = training_run({"parameters": 124e6, "steps": 10, "tokens_per_step": 1000, "layers": 12, "heads": 12,
    ...     "embedding": 768, "block_size": 1024, "attention_flops": "on", "precision": "tensor", "mfu": 0.3,
    ...     "scaling_efficiency": 0.95, "micro_batch": 1, "activation_memory": "flash", "sharding": "sharded"})
    >>> run.tokens, run.activations
    (10000.0, 'flash')
    """
    if v["embedding"] % v["heads"]:
        raise CalculatorError(
            f"Attention heads ('heads') must divide the embedding width {v['embedding']}: {v['heads']}", "heads"
        )
    return TrainingRun(
        parameters=v["parameters"],
        tokens=float(v["steps"]) * float(v["tokens_per_step"]),
        layers=v["layers"],
        heads=v["heads"],
        embedding=v["embedding"],
        sequence=v["block_size"],
        attention_flops=v["attention_flops"] == "on",
        precision=v["precision"],
        mfu=v["mfu"],
        scaling_efficiency=v["scaling_efficiency"],
        micro_batch=v["micro_batch"],
        activations=v["activation_memory"],
        sharding=v["sharding"],
    )
