"""A run on a number of machines of one type: how it sits in memory, and the cluster job that prices it.

Both the cost-to-train page and the calibration against published runs plan a run the same way: hold it in
memory (:func:`calculators.models.cluster.fewest_machines_to_hold`, with the reader's activations or, when those
cannot fit, full recomputation at a third more compute), then give the cluster model one GPU's speed
(:mod:`calculators.models.throughput`), the fabric's scaling and the failure figures.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from .._pricing import Pricing
from .cluster import RECOMPUTE_FLOPS_FACTOR, ClusterJob, fewest_machines_to_hold
from .interruptions import mean_hours_between_interruptions
from .training import CHECKPOINT_BYTES_PER_PARAMETER, TrainingRun, activation_bytes, model_state_bytes

__all__ = ["Layout", "Reliability", "cluster_job", "layout", "reliability_defaults", "spot_interruptions_per_hour"]


@dataclass(frozen=True)
class Reliability:
    """What failures cost a cluster: GPU-hours between failures, the restart, and each machine's checkpoint write speed."""

    gpu_hours_per_failure: float
    restart_hours: float
    checkpoint_gb_per_second: float


def reliability_defaults(pricing: Pricing) -> Reliability:
    """The sourced defaults: Llama 3's failure rate, MegaScale's restart, Llama 3's storage speed a machine.

    >>> from calculators import load_pricing
    >>> reliability_defaults(load_pricing())
    Reliability(gpu_hours_per_failure=50675, restart_hours=0.25, checkpoint_gb_per_second=1.0)
    """
    base = "/assumptions/cluster-defaults/values"
    return Reliability(pricing.value(f"{base}/gpu_hours_per_failure"), pricing.value(f"{base}/restart_minutes") / 60.0,
                       pricing.value(f"{base}/checkpoint_gb_per_second"))


@dataclass(frozen=True)
class Layout:
    """How a run sits in the GPUs: the fewest machines that hold it, the tensor-parallel degree, whether it recomputes
    its activations, and whether it does so only because the reader's choice did not fit (``forced``)."""

    machines: int
    tensor_parallel: int
    recompute: bool
    forced: bool
    state_bytes: float
    activation_bytes: float

    def memory_per_gpu_gb(self, machines: int, gpus_per_machine: int, sharded: bool = True) -> float:
        """Each GPU's share of the states plus its split of the activations on ``machines`` machines."""
        states = self.state_bytes / (machines * gpus_per_machine) if sharded else self.state_bytes
        return (states + self.activation_bytes / self.tensor_parallel) / 1e9


@functools.lru_cache(maxsize=1024, typed=True)  # pure: machine types of one GPU, count and memory ask the same
def layout(run: TrainingRun, gpus_per_machine: int, memory_gb: float, most_machines: int) -> Layout | None:
    """How few machines (at most ``most_machines``) hold the run, recomputing activations only if they must?

    Replicated states (plain data parallel) do not shrink with more machines: they fit on one or nowhere.
    Llama 2 70B's 91.3 GB of activations a GPU (flash attention, micro-batch 1) fit 8 × A100 80GB at a
    tensor-parallel degree of 4, with its 1.1 TB of states over three machines:

    >>> run = TrainingRun(68.98e9, 2e12, 80, 64, 8192, 4096)
    >>> fit = layout(run, 8, 80, 500)
    >>> fit.machines, fit.tensor_parallel, fit.recompute
    (3, 4, False)
    >>> layout(run, 8, 80, 2).recompute, layout(run, 8, 80, 2).forced
    (True, True)
    >>> layout(run, 1, 24, 1) is None
    True
    """
    states = model_state_bytes(run.parameters)
    scale = 2.0 if run.precision == "fp32" else 1.0
    for mode in dict.fromkeys((run.activations, "recompute")):
        acts = activation_bytes(run.sequence, run.micro_batch, run.embedding, run.heads, run.layers, mode, scale)
        if run.sharding == "replicated":
            held = (1, 1) if states + acts <= memory_gb * 1e9 else None
        else:
            held = fewest_machines_to_hold(states, acts, gpus_per_machine, memory_gb, run.heads)
        if held is not None and held[0] <= most_machines:
            return Layout(held[0], held[1], mode == "recompute", mode != run.activations, states, acts)
    return None


def spot_interruptions_per_hour(monthly_rate: float) -> float:
    """How many spot interruptions a machine expects an hour at a monthly rate (the Spot Instance Advisor's bands).

    >>> round(spot_interruptions_per_hour(0.2) * 1e4, 3), spot_interruptions_per_hour(0)
    (3.057, 0.0)
    """
    mtbi = mean_hours_between_interruptions(monthly_rate)
    return 0.0 if math.isinf(mtbi) else 1.0 / mtbi


def cluster_job(run: TrainingRun, fit: Layout, gpus_per_machine: int, gpu_flops: float, per_doubling: float,
                reliability: Reliability, price_per_machine_hour: float = 0.0,
                interruptions_per_machine_hour: float = 0.0) -> ClusterJob:
    """The cluster model's job for a run laid out as ``fit``: its FLOPs (a third more when it recomputes), one
    GPU's sustained FLOP/s, the fabric, its checkpoint (12 bytes a parameter) and the failures.

    >>> from calculators import load_pricing
    >>> run = TrainingRun(68.98e9, 2e12, 80, 64, 8192, 4096)
    >>> job = cluster_job(run, layout(run, 8, 80, 2), 8, 1e14, 0.95, reliability_defaults(load_pricing()))
    >>> round(job.flops / run.flops, 4), job.checkpoint_bytes == 12 * 68.98e9, round(job.failures_per_gpu_hour * 1e5, 3)
    (1.3333, True, 1.973)
    """
    return ClusterJob(
        flops=run.flops * (RECOMPUTE_FLOPS_FACTOR if fit.recompute else 1.0),
        gpus_per_machine=gpus_per_machine,
        gpu_flops=gpu_flops,
        per_doubling=per_doubling,
        checkpoint_bytes=CHECKPOINT_BYTES_PER_PARAMETER * run.parameters,
        write_bytes_per_second=reliability.checkpoint_gb_per_second * 1e9,
        restart_hours=reliability.restart_hours,
        failures_per_gpu_hour=1.0 / reliability.gpu_hours_per_failure,
        interruptions_per_machine_hour=interruptions_per_machine_hour,
        price_per_machine_hour=price_per_machine_hour,
    )
