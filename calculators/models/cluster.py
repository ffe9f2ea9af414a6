"""Training on a cluster: which machines can hold a run, how long it takes over the network with failures, and the
fewest machines that meet a deadline.

Memory. Model states (16 bytes a parameter) are sharded over every GPU of the cluster (ZeRO-3 / FSDP). Tensor
parallelism with sequence parallelism splits each layer's activations over t GPUs of one machine (Korthikanti
et al. 2022, section 4.2.2), for t up to the machine's GPUs and dividing the heads. Pipeline stages are not
counted on: under the 1F1B schedule the first stage keeps p micro-batches of L/p layers in flight, the
activations of all L layers (section 4.2.3), so pipelining does not lower the peak. When activations do not fit
even at the machine's largest t, they are recomputed in full, which keeps only each layer's input and costs one
more forward pass: 8·N instead of 6·N FLOPs a token, a third more.

Time. One GPU's sustained throughput on one machine (peak × MFU) times the GPUs, times the share the cluster's
fabric keeps at that size (:class:`ScalingCurve`), gives the work's hours. Failures then cost time as spot
interruptions do (:mod:`calculators.models.interruptions`, shared with the spot page): they arrive at a rate
per GPU-hour times the GPUs, plus any spot interruptions per machine; each loses the work since the last
checkpoint and a restart. Checkpoints are written at Young's interval, and a checkpoint's time is its size over
the cluster's write bandwidth (each machine writes its shard).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from .interruptions import NEVER_HOURS, SpotJob, plan_spot_job

__all__ = [
    "RECOMPUTE_FLOPS_FACTOR",
    "ClusterJob",
    "ClusterPlan",
        "fewest_machines_to_hold",
    "plan_for_deadline",
    "plan_on",
    "scaling_share",
]

RECOMPUTE_FLOPS_FACTOR = 4.0 / 3.0
"""Full activation recomputation runs the forward pass twice: 2 + 2 + 4 = 8 FLOPs where training counts 6."""


def scaling_share(per_doubling: float, machines: float) -> float:
    """What share of one machine's per-GPU throughput do ``machines`` machines keep?

    Each doubling of the machines keeps ``per_doubling`` of the throughput a GPU (strong scaling: the batch is
    held as the machines grow), so the share is per_doubling ** log2(machines); one machine keeps it all.

    >>> scaling_share(0.96, 1), scaling_share(0.96, 2), round(scaling_share(0.96, 1024), 3)
    (1.0, 0.96, 0.665)
    """
    if machines <= 1:
        return 1.0
    return per_doubling ** math.log2(machines)


def fewest_machines_to_hold(state_bytes: float, activation_bytes: float, gpus_per_machine: int, memory_gb: float,
                            heads: int) -> tuple[int, int] | None:
    """How few machines hold the run, and with what tensor-parallel degree? ``None`` if no number can.

    States are split over every GPU; activations over the tensor-parallel degree t, the largest power of two
    up to the machine's GPUs that divides the heads. The degree returned is the smallest that needs no more
    machines than the largest does.

    Llama 2 70B (1.1 TB of states, 91.3 GB of activations with flash attention) on 8 × A100 80GB: t = 4
    leaves 57.2 GB a GPU for states, so 1,104 / 57.2 = 19.3 GPUs, three machines, as many as t = 8 needs:

    >>> fewest_machines_to_hold(16 * 69e9, 91.3e9, 8, 80, 64)
    (3, 4)
    >>> fewest_machines_to_hold(16 * 69e9, 91.3e9, 1, 80, 64) is None
    True
    """
    memory = memory_gb * 1e9
    degrees = [t for t in (1, 2, 4, 8, 16, 32, 64) if t <= gpus_per_machine and heads % t == 0]
    best = None
    for degree in degrees:
        room = memory - activation_bytes / degree
        if room <= 0:
            continue
        machines = max(1, math.ceil(state_bytes / (room * gpus_per_machine) - 1e-9))
        if best is None or machines < best[0]:
            best = (machines, degree)
    return best


@dataclass(frozen=True)
class ClusterJob:
    """A run as a cluster sees it: its FLOPs, one machine's GPUs and their sustained speed, the fabric, and failures.

    ``gpu_flops`` is one GPU's sustained FLOP/s on one machine (peak × MFU, NVLink losses included);
    ``per_doubling`` the share of it the fabric keeps each time the machines double.
    ``failures_per_gpu_hour`` is the rate of hardware and software failures that stop the whole job;
    ``interruptions_per_machine_hour`` adds spot interruptions (0 on demand). ``price_per_machine_hour`` is
    what one machine costs an hour.
    """

    flops: float
    gpus_per_machine: int
    gpu_flops: float
    per_doubling: float
    checkpoint_bytes: float
    write_bytes_per_second: float
    restart_hours: float
    failures_per_gpu_hour: float
    interruptions_per_machine_hour: float = 0.0
    price_per_machine_hour: float = 0.0


@dataclass(frozen=True)
class ClusterPlan:
    """A run on ``machines`` machines: hours of work, expected wall hours with failures, and the cost."""

    machines: int
    gpus: int
    scaling: float
    work_hours: float
    wall_hours: float
    checkpoint_hours: float
    interval_hours: float
    interruptions: float
    cost: float

    @property
    def finishes(self) -> bool:
        """Whether the run is expected to finish at all: failures come slower than it can checkpoint, and the
        expected time is within ``NEVER_HOURS`` (over 100,000 years, past which no price or date means anything;
        failures every few seconds stretch a run to 1e304 hours, finite, but its price is not)."""
        return self.wall_hours <= NEVER_HOURS

    @property
    def gpu_hours(self) -> float:
        """GPU-hours paid for: every GPU for the whole wall time, failures and restarts included."""
        return self.wall_hours * self.gpus

    @property
    def machine_hours(self) -> float:
        """Machine-hours paid for: every machine for the whole wall time, failures and restarts included."""
        return self.wall_hours * self.machines

    @property
    def lost_hours(self) -> float:
        """Wall hours beyond the work itself: checkpoints written, work redone, restarts."""
        return self.wall_hours - self.work_hours


@functools.lru_cache(maxsize=16384)
def plan_on(job: ClusterJob, machines: int) -> ClusterPlan:
    """How long does the job take on ``machines`` machines, failures included, and what does it cost?

    A 1e24-FLOP run on 100 machines of 8 GPUs at 400 TFLOPS each, keeping 98% a doubling: 100 machines keep 0.98^log2(100)
    = 0.874, so 1e24 / (800 × 4e14 × 0.874) s = 992.8 h of work. Failures at 2e-5 per GPU-hour come every M = 62.5 h. A 6 TB checkpoint
    written at 200 MB/s by each machine takes C = 5 minutes, so Young's interval is sqrt(2·C·M) = 3.23 h; with
    15-minute restarts Daly's formula gives (M / 3.23) · e^(0.25/M) · (e^((3.23 + C)/M) - 1) = 1.058 times the
    work:

    >>> job = ClusterJob(1e24, 8, 4e14, 0.98, 6e12, 2e8, 0.25, 2e-5,
    ...                  price_per_machine_hour=30.0)
    >>> plan = plan_on(job, 100)
    >>> round(plan.work_hours, 1), round(plan.checkpoint_hours * 60, 1), round(plan.wall_hours / plan.work_hours, 3)
    (992.8, 5.0, 1.058)
    >>> round(plan.cost) == round(plan.wall_hours * 100 * 30)
    True

    Pure, so its plans are kept: the page plans every machine type of the catalog at each keystroke, and a change
    that moves no job (the dataset size, the machine shown, a filter) reuses them all.
    """
    gpus = machines * job.gpus_per_machine
    scaling = scaling_share(job.per_doubling, machines)
    work = job.flops / (gpus * job.gpu_flops * scaling) / 3600.0 if job.flops else 0.0
    checkpoint = job.checkpoint_bytes / (machines * job.write_bytes_per_second) / 3600.0
    rate = job.failures_per_gpu_hour * gpus + job.interruptions_per_machine_hour * machines
    mtbi = 1.0 / rate if rate > 0 else math.inf
    # Priced at 1 an hour, the spot model's cheapest way to checkpoint is the fastest, whatever the real price.
    plan = plan_spot_job(SpotJob(work, checkpoint, job.restart_hours), 1.0, mtbi)
    cost = plan.wall_hours * job.price_per_machine_hour * machines if plan.wall_hours < math.inf else math.inf
    return ClusterPlan(machines, gpus, scaling, work, plan.wall_hours, checkpoint, plan.interval_hours,
                       plan.interruptions, cost)


def plan_for_deadline(job: ClusterJob, deadline_hours: float, fewest: int, most: int) -> tuple[ClusterPlan, bool]:
    """The fewest machines, from ``fewest`` to ``most``, that finish within the deadline; else the fastest plan.

    Returns the plan and whether it meets the deadline. More machines finish sooner until the fabric's loss
    and the failures of a larger cluster outweigh them, so the search doubles the count until the deadline
    is met (or the run stops getting faster), then halves the last step.

    The job above finishes within 17 days (408 h) without failures once M machines keep M × 0.98^log2(M) ≥ 1e24 /
    (408 × 3600 × 8 × 4e14) = 212.8 machines' worth, at about 250; failures add a few more:

    >>> job = ClusterJob(1e24, 8, 4e14, 0.98, 6e12, 2e8, 0.25, 2e-5)
    >>> plan, met = plan_for_deadline(job, 408, 1, 2000)
    >>> met, 250 < plan.machines < 290, plan.wall_hours <= 408 < plan_on(job, plan.machines - 1).wall_hours
    (True, True, True)
    >>> plan_for_deadline(job, 408, 1, 50)[0].machines, plan_for_deadline(job, 408, 1, 50)[1]
    (50, False)
    """
    if fewest > most:
        raise ValueError(f"no cluster size between {fewest} and {most}")

    def wall(machines: int) -> float:
        return plan_on(job, machines).wall_hours

    # Start near the size the deadline asks for without losses, never below what memory needs.
    one_machine = plan_on(job, fewest)
    if one_machine.wall_hours <= deadline_hours:
        return one_machine, True
    start = fewest * one_machine.work_hours / deadline_hours if math.isfinite(one_machine.work_hours) else fewest
    low, low_wall = fewest, one_machine.wall_hours
    size = min(most, max(fewest + 1, int(start)))
    while True:
        size_wall = wall(size)
        if size_wall <= deadline_hours:
            break
        if size_wall >= low_wall or size == most:
            return _fastest(job, low, size, most), False
        low, low_wall = size, size_wall
        size = min(most, size * 2)
    # The deadline is met at ``size`` and not at ``low``: bisect for the fewest that meet it.
    while size - low > 1:
        middle = (low + size) // 2
        if wall(middle) <= deadline_hours:
            size = middle
        else:
            low = middle
    return plan_on(job, size), True


def _fastest(job: ClusterJob, low: int, high: int, most: int) -> ClusterPlan:
    """The fastest plan between ``low`` and ``high`` machines (wall time falls, then rises): a ternary search."""
    high = min(high * 2, most) if high < most else high
    while high - low > 2:
        left, right = low + (high - low) // 3, high - (high - low) // 3
        if plan_on(job, left).wall_hours <= plan_on(job, right).wall_hours:
            high = right
        else:
            low = left
    return min((plan_on(job, m) for m in range(low, high + 1)), key=lambda p: (p.wall_hours, p.machines))
