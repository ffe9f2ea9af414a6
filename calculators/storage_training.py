"""Where to keep the training image and where to train: three monthly cost lines.

From the AWS deep-learning notes: keep container images on ECR and train on EC2, keep them on
ECR and train on Lambda Cloud (paying to pull the image out of AWS), or keep and train on Lambda.
Each scenario costs a fixed amount of storage a month plus a price per training session.
"""

from __future__ import annotations

import math

from ._declare import Calculator, Input, assumption
from ._pricing import Pricing
from .charts import Axis, Chart, Series
from .models import storage
from .models.lines import CostLine, break_even, break_even_table, cheapest
from ._numbers import format_value
from ._result import Column, Figure, Result, Table, Value

NOTE = "aws-dl-note"
EC2, LAMBDA_ECR, LAMBDA = "EC2 + ECR", "Lambda + ECR", "Lambda"

__all__ = ["session_cost", "pull_cost", "storage_cost", "scenario_lines", "last_session_cheapest", "CALCULATOR"]


def session_cost(hourly_price: float, train_hours: float, setup_hours: float, nodes: int = 1) -> float:
    """What does one training session cost, setup time included?

    A g5.xlarge at the note's $1/h, 6 hours of training and 1 of setup:

    >>> session_cost(1.0, 6, 1)
    7.0
    """
    return hourly_price * (train_hours + setup_hours) * nodes


def pull_cost(pulls: float, image_gb: float, transfer_price: float) -> float:
    """What does pulling the image out of the registry cost per session?

    Four pulls of a 10 GB image at $0.09/GB:

    >>> round(pull_cost(4, 10, 0.09), 2)
    3.6
    """
    return pulls * image_gb * transfer_price


def storage_cost(stored_gb: float, price_per_gb_month: float) -> float:
    """What does keeping the images cost a month?

    Ten 10 GB images on ECR at $0.10 per GB-month:

    >>> storage_cost(100, 0.10)
    10.0
    """
    return storage.storage_cost(stored_gb, price_per_gb_month, storage.HOURS_PER_MONTH)


def scenario_lines(values: dict) -> list[CostLine]:
    """Return the three scenarios as monthly cost lines over training sessions per month.

    >>> from calculators import load_pricing
    >>> v = CALCULATOR.defaults(load_pricing(), {"preset": "aws-dl-note"})
    >>> [(line.label, round(line.fixed, 2), round(line.rate, 2)) for line in scenario_lines(v)]
    [('EC2 + ECR', 10.0, 7.0), ('Lambda + ECR', 10.0, 7.8), ('Lambda', 20.0, 4.2)]
    """
    stored_gb = values["containers"] * values["image_gb"]
    hours = values["train_hours"], values["setup_hours"], values["nodes"]
    pulls = pull_cost(values["pulls"], values["image_gb"], values["ecr_transfer_price"])
    return [
        CostLine(EC2, storage_cost(stored_gb, values["ecr_storage_price"]), session_cost(values["ec2_price"], *hours)),
        CostLine(LAMBDA_ECR, storage_cost(stored_gb, values["ecr_storage_price"]), session_cost(values["lambda_price"], *hours) + pulls),
        CostLine(LAMBDA, storage_cost(stored_gb, values["lambda_storage_price"]), session_cost(values["lambda_price"], *hours)),
    ]


def pulls_within(budget: float, one_pull: float) -> int:
    """How many whole pulls cost less than the budget? 0 when a pull costs nothing: there is no count to state.

    A $7.04 budget and pulls of 10 GB at $0.09/GB ($0.90 each): seven pulls ($6.30) fit, the eighth ($7.20) does not;
    a budget of $0 fits none:

    >>> pulls_within(7.042, 0.9), pulls_within(0.0, 0.9)
    (7, 0)
    """
    if one_pull <= 0 or not math.isfinite(budget / one_pull):
        return 0  # a free pull (or one too cheap to count) has no number of pulls to state
    whole = math.floor(budget / one_pull)
    return max(whole - 1 if whole * one_pull >= budget and whole > 0 else whole, 0)


def last_session_cheapest(lines: list[CostLine], label: str, limit: int = 10_000) -> int | None:
    """The last whole number of sessions, counting up from one, at which ``label`` is still the cheapest.

    At the note's numbers EC2 ($10 + $7n) stays cheapest until Lambda ($20 + $4.2n) catches up:

    >>> lines = [CostLine("EC2", 10, 7), CostLine("Lambda", 20, 4.2)]
    >>> last_session_cheapest(lines, "EC2"), last_session_cheapest(lines, "Lambda")
    (3, None)
    """
    last = None
    for sessions in range(1, limit + 1):
        if cheapest(lines, sessions).label != label:
            break
        last = sessions
    return last


def compute(values: dict, pricing: Pricing) -> Result:
    """Monthly cost of each scenario, the break-evens and the cheapest scenario per session count."""
    lines = scenario_lines(values)
    sessions = values["sessions"]
    ec2, lambda_ecr, lambda_only = lines
    pairs = [(ec2, lambda_only), (ec2, lambda_ecr), (lambda_ecr, lambda_only)]
    evens = [break_even(a, b) for a, b in pairs]
    span = int(max(values["sessions_max"], sessions))
    counts = list(range(0, span + 1))
    crossings = [be for be in evens if be.outcome == "crosses" and be.x <= span]
    by_label = {line.label: line for line in lines}
    series = [Series(line.label, counts, [line.at(n) for n in counts]) for line in lines]
    if crossings:
        series.append(Series("break-even", [be.x for be in crossings], [by_label[be.a].at(be.x) for be in crossings],
                             style="markers", symbol="diamond",
                             labels=[f"{format_value(be.x, '')} sessions" for be in crossings]))
    chart = Chart("Monthly cost by training sessions", Axis("training sessions per month"),
                  Axis("USD per month", prefix="$"), tuple(series))
    cost_table = Table(
        "monthly",
        "Monthly cost by sessions per month",
        (Column("sessions per month", "count"), *[Column(line.label, "USD") for line in lines], Column("cheapest")),
        [(n, *[line.at(n) for line in lines], cheapest(lines, n).label) for n in counts[1:]],
    )
    even_table = break_even_table(evens, "sessions/month")
    pulls = pull_cost(values["pulls"], values["image_gb"], values["ecr_transfer_price"])
    headroom = ec2.rate - (lambda_ecr.rate - pulls)
    one_pull = pull_cost(1, values["image_gb"], values["ecr_transfer_price"])
    busiest = cheapest(lines, span)
    shown = [
        Value("ec2_session", f"{EC2}: per session", ec2.rate, "USD/session"),
        Value("lambda_ecr_session", f"{LAMBDA_ECR}: per session, pulls included", lambda_ecr.rate, "USD/session"),
        Value("lambda_session", f"{LAMBDA}: per session", lambda_only.rate, "USD/session"),
        Value("ec2_storage", f"{EC2}: storage", ec2.fixed, "USD/month"),
        Value("lambda_storage", f"{LAMBDA}: storage", lambda_only.fixed, "USD/month"),
        *[
            Value(f"monthly_{key}", f"{line.label} at {format_value(sessions, 'sessions')}/month", line.at(sessions), "USD/month")
            for key, line in zip(("ec2", "lambda_ecr", "lambda"), lines)
        ],
        Value("pull_cost", f"{LAMBDA_ECR}: image pulls", pulls, "USD/session"),
        Value("pull_budget", f"{LAMBDA_ECR} beats {EC2} only if pulls cost less than", max(headroom, 0.0), "USD/session"),
        Value("pull_each", "One pull of the image", one_pull, "USD"),
        Value("pulls_in_budget", "Pulls that cost less than that", pulls_within(max(headroom, 0.0), one_pull), "pulls"),
        Value("busiest_sessions", "The chart's busiest month", span, "sessions"),
        Value("fewest_cheapest", "Cheapest at one session a month", cheapest(lines, 1).at(1), "USD/month",
              subject=cheapest(lines, 1).label),
        Value("lambda_ecr_cheapest_count", f"Session counts from 1 to {format_value(span, 'sessions')} at which {LAMBDA_ECR} "
              "is the cheapest", sum(cheapest(lines, n).label == LAMBDA_ECR for n in counts[1:]), "count"),
        Value("busiest_cheapest", f"Cheapest at {format_value(span, 'sessions')} a month", busiest.at(span), "USD/month",
              subject=busiest.label),
        *[
            Value(f"break_even_{key}", f"{be.a} and {be.b} cost the same at", be.x, "sessions/month")
            for key, be in zip(("ec2_lambda", "ec2_lambda_ecr", "lambda_ecr_lambda"), evens)
            if be.outcome == "crosses"
        ],
    ]
    last = last_session_cheapest(lines, EC2)
    if last is not None:
        shown.append(Value("ec2_cheapest_up_to", f"{EC2} is cheapest up to", last, "sessions/month"))
    best = cheapest(lines, sessions)
    notes = (f"At {format_value(sessions, 'sessions')} a month the cheapest is {best.label}.",)
    return Result(
        tuple(shown),
        (cost_table, even_table),
        (Figure("break_even", chart, _alt(lines, evens)),),
        notes,
    )


def _alt(lines: list[CostLine], evens) -> str:
    parts = [f"{line.label}: {format_value(line.fixed, 'USD')} a month plus {format_value(line.rate, 'USD')} a session" for line in lines]
    crossings = [f"{be.a} and {be.b} meet at {format_value(be.x, 'sessions')}" for be in evens if be.outcome == "crosses"]
    return "; ".join(parts + crossings) + "."



CALCULATOR = Calculator(
    name="storage_training",
    title="Where to store images, where to train",
    summary="Monthly cost of three storage/training set-ups as a function of training sessions per month.",
    inputs=(
        Input("sessions", "Training sessions per month", "sessions", 2, minimum=0, maximum=1000, step=1,
              help="Used for the monthly totals; the chart spans 0 to the chart range."),
        Input("sessions_max", "Chart range", "sessions", 10, minimum=1, maximum=1000, step=1, integer=True),
        Input("train_hours", "Training time per session", "h", assumption(NOTE, "train_hours"), minimum=0, maximum=10_000, step=0.5),
        Input("setup_hours", "Setup time per session", "h", assumption(NOTE, "setup_hours"), minimum=0, maximum=1000, step=0.5,
              help="Billed like training time: the machine runs while you set up."),
        Input("nodes", "Billed machines per session", "machines", 1, minimum=1, maximum=1000, step=1, integer=True),
        Input("pulls", "Image pulls per session", "pulls", assumption(NOTE, "nodes"), minimum=0, maximum=10_000, step=1,
              help="Each machine of a cluster pulls the image once."),
        Input("image_gb", "Image size", "GB", assumption(NOTE, "container_size"), minimum=0, maximum=100_000, step=1),
        Input("containers", "Images kept", "images", assumption(NOTE, "containers"), minimum=0, maximum=10_000, step=1),
        Input("ec2_price", "EC2 price (g5.xlarge, 1×A10G)", "USD/h", "/instances/g5.xlarge/on_demand", maximum=1000, step=0.01),
        Input("lambda_price", "Lambda price (1×A10)", "USD/h", "/instances/lambda-1x-a10/on_demand", maximum=1000, step=0.01),
        Input("ecr_storage_price", "ECR storage", "USD/GB-month", "/storage/ecr/price", maximum=100, step=0.001),
        Input("lambda_storage_price", "Lambda storage", "USD/GB-month", "/storage/lambda-filesystem/price@note-aws-dl", maximum=100,
              step=0.001, help="The note's price: no dated Lambda price for it is newer, so today's view uses it too, as the note's."),
        Input("ecr_transfer_price", "ECR transfer out of the region", "USD/GB", "/transfer/ecr-cross-region-out/price", maximum=100, step=0.001),
    ),
    compute=compute,
    headline=("monthly_ec2", "monthly_lambda_ecr", "monthly_lambda", "ec2_cheapest_up_to"),
    presets={
        NOTE: {
            "ec2_price": "/instances/g5.xlarge/on_demand@note-aws-dl",
            "lambda_price": "/instances/lambda-1x-a10/on_demand@note-aws-dl",
            "ecr_storage_price": "/storage/ecr/price@note-aws-dl",
            "lambda_storage_price": "/storage/lambda-filesystem/price@note-aws-dl",
            "ecr_transfer_price": "/transfer/ecr-cross-region-out/price@note-aws-dl",
        }
    },
)
