"""Training a transformer: FLOPs, time on a machine, memory per GPU, and the time-cost frontier.

Compute. Training takes 6·N FLOPs per token for N parameters (forward 2·N, backward 4·N: Kaplan
et al. 2020; EleutherAI, "Transformer Math 101"). With attention counted (the default) PaLM's
appendix-B term, 12·L·H·Q·T FLOPs per token for L layers, H heads, head size Q and sequence
length T, is added, as nanoGPT's ``estimate_mfu`` counts it. Time on a machine = FLOPs / (GPUs ×
peak dense TFLOPS × MFU × scaling efficiency); the scaling efficiency applies only with more than
one GPU.

Memory. Mixed-precision Adam keeps about 16 bytes per parameter: 2 (16-bit weights) + 2 (16-bit
gradients) + 4 + 4 + 4 (fp32 master weights, Adam m and v); fp32 training also comes to 16.
Sharded (ZeRO-3/FSDP) these states are split evenly across the machine's GPUs; replicated (plain
data parallel) each GPU holds them all. Each GPU also holds the activations of its own
micro-batch, from Korthikanti et al. 2022: per layer s·b·h·(34 + 5·a·s/h) bytes for sequence s,
micro-batch b, width h and a heads; flash attention does not store the 5·a·s/h score term, and
full activation recomputation keeps only each layer's input, 2·s·b·h bytes. In fp32 the 16-bit
figures double. Logits and embeddings are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._errors import CalculatorError
from .storage import BYTES_PER_GB

STATE_BYTES_PER_PARAMETER = 16
CHECKPOINT_BYTES_PER_PARAMETER = 12
"""fp32 weights and Adam's m and v: what a checkpoint that can resume training holds."""

ACTIVATION_MODES = ("full", "flash", "recompute")
"""What each GPU keeps of a layer's activations: all of them, all but the attention scores, or the layer's input."""
SHARDING_MODES = ("sharded", "replicated")
"""Where the model states live: split across the machine's GPUs, or a full copy on each."""

__all__ = [
    "ACTIVATION_MODES",
    "CHECKPOINT_BYTES_PER_PARAMETER",
    "SHARDING_MODES",
    "STATE_BYTES_PER_PARAMETER",
    "MachineTime",
    "TrainingRun",
    "activation_bytes",
    "flops_per_token",
    "implied_mfu",
    "machine_time",
    "memory_per_gpu_gb",
    "model_state_bytes",
    "pareto_front",
    "run_storage_gb",
    "training_flops",
    "training_hours",
]


def flops_per_token(parameters: float, layers: int, heads: int, embedding: int, sequence: int, attention: bool = True,
                    head_size: float = 0) -> float:
    """How many FLOPs does one training token cost (forward and backward)?

    GPT-2 124M as nanoGPT counts it: 6 × 124e6 + 12 × 12 layers × 12 heads × 64 × 1024.

    >>> flops_per_token(124e6, 12, 12, 768, 1024)
    857246208.0
    >>> flops_per_token(124e6, 12, 12, 768, 1024, attention=False)
    744000000.0

    The head size Q is the embedding width ÷ heads unless ``head_size`` says otherwise: Qwen3 30B-A3B's 32 heads of
    128 span 4,096 where its width is 2,048, so its attention costs twice what the width alone implies.

    >>> flops_per_token(0, 48, 32, 2048, 4096, head_size=128) / flops_per_token(0, 48, 32, 2048, 4096)
    2.0
    """
    dense = 6.0 * parameters
    if not attention:
        return dense
    size = head_size or embedding / heads
    return dense + 12.0 * layers * heads * size * sequence


def training_flops(parameters: float, tokens: float, layers: int, heads: int, embedding: int, sequence: int,
                   attention: bool = True, head_size: float = 0) -> float:
    """How many FLOPs does training on ``tokens`` tokens take?

    A 1M-parameter model on 1B tokens, 6·N·D only:

    >>> training_flops(1e6, 1e9, 2, 2, 64, 128, attention=False)
    6000000000000000.0
    """
    return flops_per_token(parameters, layers, heads, embedding, sequence, attention, head_size) * tokens


def training_hours(flops: float, gpu_count: int, peak_tflops: float, mfu: float, scaling_efficiency: float = 1.0) -> float:
    """How many hours do ``flops`` take on ``gpu_count`` GPUs at ``mfu`` of their peak?

    The scaling efficiency is applied only when there is more than one GPU. 1e18 FLOPs on one
    100-TFLOPS GPU at 50% MFU: 1e18 / 5e13 = 20,000 s:

    >>> round(training_hours(1e18, 1, 100, 0.5), 4)
    5.5556
    >>> round(training_hours(1e18, 2, 100, 0.5, 0.8), 4)
    3.4722
    >>> training_hours(0, 8, 312, 0.3)
    0.0
    """
    if flops == 0:
        return 0.0
    efficiency = scaling_efficiency if gpu_count > 1 else 1.0
    per_second = gpu_count * peak_tflops * 1e12 * mfu * efficiency
    return flops / per_second / 3600.0


def implied_mfu(flops: float, gpu_count: int, peak_tflops: float, hours: float, scaling_efficiency: float = 1.0) -> float:
    """What MFU does a published wall time imply?

    The inverse of ``training_hours``: 1e18 FLOPs in 5.5556 h on one 100-TFLOPS GPU:

    >>> round(implied_mfu(1e18, 1, 100, 1e18 / 5e13 / 3600), 6)
    0.5
    """
    efficiency = scaling_efficiency if gpu_count > 1 else 1.0
    return flops / (hours * 3600.0 * gpu_count * peak_tflops * 1e12 * efficiency)


# --- memory --------------------------------------------------------------------------------


def model_state_bytes(parameters: float) -> float:
    """How many bytes do weights, gradients and Adam states take in mixed precision?

    2 + 2 + 4 + 4 + 4 = 16 bytes per parameter; 124M parameters need 1.984 GB:

    >>> model_state_bytes(124e6) / 1e9
    1.984
    """
    return STATE_BYTES_PER_PARAMETER * parameters


def run_storage_gb(dataset_gb: float, checkpoints_kept: float, parameters: float) -> float:
    """How many GB does a run keep in storage: its data, and the checkpoints it keeps (fp32 weights and Adam's m and v,
    12 bytes a parameter)?

    The nanoGPT note's 100 GB of data and one checkpoint of GPT-2 124M: 100 + 12 × 124e6 / 1e9 = 101.488 GB.

    >>> round(run_storage_gb(100, 1, 124e6), 3)
    101.488
    """
    return dataset_gb + checkpoints_kept * CHECKPOINT_BYTES_PER_PARAMETER * parameters / BYTES_PER_GB


def activation_bytes(sequence: int, micro_batch: int, embedding: int, heads: int, layers: int,
                     mode: str = "full", bytes_scale: float = 1.0) -> float:
    """How many bytes of activations does one GPU keep for its micro-batch?

    Korthikanti et al. 2022: s·b·h·(34 + 5·a·s/h) bytes a layer with the attention scores stored
    (``full``), s·b·h·34 without them (``flash``), 2·s·b·h with full recomputation (``recompute``).
    GPT-2 124M, micro-batch 12: 1024 × 12 × 768 × (34 + 80) × 12 layers = 12.91 GB.

    >>> round(activation_bytes(1024, 12, 768, 12, 12) / 1e9, 2)
    12.91
    >>> round(activation_bytes(1024, 12, 768, 12, 12, "flash") / 1e9, 2)
    3.85
    >>> round(activation_bytes(1024, 12, 768, 12, 12, "recompute") / 1e9, 3)
    0.226
    >>> activation_bytes(1024, 12, 768, 12, 12, "flashy")
    Traceback (most recent call last):
    ...
    calculators._errors.CalculatorError: activation mode must be one of full, flash, recompute, not 'flashy'
    """
    _check_mode(mode, ACTIVATION_MODES, "activation")
    if mode == "recompute":
        per_value = 2.0
    else:
        per_value = 34.0 + (5.0 * heads * sequence / embedding if mode == "full" else 0.0)
    return sequence * micro_batch * embedding * per_value * layers * bytes_scale


def memory_per_gpu_gb(parameters: float, gpu_count: int, activations: float, sharding: str = "sharded") -> float:
    """How many GB does each GPU need for the model states (sharded or replicated) and its activations?

    124M parameters on 8 GPUs with 1 GB of activations each: 1.984 / 8 + 1 = 1.248 GB sharded,
    1.984 + 1 = 2.984 GB replicated:

    >>> memory_per_gpu_gb(124e6, 8, 1e9), memory_per_gpu_gb(124e6, 8, 1e9, "replicated")
    (1.248, 2.984)
    >>> memory_per_gpu_gb(124e6, 8, 1e9, "zero-2")
    Traceback (most recent call last):
    ...
    calculators._errors.CalculatorError: sharding mode must be one of sharded, replicated, not 'zero-2'
    """
    _check_mode(sharding, SHARDING_MODES, "sharding")
    share = gpu_count if sharding == "sharded" else 1
    return (model_state_bytes(parameters) / share + activations) / BYTES_PER_GB


def _check_mode(mode: str, known: tuple[str, ...], what: str) -> None:
    """Refuse a mode this model does not know: a typo must not silently become another mode."""
    if mode not in known:
        raise CalculatorError(f"{what} mode must be one of {', '.join(known)}, not {mode!r}", what)


def pareto_front(points: list[tuple[str, float, float]]) -> list[tuple[str, float, float]]:
    """Which (label, hours, cost) options are not beaten on both time and cost by another?

    >>> pareto_front([("a", 10, 100), ("b", 20, 50), ("c", 30, 80), ("d", 5, 300)])
    [('d', 5, 300), ('a', 10, 100), ('b', 20, 50)]
    """
    front: list[tuple[str, float, float]] = []
    for label, hours, cost in sorted(points, key=lambda p: (p[1], p[2], p[0])):
        if not front or cost < front[-1][2]:
            front.append((label, hours, cost))
    return front


@dataclass(frozen=True)
class TrainingRun:
    """A transformer training run: its size, its tokens, and how it uses the GPUs.

    ``active_parameters`` is 0 for a dense model; for a mixture of experts it is the parameters one token passes
    through, which set the FLOPs, while ``parameters`` (all of them) set the memory. ``head_size`` is 0 for the
    embedding width ÷ heads; it sets the attention FLOPs of a model whose heads are wider (or narrower).
    """

    parameters: float
    tokens: float
    layers: int
    heads: int
    embedding: int
    sequence: int
    attention_flops: bool = True
    precision: str = "tensor"
    mfu: float = 0.3
    scaling_efficiency: float = 1.0
    micro_batch: int = 1
    activations: str = "flash"
    sharding: str = "sharded"
    active_parameters: float = 0.0
    efficiency: str = ""
    head_size: float = 0.0

    @property
    def is_moe(self) -> bool:
        """Whether tokens use only some of the parameters (a mixture of experts)."""
        return 0 < self.active_parameters < self.parameters

    @property
    def compute_parameters(self) -> float:
        """The parameters a token's FLOPs count: the active ones of an MoE model, else all."""
        return self.active_parameters if self.is_moe else self.parameters

    @property
    def flops(self) -> float:
        """Total training FLOPs."""
        return training_flops(self.compute_parameters, self.tokens, self.layers, self.heads, self.embedding, self.sequence,
                              self.attention_flops, self.head_size)

    @property
    def activation_bytes(self) -> float:
        """Bytes of activations each GPU keeps for its micro-batch."""
        scale = 2.0 if self.precision == "fp32" else 1.0
        return activation_bytes(self.sequence, self.micro_batch, self.embedding, self.heads, self.layers,
                                self.activations, scale)


@dataclass(frozen=True)
class MachineTime:
    """How long a run takes on one machine, and whether it fits in the GPUs' memory."""

    hours: float
    memory_needed_gb: float
    memory_gb: float

    @property
    def fits(self) -> bool:
        """Whether the states and one micro-batch of activations fit in one GPU."""
        return self.memory_needed_gb <= self.memory_gb


def machine_time(run: TrainingRun, gpu_count: int, peak_tflops: float, memory_gb: float) -> MachineTime:
    """How long does ``run`` take on ``gpu_count`` GPUs of ``peak_tflops``, and does it fit in ``memory_gb`` each?

    GPT-2 124M on 295B tokens (nanoGPT's config) on 8×A100 at 30% MFU and 95% scaling:

    >>> run = TrainingRun(124e6, 600_000 * 491_520, 12, 12, 768, 1024, mfu=0.3, scaling_efficiency=0.95,
    ...                   micro_batch=12, activations="full")
    >>> time = machine_time(run, 8, 312, 40)
    >>> round(time.hours, 2), round(time.memory_needed_gb, 2), time.fits
    (98.72, 13.16, True)
    """
    hours = training_hours(run.flops, gpu_count, peak_tflops, run.mfu, run.scaling_efficiency)
    needed = memory_per_gpu_gb(run.parameters, gpu_count, run.activation_bytes, run.sharding)
    return MachineTime(hours, needed, memory_gb)
