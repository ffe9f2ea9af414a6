"""Where to keep the training image and where to train: three monthly cost lines.

From the AWS deep-learning notes: keep container images on ECR and train on EC2, keep them on
ECR and train on Lambda Cloud (paying to pull the image out of AWS), or keep and train on Lambda.
Each scenario costs a fixed amount of storage a month plus a price per training session.
"""

from __future__ import annotations

from ._declare import Calculator, Input, assumption
from ._pricing import Pricing
from .charts import Axis, Chart, Series
from .models import storage
from .models.images import pull_budget, pull_cost, pulls_within, stored_gb
from .models.lines import BreakEven, CostLine, break_even, break_even_table, cheapest, times_cheapest
from .models.lines import last_cheapest as last_session_cheapest
from .models.offers import session_cost
from ._numbers import format_value
from ._result import Column, Figure, Result, Table, Value

NOTE = "aws-dl-note"
EC2, LAMBDA_ECR, LAMBDA = "EC2 + ECR", "Lambda + ECR", "Lambda"

__all__ = ["session_cost", "pull_cost", "storage_cost", "scenario_lines", "last_session_cheapest", "CALCULATOR"]
# session_cost, pull_cost and last_session_cheapest are the models' formulas, named here as the page has always named them.

NOTE_LINES = [CostLine(EC2, 10, 7), CostLine(LAMBDA_ECR, 10, 7.8), CostLine(LAMBDA, 20, 4.2)]
"""The note's three scenarios, worked by hand for the examples: 100 GB at $0.10 (ECR) or $0.20 (Lambda) a GB-month,
and 7 billed hours a session at $1/h (EC2) or $0.60/h (Lambda), plus 4 pulls × 10 GB × $0.09 = $3.60 for Lambda + ECR."""


def storage_cost(stored_gb: float, price_per_gb_month: float) -> float:
    """What does keeping the images cost a month?

    Ten 10 GB images on ECR at $0.10 per GB-month:

    >>> storage_cost(100, 0.10)
    10.0
    """
    return storage.storage_cost(stored_gb, price_per_gb_month, storage.HOURS_PER_MONTH)


def scenario_lines(values: dict) -> list[CostLine]:
    """What does each scenario cost a month: its storage, plus a price per training session?

    The note's preset gives the hand-worked lines above:

    >>> from calculators import load_pricing
    >>> values = CALCULATOR.defaults(load_pricing(), {"preset": "aws-dl-note"})
    >>> [(line.label, round(line.fixed, 2), round(line.rate, 2)) for line in scenario_lines(values)]
    [('EC2 + ECR', 10.0, 7.0), ('Lambda + ECR', 10.0, 7.8), ('Lambda', 20.0, 4.2)]
    """
    kept = stored_gb(values["containers"], values["image_gb"])
    hours = values["train_hours"], values["setup_hours"], values["nodes"]
    pulls = pull_cost(values["pulls"], values["image_gb"], values["ecr_transfer_price"])
    return [
        CostLine(EC2, storage_cost(kept, values["ecr_storage_price"]), session_cost(values["ec2_price"], *hours)),
        CostLine(LAMBDA_ECR, storage_cost(kept, values["ecr_storage_price"]), session_cost(values["lambda_price"], *hours) + pulls),
        CostLine(LAMBDA, storage_cost(kept, values["lambda_storage_price"]), session_cost(values["lambda_price"], *hours)),
    ]


def chart_span(values: dict) -> int:
    """Up to how many sessions a month do the chart and the table go? The chart range, or the month asked about
    if it is busier.

    >>> chart_span({"sessions_max": 10, "sessions": 2}), chart_span({"sessions_max": 10, "sessions": 12.5})
    (10, 12)
    """
    return int(max(values["sessions_max"], values["sessions"]))


def break_evens(lines: list[CostLine]) -> list[BreakEven]:
    """At how many sessions a month do two scenarios cost the same: EC2 and Lambda, EC2 and Lambda + ECR, and
    Lambda + ECR and Lambda?

    $10 + $7n = $20 + $4.2n at n = 10 / 2.8 = 3.57; EC2 and Lambda + ECR start at the same $10 and EC2 is cheaper a
    session, so they never meet; $10 + $7.8n = $20 + $4.2n at n = 10 / 3.6 = 2.78:

    >>> [(be.outcome, be.x and round(be.x, 2)) for be in break_evens(NOTE_LINES)]
    [('crosses', 3.57), ('never', None), ('crosses', 2.78)]
    """
    ec2, lambda_ecr, lambda_only = lines
    return [break_even(a, b) for a, b in [(ec2, lambda_only), (ec2, lambda_ecr), (lambda_ecr, lambda_only)]]


def scenario_values(lines: list[CostLine], sessions: float) -> list[Value]:
    """What does each scenario cost a session, a month of storage, and a month of ``sessions`` sessions?

    At the note's 2 sessions: $10 + 2 × $7 = $24, $10 + 2 × $7.80 = $25.60, $20 + 2 × $4.20 = $28.40:

    >>> [value.text for value in scenario_values(NOTE_LINES, 2)][-3:]
    ['$24.00/month', '$25.60/month', '$28.40/month']
    """
    ec2, lambda_ecr, lambda_only = lines
    return [
        Value("ec2_session", f"{EC2}: per session", ec2.rate, "USD/session"),
        Value("lambda_ecr_session", f"{LAMBDA_ECR}: per session, pulls included", lambda_ecr.rate, "USD/session"),
        Value("lambda_session", f"{LAMBDA}: per session", lambda_only.rate, "USD/session"),
        Value("ec2_storage", f"{EC2}: storage", ec2.fixed, "USD/month"),
        Value("lambda_storage", f"{LAMBDA}: storage", lambda_only.fixed, "USD/month"),
        *[
            Value(f"monthly_{key}", f"{line.label} at {format_value(sessions, 'sessions')}/month", line.at(sessions), "USD/month")
            for key, line in zip(("ec2", "lambda_ecr", "lambda"), lines)
        ],
    ]


def pull_values(values: dict, lines: list[CostLine]) -> list[Value]:
    """What do the pulls cost, how cheap must they be for Lambda + ECR to beat EC2, and how many pulls is that?

    At the note's numbers: 4 pulls × 10 GB × $0.09 = $3.60 a session; Lambda + ECR beats EC2 only while pulls cost
    less than $7 - ($7.80 - $3.60) = $2.80; one pull is $0.90, and 3 pulls ($2.70) cost less than $2.80, 4 ($3.60) do not:

    >>> pulls = {"pulls": 4, "image_gb": 10, "ecr_transfer_price": 0.09}
    >>> [value.text for value in pull_values(pulls, NOTE_LINES)]
    ['$3.60/session', '$2.80/session', '$0.90', '3 pulls']
    """
    ec2, lambda_ecr, _ = lines
    pulls = pull_cost(values["pulls"], values["image_gb"], values["ecr_transfer_price"])
    budget = pull_budget(ec2.rate, lambda_ecr.rate, pulls)
    one_pull = pull_cost(1, values["image_gb"], values["ecr_transfer_price"])
    return [
        Value("pull_cost", f"{LAMBDA_ECR}: image pulls", pulls, "USD/session"),
        Value("pull_budget", f"{LAMBDA_ECR} beats {EC2} only if pulls cost less than", budget, "USD/session"),
        Value("pull_each", "One pull of the image", one_pull, "USD"),
        Value("pulls_in_budget", "Pulls that cost less than that", pulls_within(budget, one_pull), "pulls"),
    ]


def cheapest_values(lines: list[CostLine], span: int) -> list[Value]:
    """Which scenario is cheapest at one session a month and in the chart's busiest month, and at how many session
    counts is Lambda + ECR the cheapest?

    At 1 session EC2 costs $17 (Lambda + ECR $17.80, Lambda $24.20); at 10, Lambda $62 (EC2 $80, Lambda + ECR $88);
    Lambda + ECR is never the cheapest, EC2 always beating it by $0.80 a session:

    >>> [(value.text, value.subject) for value in cheapest_values(NOTE_LINES, 10)]
    [('10 sessions', ''), ('$17.00/month', 'EC2 + ECR'), ('0', ''), ('$62.00/month', 'Lambda')]
    """
    fewest, busiest = cheapest(lines, 1), cheapest(lines, span)
    return [
        Value("busiest_sessions", "The chart's busiest month", span, "sessions"),
        Value("fewest_cheapest", "Cheapest at one session a month", fewest.at(1), "USD/month", subject=fewest.label),
        Value("lambda_ecr_cheapest_count", f"Session counts from 1 to {format_value(span, 'sessions')} at which {LAMBDA_ECR} "
              "is the cheapest", times_cheapest(lines, LAMBDA_ECR, range(1, span + 1)), "count"),
        Value("busiest_cheapest", f"Cheapest at {format_value(span, 'sessions')} a month", busiest.at(span), "USD/month",
              subject=busiest.label),
    ]


def break_even_values(lines: list[CostLine], evens: list[BreakEven]) -> list[Value]:
    """Where do the scenarios that meet cost the same, and up to how many sessions is EC2 the cheapest?

    EC2 and Lambda meet at 3.57 sessions, Lambda + ECR and Lambda at 2.78; EC2 is cheapest up to 3 sessions
    ($31 against Lambda's $32.60), Lambda from 4 ($36.80 against $38):

    >>> for value in break_even_values(NOTE_LINES, break_evens(NOTE_LINES)):
    ...     print(value.name, value.text)
    break_even_ec2_lambda 3.57 sessions/month
    break_even_lambda_ecr_lambda 2.78 sessions/month
    ec2_cheapest_up_to 3 sessions/month
    """
    shown = [
        Value(f"break_even_{key}", f"{be.a} and {be.b} cost the same at", be.x, "sessions/month")
        for key, be in zip(("ec2_lambda", "ec2_lambda_ecr", "lambda_ecr_lambda"), evens)
        if be.outcome == "crosses"
    ]
    last = last_session_cheapest(lines, EC2)
    if last is not None:
        shown.append(Value("ec2_cheapest_up_to", f"{EC2} is cheapest up to", last, "sessions/month"))
    return shown


def monthly_table(lines: list[CostLine], span: int) -> Table:
    """What does each scenario cost a month at 1 to ``span`` sessions, and which is the cheapest?

    At 4 sessions: EC2 $10 + 4 × $7 = $38, Lambda + ECR $10 + 4 × $7.80 = $41.20, Lambda $20 + 4 × $4.20 = $36.80:

    >>> monthly_table(NOTE_LINES, 10).texts[3]
    ('4', '$38.00', '$41.20', '$36.80', 'Lambda')
    """
    return Table(
        "monthly",
        "Monthly cost by sessions per month",
        (Column("sessions per month", "count"), *[Column(line.label, "USD") for line in lines], Column("cheapest")),
        [(n, *[line.at(n) for line in lines], cheapest(lines, n).label) for n in range(1, span + 1)],
    )


def cost_figure(lines: list[CostLine], evens: list[BreakEven], span: int) -> Figure:
    """How does each scenario's monthly cost grow with sessions, and where do two meet within the chart?

    The note's lines from 0 to 10 sessions, with a marker where EC2 meets Lambda (3.57) and Lambda + ECR meets
    Lambda (2.78):

    >>> figure = cost_figure(NOTE_LINES, break_evens(NOTE_LINES), 10)
    >>> [series.name for series in figure.chart.series], figure.chart.series[-1].labels
    (['EC2 + ECR', 'Lambda + ECR', 'Lambda', 'break-even'], ['3.57 sessions', '2.78 sessions'])
    """
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
    return Figure("break_even", chart, figure_alt(lines, evens))


def figure_alt(lines: list[CostLine], evens: list[BreakEven]) -> str:
    """What does the chart show, in words? Each scenario's line, and where two meet.

    >>> for part in figure_alt(NOTE_LINES[::2], [break_even(NOTE_LINES[0], NOTE_LINES[2])]).split("; "):
    ...     print(part)
    EC2 + ECR: $10.00 a month plus $7.00 a session
    Lambda: $20.00 a month plus $4.20 a session
    EC2 + ECR and Lambda meet at 3.57 sessions.
    """
    parts = [f"{line.label}: {format_value(line.fixed, 'USD')} a month plus {format_value(line.rate, 'USD')} a session" for line in lines]
    crossings = [f"{be.a} and {be.b} meet at {format_value(be.x, 'sessions')}" for be in evens if be.outcome == "crosses"]
    return "; ".join(parts + crossings) + "."


def answer(lines: list[CostLine], sessions: float) -> str:
    """Which scenario is cheapest at the sessions asked about?

    At 2 sessions EC2's $24 beats Lambda + ECR's $25.60 and Lambda's $28.40:

    >>> answer(NOTE_LINES, 2)
    'At 2 sessions a month the cheapest is EC2 + ECR.'
    """
    return f"At {format_value(sessions, 'sessions')} a month the cheapest is {cheapest(lines, sessions).label}."


def compute(values: dict, pricing: Pricing) -> Result:
    """What does each scenario cost a month, where do they break even, and which is cheapest at each session count?

    The note's preset: $7 a session on EC2, cheapest at its 2 sessions ($24 against $25.60 and $28.40):

    >>> from calculators import load_pricing
    >>> result = compute(CALCULATOR.defaults(load_pricing(), {"preset": NOTE}), load_pricing())
    >>> round(result.value("ec2_session"), 2), result.notes
    (7.0, ('At 2 sessions a month the cheapest is EC2 + ECR.',))
    """
    lines, sessions, span = scenario_lines(values), values["sessions"], chart_span(values)
    evens = break_evens(lines)
    shown = [
        *scenario_values(lines, sessions),
        *pull_values(values, lines),
        *cheapest_values(lines, span),
        *break_even_values(lines, evens),
    ]
    return Result(
        tuple(shown),
        (monthly_table(lines, span), break_even_table(evens, "sessions/month")),
        (cost_figure(lines, evens, span),),
        (answer(lines, sessions),),
    )


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
