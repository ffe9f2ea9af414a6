"""A training pipeline in stages: preprocess on a CPU machine, keep data on a volume, train on GPUs.

From the nanoGPT-on-AWS walkthrough: a c5.2xlarge prepares the data, an EBS volume holds it,
a p4d.24xlarge trains. Each stage is priced on its own so a cheap machine does the cheap work.
"""

from __future__ import annotations

from ._declare import Calculator, Input, assumption
from ._pricing import Pricing
from ._numbers import format_value
from ._result import Column, Figure, Result, Table, Value
from .charts import Axis, Chart, Series

NOTE = "nanogpt-note"

__all__ = ["compute_cost", "volume_cost", "stage_costs", "CALCULATOR"]


def compute_cost(hourly_price: float, hours: float, machines: int = 1) -> float:
    """What do ``hours`` on ``machines`` machines cost?

    Twelve hours of c5.2xlarge preprocessing at $0.34/h:

    >>> round(compute_cost(0.34, 12), 2)
    4.08
    """
    return hourly_price * hours * machines


def volume_cost(size_gb: float, price_per_gb_month: float, months: float) -> float:
    """What does a volume of ``size_gb`` cost for ``months``?

    A 100 GB EBS volume at $0.10 per GB-month for one month:

    >>> volume_cost(100, 0.10, 1)
    10.0
    """
    return size_gb * price_per_gb_month * months


def stage_costs(values: dict) -> dict[str, float]:
    """Cost of each stage, in pipeline order.

    >>> stage_costs({"preprocess_price": 0.34, "preprocess_hours": 12, "dataset_gb": 100,
    ...              "storage_price": 0.1, "storage_months": 1, "train_price": 33.05,
    ...              "train_hours": 96, "train_machines": 1})
    {'preprocess': 4.08, 'storage': 10.0, 'train': 3172.8}
    """
    costs = {
        "preprocess": compute_cost(values["preprocess_price"], values["preprocess_hours"]),
        "storage": volume_cost(values["dataset_gb"], values["storage_price"], values["storage_months"]),
        "train": compute_cost(values["train_price"], values["train_hours"], values["train_machines"]),
    }
    return {stage: round(cost, 10) for stage, cost in costs.items()}


LABELS = {"preprocess": "Preprocessing", "storage": "Storage", "train": "Training"}


def compute(values: dict, pricing: Pricing) -> Result:
    """Per-stage and total cost, a table and a bar chart of the stages."""
    costs = stage_costs(values)
    total = sum(costs.values())
    shown = [Value(stage, LABELS[stage], cost, "USD") for stage, cost in costs.items()]
    shown.append(Value("total", "Total", total, "USD"))
    share = {stage: (cost / total if total else 0.0) for stage, cost in costs.items()}
    table = Table(
        "stages",
        "Cost by stage",
        (Column("stage"), Column("cost", "USD"), Column("share", "fraction")),
        [(LABELS[stage], cost, share[stage]) for stage, cost in costs.items()],
    )
    chart = Chart(
        "Cost by stage",
        Axis("stage", scale="category"),
        Axis("USD", prefix="$"),
        (Series("cost", [LABELS[s] for s in costs], list(costs.values()), style="bar",
                labels=[format_value(c, "USD") for c in costs.values()]),),
        legend=False,
    )
    alt = "; ".join(f"{LABELS[s]} {format_value(c, 'USD')}" for s, c in costs.items()) + f"; total {format_value(total, 'USD')}."
    answer = (f"The whole pipeline costs {format_value(total, 'USD')}; training is {format_value(costs['train'], 'USD')} "
              f"of it ({format_value(share['train'], 'fraction')}).")
    return Result(tuple(shown), (table,), (Figure("stages", chart, alt),), answer=answer)



CALCULATOR = Calculator(
    name="pipeline",
    title="Pipeline cost: preprocess, store, train",
    summary="Cost of each stage of a training pipeline and the total.",
    inputs=(
        Input("preprocess_price", "Preprocessing machine (c5.2xlarge)", "USD/h", "/instances/c5.2xlarge/on_demand", maximum=1000, step=0.01),
        Input("preprocess_hours", "Preprocessing time", "h", assumption(NOTE, "preprocess_hours"), maximum=100_000, step=1),
        Input("dataset_gb", "Dataset size", "GB", assumption(NOTE, "dataset_size"), maximum=1_000_000, step=1),
        Input("storage_price", "Volume price (EBS gp2)", "USD/GB-month", "/storage/ebs-gp2/price", maximum=100, step=0.001),
        Input("storage_months", "Months the volume is kept", "months", assumption(NOTE, "storage_months"), maximum=1200, step=0.5),
        Input("train_price", "Training machine (p4d.24xlarge, 8×A100)", "USD/h", "/instances/p4d.24xlarge/on_demand", maximum=10_000, step=0.01),
        Input("train_hours", "Training time", "h", assumption(NOTE, "train_hours"), maximum=100_000, step=1),
        Input("train_machines", "Training machines", "machines", 1, minimum=1, maximum=1000, step=1, integer=True),
    ),
    compute=compute,
    headline=("total", "train", "preprocess", "storage"),
    presets={
        NOTE: {
            "preprocess_price": "/instances/c5.2xlarge/on_demand@note-nanogpt",
            "storage_price": "/storage/ebs-gp2/price@note-nanogpt",
            "train_price": "/instances/p4d.24xlarge/on_demand@note-nanogpt",
        }
    },
)
