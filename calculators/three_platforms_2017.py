"""The 2017 note's three platforms: one training job on EC2, Google Cloud ML or Rescale, and what it really costs on each.

The calculator is named ``providers`` (its URL keys are ``providers.<field>``), as it always was, so
shared links keep working. From the 2017 note "Cost of Deep Learning". The hourly price is only part of it: a slower worker
bills more hours for the same job, a platform that takes minutes to start bills those minutes,
a failed start has its own charge, and a free credit pays for the first dollars. The job's length
is given on the baseline machine, an EC2 g2.2xlarge (one GRID K520), whose relative speed is 1.
"""

from __future__ import annotations

from ._declare import Calculator, Input
from ._pricing import Pricing
from ._numbers import format_value
from ._result import Column, Figure, Result, Table, Value
from .charts import Axis, Chart, Series
from .models.lines import BreakEven, CostLine, break_even_table
from .models.platforms import (
    JobCost,
    ProviderTerms,
    billed_hours,
    cost_line,
    credit_runs_out,
    credited_cost,
    job_break_even,
    job_cost,
    ranked,
)

NOTE = "cost-of-dl-note"
EC2, GCP, RESCALE = "EC2", "Google Cloud ML", "Rescale"
PROVIDERS = (("ec2", EC2), ("gcp", GCP), ("rescale", RESCALE))
CHART_POINTS = 301
"""Grid points per curve; the kinks where a credit runs out and the crossings are added exactly."""

__all__ = [
    "CALCULATOR",
    "JobCost",
    "ProviderTerms",
    "billed_hours",
    "cost_line",
    "credited_cost",
    "job_break_even",
    "job_cost",
    "ranked",
]
# Every name but CALCULATOR is the model's (models.platforms), named here as the page has always named them.

NOTE_TERMS = [
    ProviderTerms(EC2, 0.65),
    ProviderTerms(GCP, 0.49, 1 / 7, free_credit=300),
    ProviderTerms(RESCALE, 1.0, 1, startup_minutes=6, failed_start_charge=1, free_credit=10),
]
"""The note's terms, for the examples: EC2's g2.2xlarge at $0.65/h; Google Cloud ML at $0.49/h, 7 times slower, with
$300 of credit; Rescale at $1/h, as fast, 6 minutes to start, $1 a failed start and $10 of credit. A 10-hour job bills
10 h on EC2 ($6.50), 70 h on Google Cloud ML ($34.30, all paid by the credit) and 10.1 h on Rescale ($10.10, of which
the credit pays $10: $0.10 to pay)."""


def provider_terms(values: dict) -> list[ProviderTerms]:
    """What does each provider charge, and how fast is its worker?

    The note's preset (with Google Cloud ML's 2017 price, $0.49/h) gives the terms above:

    >>> from calculators import load_pricing
    >>> terms = provider_terms(CALCULATOR.defaults(load_pricing(), {"preset": NOTE}))
    >>> [(t.name, t.hourly_price, round(t.relative_speed, 4), t.startup_minutes, t.free_credit) for t in terms]
    [('EC2', 0.65, 1.0, 0.0, 0.0), ('Google Cloud ML', 0.49, 0.1429, 0.0, 300.0), ('Rescale', 1.0, 1.0, 6.0, 10.0)]
    """
    return [
        ProviderTerms(
            label,
            values[f"{key}_price"],
            values[f"{key}_relative_speed"],
            values[f"{key}_startup_minutes"],
            values[f"{key}_failed_start_charge"],
            values[f"{key}_free_credit"],
        )
        for key, label in PROVIDERS
    ]


def cost_values(costs: list[JobCost], order: list[JobCost]) -> list[Value]:
    """What does the job cost on each provider that finishes it (hours billed, before credit, credit used, what you
    pay), and which is the cheapest?

    The note's 10-hour job: you pay $6.50 on EC2, $0 on Google Cloud ML and $0.10 on Rescale; Google Cloud ML wins:

    >>> costs = [job_cost(terms, 10) for terms in NOTE_TERMS]
    >>> shown = cost_values(costs, ranked(costs))
    >>> [value.text for value in shown if value.name.endswith("_cost")], (shown[-1].text, shown[-1].subject)
    (['$6.50', '$0.00', '$0.10'], ('$0.00', 'Google Cloud ML'))
    """
    shown = []
    for (key, _), cost in zip(PROVIDERS, costs):
        if cost.outcome != "finishes":
            continue
        shown += [
            Value(f"{key}_billed_hours", f"{cost.provider}: billed hours", cost.billed_hours, "h"),
            Value(f"{key}_before_credit", f"{cost.provider}: cost before credit", cost.before_credit, "USD"),
            Value(f"{key}_credit_used", f"{cost.provider}: credit used", cost.credit_used, "USD"),
            Value(f"{key}_cost", f"{cost.provider}: you pay", cost.effective, "USD"),
        ]
    if order and order[0].outcome == "finishes":
        shown.append(Value("cheapest", "Cheapest for this job", order[0].effective, "USD", subject=order[0].provider))
    return shown


def rank_table(order: list[JobCost]) -> Table:
    """Which provider is cheapest for this job, and what does each bill, before and after its credit?

    >>> rank_table(ranked([job_cost(terms, 10) for terms in NOTE_TERMS])).texts[0]
    ('1', 'Google Cloud ML', '70 h', '$34.30', '$34.30', '$0.00')
    """
    never = "never finishes"
    return Table(
        "ranking",
        "One job, cheapest first",
        (
            Column("rank", "count"),
            Column("provider"),
            Column("outcome", shown=False),
            Column("billed hours", "h", missing=never),
            Column("before credit", "USD", missing=never),
            Column("credit used", "USD", missing=never),
            Column("you pay", "USD", missing=never),
        ),
        [
            (rank, c.provider, c.outcome, c.billed_hours, c.before_credit, c.credit_used, c.effective)
            for rank, c in enumerate(order, 1)
        ],
    )


def break_evens(finishing: list[ProviderTerms], failed_starts: float) -> list[BreakEven]:
    """At what job length do two providers that finish the job cost the same, once their credits are spent?

    Net of credit EC2 costs $0.65 an hour, Google Cloud ML $3.43 an hour less $300, Rescale $1 an hour plus $0.10
    less $10. EC2 and Google Cloud ML meet at 300 / 2.78 = 107.91 h, EC2 and Rescale at 9.9 / 0.35 = 28.29 h, Google
    Cloud ML and Rescale at 290.1 / 2.43 = 119.38 h:

    >>> [(be.a, be.b, round(be.x, 2)) for be in break_evens(NOTE_TERMS, 0)]
    [('EC2', 'Google Cloud ML', 107.91), ('EC2', 'Rescale', 28.29), ('Google Cloud ML', 'Rescale', 119.38)]
    """
    return [job_break_even(a, b, failed_starts) for i, a in enumerate(finishing) for b in finishing[i + 1 :]]


def compute(values: dict, pricing: Pricing) -> Result:
    """What does one job cost on each provider, ranked, and at which job lengths does the ranking change?

    The note's 10-hour job, with Google Cloud ML at its 2017 $0.49/h: $6.50 on EC2, nothing on Google Cloud ML:

    >>> from calculators import load_pricing
    >>> result = compute(CALCULATOR.defaults(load_pricing(), {"preset": NOTE}), load_pricing())
    >>> result.value("ec2_cost"), result.notes
    (6.5, ('For a 10 h job the cheapest is Google Cloud ML at $0.00.',))
    """
    terms = provider_terms(values)
    job_hours, failed = values["job_hours"], values["failed_starts"]
    costs = [job_cost(t, job_hours, failed) for t in terms]
    order = ranked(costs)
    finishing = [t for t in terms if t.finishes]
    evens = break_evens(finishing, failed)
    even_table = break_even_table(evens, "h", "Job length at which two providers cost the same")
    figures = (bar_figure(order), line_figure(values, finishing, evens))
    return Result(tuple(cost_values(costs, order)), (rank_table(order), even_table), figures,
                  notes(order, terms, job_hours))


def notes(order: list[JobCost], terms: list[ProviderTerms], job_hours: float) -> tuple[str, ...]:
    """Which provider is cheapest for the job, and which never finish it?

    >>> notes(ranked([job_cost(terms, 10) for terms in NOTE_TERMS]), NOTE_TERMS, 10)
    ('For a 10 h job the cheapest is Google Cloud ML at $0.00.',)
    >>> notes([JobCost("EC2", "never_finishes")], [ProviderTerms("EC2", 0.65, 0)], 10)
    ('EC2 has no speed to speak of: the job never finishes, so it is ranked last, undrawn.',)
    """
    found = []
    best = order[0]
    if best.outcome == "finishes":
        job, paid = format_value(job_hours, "h"), format_value(best.effective, "USD")
        found.append(f"For a {job} job the cheapest is {best.provider} at {paid}.")
    for t in terms:
        if not t.finishes and job_hours > 0:
            found.append(f"{t.name} has no speed to speak of: the job never finishes, so it is ranked last, undrawn.")
    return tuple(found)


def bar_figure(order: list[JobCost]) -> Figure:
    """What does the job cost on each provider, cheapest first? A bar each, and the same in words.

    >>> for part in bar_figure(ranked([job_cost(terms, 10) for terms in NOTE_TERMS])).alt.split("; "):
    ...     print(part)
    Google Cloud ML $0.00 ($34.30 before credit)
    Rescale $0.10 ($10.10 before credit)
    EC2 $6.50 ($6.50 before credit).
    """
    shown = [c for c in order if c.outcome == "finishes"]
    chart = Chart(
        "What one job costs, cheapest first",
        Axis("provider", scale="category"),
        Axis("USD after credit", prefix="$"),
        (Series("you pay", [c.provider for c in shown], [c.effective for c in shown], style="bar",
                labels=[format_value(c.effective, "USD") for c in shown]),),
        legend=False,
    )
    parts = [
        f"{c.provider} {format_value(c.effective, 'USD')} ({format_value(c.before_credit, 'USD')} before credit)"
        for c in shown
    ]
    parts += [f"{c.provider} never finishes" for c in order if c.outcome != "finishes"]
    return Figure("ranking", chart, "; ".join(parts) + ".")


def chart_grid(lines: dict[str, tuple[CostLine, float]], evens: list[BreakEven], span: float) -> list[float]:
    """At which job lengths are the curves drawn? Evenly from 0 to ``span``, plus where each credit runs out (where
    a curve bends) and where two curves cross, so each bend and crossing is drawn where it is.

    The note's lines over 0 to 150 h: 301 even points, Rescale's credit spent at 9.9 h, Google Cloud ML's at
    300 / 3.43 = 87.46 h, and the three crossings (107.91, 28.29 and 119.38 h):

    >>> lines = {t.name: (cost_line(t), t.free_credit) for t in NOTE_TERMS}
    >>> grid = chart_grid(lines, break_evens(NOTE_TERMS, 0), 150)
    >>> len(grid), 9.9 in grid, grid[-1]
    (306, True, 150.0)
    """
    runs_out = [credit_runs_out(line, credit) for line, credit in lines.values()]
    kinks = [x for x in runs_out if x is not None and x < span]
    crossings = [be for be in evens if be.outcome == "crosses" and be.x <= span]
    return sorted(
        {span * i / (CHART_POINTS - 1) for i in range(CHART_POINTS)} | set(kinks) | {be.x for be in crossings}
    )


def line_figure(values: dict, finishing: list[ProviderTerms], evens: list[BreakEven]) -> Figure:
    """What does the job cost on each provider as it grows longer, after credit, and where do two cost the same?

    The note's providers over 0 to 150 h, the three crossings marked:

    >>> figure = line_figure({"hours_max": 150, "job_hours": 10, "failed_starts": 0}, NOTE_TERMS,
    ...                      break_evens(NOTE_TERMS, 0))
    >>> [series.name for series in figure.chart.series], figure.chart.series[-1].labels
    (['EC2', 'Google Cloud ML', 'Rescale', 'break-even'], ['107.9 h', '28.29 h', '119.4 h'])
    """
    span = max(values["hours_max"], values["job_hours"])
    lines = {t.name: (cost_line(t, values["failed_starts"]), t.free_credit) for t in finishing}
    grid = chart_grid(lines, evens, span)
    series = [Series(name, grid, [credited_cost(line, credit, x) for x in grid]) for name, (line, credit) in lines.items()]
    meets = [(be, credited_cost(*lines[be.a], be.x)) for be in evens if be.outcome == "crosses" and be.x <= span]
    if meets:
        series.append(Series("break-even", [be.x for be, _ in meets], [y for _, y in meets], style="markers",
                             symbol="diamond", labels=[format_value(be.x, "h") for be, _ in meets]))
    chart = Chart(
        "Cost of one job by its length",
        Axis("job hours on the baseline machine (EC2 g2.2xlarge)"),
        Axis("USD after credit", prefix="$"),
        tuple(series),
    )
    return Figure("break_even", chart, line_alt(lines, meets, span))


def line_alt(lines: dict[str, tuple[CostLine, float]], meets: list[tuple[BreakEven, float]], span: float) -> str:
    """What does the chart of cost by job length show, in words? Each provider's terms, where two meet, the span.

    >>> lines = {"Rescale": (cost_line(NOTE_TERMS[2]), 10.0)}
    >>> line_alt(lines, [], 150)
    'Rescale: $0.10 to start plus $1.00 per baseline hour, less a $10.00 credit; job lengths 0 to 150 h.'
    """
    parts = [
        f"{name}: {format_value(line.fixed, 'USD')} to start plus {format_value(line.rate, 'USD')} per baseline hour, "
        f"less a {format_value(credit, 'USD')} credit"
        for name, (line, credit) in lines.items()
    ]
    parts += [
        f"{be.a} and {be.b} cost the same at {format_value(be.x, 'h')} ({format_value(y, 'USD')})" for be, y in meets
    ]
    parts.append(f"job lengths 0 to {format_value(span, 'h')}")
    return "; ".join(parts) + "."


def _provider_inputs(
    key: str,
    label: str,
    *,
    price: float | str,
    price_label: str,
    speed: float | str,
    startup: float | str,
    failed_charge: float | str,
    credit: float | str,
    helps: dict[str, str],
) -> tuple[Input, ...]:
    """The five inputs every provider has, named ``<key>_price``, ``<key>_relative_speed`` and so on."""
    speed_help = "1 = as fast as an EC2 g2.2xlarge; 0.5 = twice as slow; 0 = the job never finishes."
    return (
        Input(f"{key}_price", price_label, "USD/h", price, maximum=1000, step=0.01, help=helps.get("price", "")),
        Input(f"{key}_relative_speed", f"{label}: speed relative to the baseline", "×", speed, minimum=0,
              maximum=1000, step=0.05, help=helps.get("speed", speed_help)),
        Input(f"{key}_startup_minutes", f"{label}: start-up time, billed", "min", startup, maximum=1440, step=1,
              help=helps.get("startup", "")),
        Input(f"{key}_failed_start_charge", f"{label}: charge per failed start", "USD", failed_charge,
              maximum=10_000, step=0.5, help=helps.get("failed", "")),
        Input(f"{key}_free_credit", f"{label}: free credit", "USD", credit, maximum=100_000, step=1,
              help=helps.get("credit", "")),
    )


NO_FIGURE = "0 by default: neither the note nor pricing.json gives a figure."

CALCULATOR = Calculator(
    name="providers",
    title="One training job on EC2, Google Cloud ML or Rescale",
    summary="Billed hours, start-up, failed starts and free credit turn hourly prices into the cost of one job.",
    inputs=(
        Input("job_hours", "Job length on the EC2 machine", "h", 10, maximum=100_000, step=0.5,
              help="How long the job runs on the EC2 machine (today a g5.xlarge, one A10G; in the note a g2.2xlarge, one "
                   "GRID K520); a slower worker bills proportionally more."),
        Input("failed_starts", "Failed starts before the job runs", "starts", 0, maximum=1000, step=1, integer=True,
              help="Each costs the provider's failed-start charge (a typo in a start-up script, say)."),
        Input("hours_max", "Chart range", "h", 150, minimum=1, maximum=100_000, step=10),
        *_provider_inputs(
            "ec2", EC2,
            price="/instances/g5.xlarge/on_demand", price_label="EC2 price (today a g5.xlarge, 1×A10G)",
            speed=1, startup=0, failed_charge=0, credit=0,
            helps={
                "price": "Today's g5.xlarge by default; the note's preset uses the g2.2xlarge (one GRID K520) it rented, "
                         "a machine AWS no longer sells.",
                "speed": "1: the EC2 machine is the baseline the job length is measured on.",
                "startup": NO_FIGURE,
                "failed": NO_FIGURE,
                "credit": "0 by default: the note mentions no EC2 credit.",
            },
        ),
        *_provider_inputs(
            "gcp", GCP,
            price="/instances/gcp-cloud-ml-training-unit/on_demand@gcp-ml-engine-pricing-2017",
            price_label="Google Cloud ML price per hour (one ML training unit, 2017: retired)",
            speed="/providers/gcp-cloud-ml/relative_speed@note-cost-of-dl", startup=0, failed_charge=0,
            credit="/providers/gcp-cloud-ml/free_credit@note-cost-of-dl",
            helps={
                "price": "Cloud ML Engine's 2017 US rate for one ML training unit, the only figure there is: the service "
                         "shut down on 2025-01-31 (its successor is Vertex AI custom training), so put in a Vertex AI "
                         "quote for today. The pricing page did not say how many units the note's cheapest worker used.",
                "speed": "The note found the cheapest worker 7 times slower than a g2.2xlarge: 1/7.",
                "startup": NO_FIGURE,
                "failed": NO_FIGURE,
            },
        ),
        *_provider_inputs(
            "rescale", RESCALE,
            price="/instances/rescale-gpu-worker/on_demand@note-cost-of-dl", price_label="Rescale price (the note's GPU worker)",
            speed="/providers/rescale/relative_speed@note-cost-of-dl", startup="/providers/rescale/startup_minutes@note-cost-of-dl",
            failed_charge="/providers/rescale/failed_start_charge@note-cost-of-dl", credit="/providers/rescale/free_credit@note-cost-of-dl",
            helps={
                "price": "The note's 'about $1 per hour' as configured: Rescale now prices by core type, and no "
                         "dated figure for a GPU worker is in the price list, so put in a quote for today.",
                "speed": "The note found Rescale's GPU workers as fast as a g2.2xlarge or faster.",
                "startup": "The note saw {/providers/rescale/startup_minutes@note-cost-of-dl#low} to "
                           "{/providers/rescale/startup_minutes@note-cost-of-dl#high}; the default is the midpoint.",
            },
        ),
    ),
    compute=compute,
    headline=("ec2_cost", "gcp_cost", "rescale_cost"),
    presets={
        NOTE: {
            "ec2_price": "/instances/g2.2xlarge/on_demand@note-cost-of-dl",
            "rescale_price": "/instances/rescale-gpu-worker/on_demand@note-cost-of-dl",
            "gcp_relative_speed": "/providers/gcp-cloud-ml/relative_speed@note-cost-of-dl",
            "gcp_free_credit": "/providers/gcp-cloud-ml/free_credit@note-cost-of-dl",
            "rescale_startup_minutes": "/providers/rescale/startup_minutes@note-cost-of-dl",
            "rescale_failed_start_charge": "/providers/rescale/failed_start_charge@note-cost-of-dl",
            "rescale_free_credit": "/providers/rescale/free_credit@note-cost-of-dl",
        }
    },
)
