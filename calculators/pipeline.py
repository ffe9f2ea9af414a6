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
from .models.comparison import shares
from .models.offers import on_demand_cost as compute_cost
from .models.storage import volume_cost

NOTE = "nanogpt-note"

__all__ = ["compute_cost", "volume_cost", "stage_costs", "CALCULATOR"]
# compute_cost and volume_cost are the models' formulas, named here as the page has always named them.

LABELS = {"preprocess": "Preprocessing", "storage": "Storage", "train": "Training"}

NOTE_COSTS = {"preprocess": 4.08, "storage": 10.0, "train": 3172.8}
"""The note's stages, worked by hand for the examples: 12 h × $0.34, 100 GB × $0.10 × 1 month, 96 h × $33.05."""


def stage_costs(values: dict) -> dict[str, float]:
    """What does each stage cost, in pipeline order?

    The note's pipeline: 12 h of c5.2xlarge at $0.34/h = $4.08, 100 GB of EBS at $0.10 a GB-month for a
    month = $10, 96 h of one p4d.24xlarge at $33.05/h = $3,172.80:

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


def stage_values(costs: dict[str, float]) -> list[Value]:
    """What does each stage cost, and the whole pipeline?

    The note's stages add up to $4.08 + $10 + $3,172.80 = $3,186.88:

    >>> [(value.name, value.text) for value in stage_values(NOTE_COSTS)]
    [('preprocess', '$4.08'), ('storage', '$10.00'), ('train', '$3,172.80'), ('total', '$3,186.88')]
    """
    shown = [Value(stage, LABELS[stage], cost, "USD") for stage, cost in costs.items()]
    shown.append(Value("total", "Total", sum(costs.values()), "USD"))
    return shown


def stage_table(costs: dict[str, float]) -> Table:
    """What does each stage cost, and what share of the total is it?

    Of the note's $3,186.88: $4.08 is 0.13% (shown 0.1%), $10 is 0.31% (0.3%), $3,172.80 is 99.56% (99.6%):

    >>> stage_table(NOTE_COSTS).texts
    (('Preprocessing', '$4.08', '0.1%'), ('Storage', '$10.00', '0.3%'), ('Training', '$3,172.80', '99.6%'))
    """
    share = shares(costs)
    return Table(
        "stages",
        "Cost by stage",
        (Column("stage"), Column("cost", "USD"), Column("share", "fraction")),
        [(LABELS[stage], cost, share[stage]) for stage, cost in costs.items()],
    )


def stage_figure(costs: dict[str, float]) -> Figure:
    """How do the stages compare? One bar a stage, and the same figures in words.

    >>> figure = stage_figure(NOTE_COSTS)
    >>> figure.chart.series[0].labels
    ['$4.08', '$10.00', '$3,172.80']
    >>> figure.alt
    'Preprocessing $4.08; Storage $10.00; Training $3,172.80; total $3,186.88.'
    """
    chart = Chart(
        "Cost by stage",
        Axis("stage", scale="category"),
        Axis("USD", prefix="$"),
        (Series("cost", [LABELS[s] for s in costs], list(costs.values()), style="bar",
                labels=[format_value(c, "USD") for c in costs.values()]),),
        legend=False,
    )
    total = sum(costs.values())
    alt = "; ".join(f"{LABELS[s]} {format_value(c, 'USD')}" for s, c in costs.items()) + f"; total {format_value(total, 'USD')}."
    return Figure("stages", chart, alt)


def answer(costs: dict[str, float]) -> str:
    """What does the whole pipeline cost, and how much of it is training?

    >>> answer(NOTE_COSTS)
    'The whole pipeline costs $3,186.88; training is $3,172.80 of it (99.6%).'
    """
    total = sum(costs.values())
    return (f"The whole pipeline costs {format_value(total, 'USD')}; training is {format_value(costs['train'], 'USD')} "
            f"of it ({format_value(shares(costs)['train'], 'fraction')}).")


def compute(values: dict, pricing: Pricing) -> Result:
    """What does each stage of the pipeline cost, and the whole? Values, the table of stages and the bar chart.

    >>> from calculators import load_pricing
    >>> compute(CALCULATOR.defaults(load_pricing(), {"preset": NOTE}), load_pricing()).value("total")
    3186.88
    """
    costs = stage_costs(values)
    return Result(tuple(stage_values(costs)), (stage_table(costs),), (stage_figure(costs),), answer=answer(costs))


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
