"""The inputs that describe a training run, declared once for every page that prices one, and how a run is planned.

The cost-to-train page and the price-history page both ask about "this run"; they share these declarations,
:func:`training_run`, which turns checked values into the training model's
:class:`~calculators.models.training.TrainingRun`, and :func:`plan_machine`, which plans the run on machines of one
type (:mod:`calculators.models.planning`): as many as hold it and meet the deadline, or as many as the reader asks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

from ._declare import ADVANCED, Filler, Input, PricingChoices, assumption
from ._errors import CalculatorError
from ._numbers import number_text
from ._pricing import MEASURED, Pricing
from .models.architecture import CONFIG_FIELD, ModelShape, parameter_counts, parameter_range, read_config, shape_from_config
from .models.calibration import efficiency_mfu
from .models.cluster import ClusterPlan, plan_for_deadline, plan_on
from .models.machines import Exclusion, Machine
from .models.planning import Layout, Reliability, cluster_job, layout
from .models.throughput import GpuSpeed, gpu_speed
from .models.training import TrainingRun

NOTE = "nanogpt-gpt2-124m"
"""The assumptions entry of pricing.json that holds nanoGPT's GPT-2 (124M) run."""

CUSTOM = "custom"
DEFAULT_EFFICIENCY = "optimised-one-node"
"""Today's common case for the page's opening run, GPT-2 on one machine (an efficiency key of pricing.json)."""

CLUSTER = "Cluster"
"""The form group that sizes the cluster: machines, deadline, failures."""

RUN_INPUTS: tuple[Input, ...] = (
    Input("parameters", "Model parameters", "", assumption(NOTE, "parameters"), minimum=1, maximum=1e13, step=1e6,
          help="All of them: a mixture of experts counts every expert (DeepSeek-V3: 671B).", group="Model"),
    Input("active_parameters", "Active parameters", "", 0, minimum=0, maximum=1e13, step=1e6,
          help="0 for a dense model. For a mixture of experts, the parameters one token passes through (DeepSeek-V3: "
               "37B): they set the compute, all the parameters set the memory.", group="Model"),
    Input("steps", "Training steps", "", assumption(NOTE, "iterations"), minimum=0, maximum=1e9, step=1, integer=True, group="Model"),
    Input("tokens_per_step", "Tokens per step (whole batch)", "tokens", assumption(NOTE, "tokens_per_iteration"),
          minimum=1, maximum=1e9, step=1, integer=True, group="Model"),
    Input("layers", "Layers", "", assumption(NOTE, "layers"), minimum=1, maximum=1000, step=1, integer=True, group="Model"),
    Input("heads", "Attention heads", "", assumption(NOTE, "heads"), minimum=1, maximum=1024, step=1, integer=True, group="Model"),
    Input("embedding", "Embedding width", "", assumption(NOTE, "embedding"), minimum=1, maximum=1_000_000, step=1, integer=True, group="Model"),
    Input("block_size", "Sequence length", "tokens", assumption(NOTE, "block_size"), minimum=1, maximum=10_000_000, step=1, integer=True, group="Model"),
    Input("precision", "Precision", "", "tensor",
          choices=(("tensor", "bf16/fp16 (tensor)"), ("fp8", "fp8 where the GPU has it"), ("fp32", "fp32")), group="Model"),
    Input("efficiency", "How the run is trained", "", DEFAULT_EFFICIENCY,
          choices=PricingChoices("efficiency", first=((MEASURED, "As measured: by GPU, model size, dense or MoE"),),
                                 last=((CUSTOM, "Custom: the MFU and scaling efficiency under Advanced"),)),
          help="Sets the model FLOPs utilisation (MFU) of one GPU on one machine: measured for each GPU and model size "
               "(the throughput table below), or {/efficiency/nanogpt-2022/values/mfu} for 2022-style PyTorch, "
               "{/efficiency/optimised-one-node/values/mfu} for an optimised single machine. A cluster then loses what "
               "its network and its failures cost.", group="Model"),
    Input("machines", "Machines", "", 0, minimum=0, maximum=100_000, step=1, integer=True,
          help="0 chooses for you: the fewest machines of each type that hold the run and finish by the deadline.",
          group=CLUSTER),
    Input("deadline_days", "Finish within", "days", 30, minimum=0.01, maximum=3650, step=1, group=CLUSTER,
          help="Machines are added until the run, failures included, ends in time (capped at the largest cluster "
               "each provider is sourced to offer)."),
    Input("gpu_hours_per_failure", "GPU-hours between failures", "h", assumption("cluster-defaults", "gpu_hours_per_failure"),
          minimum=1, maximum=1e15, step=1,
          help="A job stops when any of its GPUs fails: Llama 3 saw one failure per {/assumptions/cluster-defaults/values/gpu_hours_per_failure} "
               "GPU-hours, so 16,384 GPUs failed every 3 hours.", group=CLUSTER),
    Input("restart_minutes", "Restart after a failure", "min", assumption("cluster-defaults", "restart_minutes"),
          minimum=0, maximum=1440, step=1,
          help="Finding the fault, replacing the machine and reloading the last checkpoint (MegaScale: under 10 "
               "minutes to find it, back on track within 15).", group=CLUSTER),
    Input("checkpoint_gb_per_second", "Checkpoint write speed a machine", "GB/s",
          assumption("cluster-defaults", "checkpoint_gb_per_second"), minimum=0.001, maximum=1000, step=0.1,
          help="Each machine writes its share of a checkpoint (12 bytes a parameter) at this speed; Llama 3's "
               "storage gave about 1 GB/s a machine.", group=CLUSTER),
    Input("attention_flops", "Attention FLOPs", "", "on",
          choices=(("on", "Count them: 6·N + 12·L·H·Q·T per token"), ("off", "Leave them out: 6·N per token")), group=ADVANCED),
    Input("kv_heads", "Key-value heads", "", 0, minimum=0, maximum=1024, step=1, integer=True,
          help="0 for as many as the attention heads; fewer is grouped-query attention (Llama 3: 8). Used to check "
               "the parameter count.", group=ADVANCED),
    Input("head_size", "Attention head size", "", 0, minimum=0, maximum=4096, step=1, integer=True,
          help="0 for the embedding width ÷ heads. Some models' heads are wider (Qwen3 30B-A3B: "
               "{/throughput/qwen3-30b-a3b-h100-8/values/head_size}, twice its width ÷ heads); DeepSeek-V3's latent "
               "attention counts as {/runs/deepseek-v3/values/head_size}, its query-key and value sizes averaged. Sets "
               "the attention FLOPs.", group=ADVANCED),
    Input("ffn_width", "Feed-forward width", "", 0, minimum=0, maximum=10_000_000, step=1, integer=True,
          help="0 if not known. The width of a dense feed-forward block (Llama 3 8B: 14,336); used to check the "
               "parameter count.", group=ADVANCED),
    Input("vocabulary", "Vocabulary", "tokens", 0, minimum=0, maximum=10_000_000, step=1, integer=True,
          help="0 if not known; used to check the parameter count.", group=ADVANCED),
    Input("mfu", "Custom MFU", "fraction", assumption("site-defaults", "mfu"),
          minimum=0.01, maximum=1, step=0.01,
          help="Used only when the run is trained the custom way: the share of peak throughput one GPU achieves.", group=ADVANCED),
    Input("scaling_efficiency", "Custom multi-GPU scaling efficiency", "fraction",
          assumption("site-defaults", "scaling_efficiency"), minimum=0.01, maximum=1, step=0.01,
          help="Used only with the custom choice, within a machine of more than one GPU: the share of throughput left "
               "after communication. The other choices' MFUs already include it.", group=ADVANCED),
    Input("micro_batch", "Micro-batch per GPU", "sequences", 1, minimum=1, maximum=100_000, step=1, integer=True, group=ADVANCED),
    Input("activation_memory", "Activations kept in memory", "", "flash",
          choices=(("full", "All, attention scores included (Korthikanti et al. 2022)"),
                   ("flash", "All but the attention scores (flash attention)"),
                   ("recompute", "Layer inputs only (full activation recomputation)")), group=ADVANCED),
    Input("sharding", "Model states", "", "sharded",
          choices=(("sharded", "Sharded across every GPU (FSDP / ZeRO-3)"),
                   ("replicated", "A full copy on every GPU (plain data parallel)")), group=ADVANCED),
)

_PRESET_FIELDS = {"parameters": "parameters", "steps": "steps", "tokens_per_step": "tokens_per_step", "layers": "layers",
                  "heads": "heads", "embedding": "embedding", "block_size": "sequence"}
"""The run inputs every published run gives, and the name of each in pricing.json's ``runs``."""

SHAPE_FIELDS = {"active_parameters": "active_parameters", "kv_heads": "kv_heads", "ffn_width": "ffn", "vocabulary": "vocabulary",
                "head_size": "head_size"}
"""The inputs a run gives when its config is known: left out, a preset sets them to 0 (dense, or not known)."""


def run_preset(run: str, efficiency: str, shape: tuple[str, ...] = (), **fixed) -> dict:
    """A preset for the run inputs, read from a published run in pricing.json (``/runs/<run>``).

    ``shape`` names the further inputs the run gives (``kv_heads``, ``ffn_width``, ``vocabulary``,
    ``active_parameters``); ``fixed`` sets other inputs to values.

    >>> preset = run_preset("llama2-70b", "measured", ("kv_heads",), deadline_days=90)
    >>> preset["layers"], preset["kv_heads"], preset["deadline_days"]
    ('/runs/llama2-70b/values/layers', '/runs/llama2-70b/values/kv_heads', 90)
    """
    base = f"/runs/{run}/values"
    fields = _PRESET_FIELDS | {name: SHAPE_FIELDS[name] for name in shape}
    return {name: f"{base}/{field}" for name, field in fields.items()} | {"efficiency": efficiency, **fixed}


_CONFIG = ("kv_heads", "ffn_width", "vocabulary")

MODEL_PRESETS: dict[str, dict] = {
    "gpt2-124m-llmc": run_preset("llmc-gpt2-124m-a100", "optimised-one-node"),
    "gpt2-350m": run_preset("llmc-gpt2-350m-a100", "optimised-one-node"),
    "gpt2-774m": run_preset("llmc-gpt2-774m-a100", "optimised-one-node"),
    "gpt2-1558m": run_preset("llmc-gpt2-1558m-h100", "optimised-one-node"),
    "tinyllama-1b": run_preset("tinyllama-1.1b", "optimised-one-node"),
    "llama2-7b": run_preset("llama2-7b", MEASURED, _CONFIG),
    "llama2-70b": run_preset("llama2-70b", MEASURED, _CONFIG, deadline_days=90),
    "llama3-8b": run_preset("llama3.1-8b", MEASURED, _CONFIG),
    "llama3-70b": run_preset("llama3.1-70b", MEASURED, _CONFIG, deadline_days=90),
    "llama3-405b": run_preset("llama3.1-405b", MEASURED, _CONFIG, deadline_days=90),
    "deepseek-v3": run_preset("deepseek-v3", MEASURED, (*_CONFIG, "active_parameters", "head_size"), precision="fp8",
                              deadline_days=60),
}
"""Model presets, each a published run's own shape and tokens (sources in pricing.json): GPT-2 at the four sizes
llm.c trained, TinyLlama's 1.1B Llama 2 shape on its 3T tokens, Llama 2 at 7B and 70B on 2T tokens, Llama 3.1 at
8B, 70B and 405B on 15T, and the mixture of experts DeepSeek-V3 on 14.8T in FP8. The large runs' deadlines are
about as long as they took."""

MODEL_PRESET_TITLES: dict[str, str] = {
    "gpt2-124m-llmc": "GPT-2 124M, as llm.c trained it",
    "gpt2-350m": "GPT-2 350M, as llm.c trained it",
    "gpt2-774m": "GPT-2 774M, as llm.c trained it",
    "gpt2-1558m": "GPT-2 1.5B, as llm.c trained it",
    "tinyllama-1b": "TinyLlama 1.1B (Llama 2 shape)",
    "llama2-7b": "Llama 2 7B",
    "llama2-70b": "Llama 2 70B",
    "llama3-8b": "Llama 3.1 8B",
    "llama3-70b": "Llama 3.1 70B",
    "llama3-405b": "Llama 3.1 405B",
    "deepseek-v3": "DeepSeek-V3 (mixture of experts)",
}
"""What the form's preset picker calls each model preset: names only; the run's figures (tokens, shape) come
from pricing.json into the fields when it is picked."""


def shape_fields(shape: ModelShape) -> dict[str, float]:
    """The run inputs a model's shape fills: its parameters (all and active), layers, width, heads and the rest.

    An MoE model's feed-forward width is its experts'. The head size is 0 when it is the width ÷ heads, as the form
    takes 0 to mean. The sequence length stays the reader's: a config gives the longest context the model accepts,
    not the one it trained at.

    >>> fields = shape_fields(shape_from_config(json.loads(_config_text("mistral-7b"))))
    >>> {name: fields[name] for name in ("layers", "embedding", "heads", "kv_heads", "ffn_width")}
    {'layers': 32, 'embedding': 4096, 'heads': 32, 'kv_heads': 8, 'ffn_width': 14336}
    >>> round(fields["parameters"] / 1e9, 2), fields["active_parameters"], fields["head_size"]
    (7.24, 0, 0)
    >>> shape_fields(shape_from_config(json.loads(_config_text("qwen3-30b-a3b"))))["head_size"]
    128
    """
    total, active = parameter_counts(shape)
    return {
        "parameters": round(total),
        "active_parameters": round(active) if shape.is_moe else 0,
        "layers": shape.layers,
        "embedding": shape.width,
        "heads": shape.heads,
        "kv_heads": shape.kv_heads,
        "ffn_width": shape.expert_ffn if shape.is_moe else shape.ffn,
        "vocabulary": shape.vocabulary,
        "head_size": 0 if shape.flops_head_size * shape.heads == shape.width else round(shape.flops_head_size),
    }


def config_fields(text: str) -> dict[str, float]:
    """The run inputs a pasted config.json fills; refused, with a reason, when the text is not one.

    >>> config_fields('{"num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4, "vocab_size": 100}')["layers"]
    2
    """
    return shape_fields(shape_from_config(read_config(text)))


def _config_text(key: str) -> str:
    return resources.files(__package__).joinpath("model_configs", f"{key}.json").read_text(encoding="utf-8")


def config_examples() -> dict[str, tuple[str, dict[str, float]]]:
    """The open models whose config.json the package keeps (calculators/model_configs, each with its source):
    each one's title and the fields it fills.

    >>> examples = config_examples()
    >>> examples["deepseek-v3"][0], round(examples["deepseek-v3"][1]["active_parameters"] / 1e9, 1)
    ('DeepSeek-V3 (mixture of experts)', 37.6)
    """
    sources = json.loads(_config_text("sources"))
    return {key: (entry["title"], config_fields(_config_text(key))) for key, entry in sources.items()}


MODEL_CONFIG = Filler(
    CONFIG_FIELD, "Or start from a model's config.json", config_fields, config_examples,
    help="Pick an open model, or paste the config.json of any Hugging Face transformer: its layers, width, heads, "
         "head size, feed-forward width, vocabulary and parameters (all and active) fill the Model fields. Tokens, "
         "sequence length and the rest stay as they are.",
)
"""The model fields from a config.json, pasted or picked: for every page that asks about a training run."""


def _check_shape(values: dict) -> None:
    """Refuse a shape no transformer has, naming each field involved: the message is shown by the field it is
    about and by the other field the reader changed (``related``)."""
    layers, width, heads, kv_heads = values["layers"], values["embedding"], values["heads"], values["kv_heads"]
    if width % heads:
        raise CalculatorError(f"Attention heads ('heads') must divide the embedding width ('embedding') "
                              f"{number_text(width)}: {heads}", "heads", related=("embedding",))
    if kv_heads and heads % kv_heads:
        raise CalculatorError(f"Key-value heads ('kv_heads') must divide the {heads} attention heads ('heads'): "
                              f"{kv_heads}", "kv_heads", related=("heads",))
    total, active = values["parameters"], values["active_parameters"]
    if active > total:
        raise CalculatorError(f"Active parameters ('active_parameters') cannot exceed all the model's parameters "
                              f"('parameters') {number_text(total)}: {number_text(active)}", "active_parameters",
                              related=("parameters",))
    moe = 0 < active < total
    share = kv_heads / heads if kv_heads else 0.0
    low, high = parameter_range(layers, width, share, 0 if moe else values["ffn_width"], values["vocabulary"])
    checked, field = (active, "active_parameters") if moe else (total, "parameters")
    if not low <= checked <= high:
        what = "Active parameters" if moe else "Model parameters"
        shape = ("layers", "embedding", "heads", "kv_heads", "vocabulary") + (() if moe else ("ffn_width",))
        raise CalculatorError(
            f"{what} ('{field}') must fit {layers} layers ('layers') of width {number_text(width)} ('embedding'): "
            f"between {number_text(round(low))} and {number_text(round(high))}, got {number_text(checked)}", field,
            related=shape,
        )


def training_run(values: dict, pricing: Pricing) -> TrainingRun:
    """Which training run do checked values describe? Raises CalculatorError when the shape is inconsistent.

    An efficiency preset sets the MFU of one GPU on one machine; ``measured`` leaves it to each GPU's
    measurements (0 here); the custom choice takes the MFU and scaling efficiency fields.

    >>> from calculators import load_pricing
    >>> values = {"parameters": 124e6, "active_parameters": 0, "steps": 10, "tokens_per_step": 1000, "layers": 12,
    ...      "heads": 12, "kv_heads": 0, "head_size": 0, "embedding": 768, "ffn_width": 0, "vocabulary": 0, "block_size": 1024,
    ...      "attention_flops": "on", "precision": "tensor", "efficiency": "nanogpt-2022", "mfu": 0.5,
    ...      "scaling_efficiency": 0.95, "micro_batch": 1, "activation_memory": "flash", "sharding": "sharded"}
    >>> run = training_run(values, load_pricing())
    >>> run.tokens, run.mfu, run.scaling_efficiency
    (10000.0, 0.3, 1.0)
    >>> training_run(dict(values, efficiency="custom"), load_pricing()).mfu
    0.5
    """
    _check_shape(values)
    efficiency = values["efficiency"]
    custom = efficiency == CUSTOM
    return TrainingRun(
        parameters=values["parameters"],
        tokens=float(values["steps"]) * float(values["tokens_per_step"]),
        layers=values["layers"],
        heads=values["heads"],
        embedding=values["embedding"],
        sequence=values["block_size"],
        attention_flops=values["attention_flops"] == "on",
        precision=values["precision"],
        mfu=values["mfu"] if custom else 0.0 if efficiency == MEASURED else efficiency_mfu(pricing, efficiency),
        scaling_efficiency=values["scaling_efficiency"] if custom else 1.0,
        micro_batch=values["micro_batch"],
        activations=values["activation_memory"],
        sharding=values["sharding"],
        active_parameters=values["active_parameters"],
        efficiency=efficiency,
        head_size=values["head_size"],
    )


def reliability(values: dict) -> Reliability:
    """The failure figures the reader gave (or left at their sourced defaults)."""
    return Reliability(values["gpu_hours_per_failure"], values["restart_minutes"] / 60.0, values["checkpoint_gb_per_second"])


@dataclass(frozen=True)
class MachinePlan:
    """The run planned on machines of one type: one GPU's speed, the layout in memory, and the on-demand plan."""

    spec: Machine
    speed: GpuSpeed
    fit: Layout
    plan: ClusterPlan
    meets_deadline: bool
    per_doubling: float
    gpu_flops: float
    notes: tuple[str, ...]

    @property
    def label(self) -> str:
        """The plan's name: the machine, with the count when there are several (``64 × p5.48xlarge``)."""
        return self.spec.name if self.plan.machines == 1 else f"{self.plan.machines} × {self.spec.name}"


def _why_not(run: TrainingRun, spec: Machine) -> str:
    """Why no number of these machines, up to the provider's largest cluster, holds the run."""
    unbounded = layout(run, spec.gpu_count, spec.memory_gb, 10**9)
    if unbounded is None:
        return f"a GPU's {number_text(spec.memory_gb)} GB cannot hold even one micro-batch of activations"
    need = f"needs {number_text(unbounded.machines)} machines' memory"
    if spec.fabric is None:
        return f"cannot join a cluster, and the run {need}"
    return f"{need}; the largest cluster sourced is {number_text(spec.most_machines)}"


def plan_machine(spec: Machine, run: TrainingRun, values: dict, pricing: Pricing, price: float) -> MachinePlan | Exclusion:
    """Plan the run on machines of type ``spec`` at ``price`` an hour each: the reader's count, or the fewest that
    hold the run and meet the deadline (up to the largest cluster the provider is sourced to offer).

    >>> from calculators import get_calculator, load_pricing
    >>> from calculators.models.machines import machine
    >>> pricing = load_pricing()
    >>> values = get_calculator("cost_to_train").defaults(pricing, {"preset": "llama2-70b"})
    >>> found = plan_machine(machine(pricing, "p4de.24xlarge"), training_run(values, pricing), values, pricing, 27.45)
    >>> found.plan.machines > 1, found.meets_deadline, found.plan.wall_hours <= 90 * 24
    (True, True, True)
    """
    try:
        speed = gpu_speed(pricing, spec.gpu, run.precision, run.efficiency, run.mfu, run.compute_parameters, run.is_moe)
    except CalculatorError:
        return Exclusion(spec.name, spec.gpu_label, "no throughput figure")
    fit = layout(run, spec.gpu_count, spec.memory_gb, spec.most_machines)
    if fit is None:
        return Exclusion(spec.name, f"{spec.gpu_count} × {spec.gpu_label}", _why_not(run, spec))
    within = run.scaling_efficiency if spec.gpu_count > 1 else 1.0
    per_doubling = pricing.value(f"/fabrics/{spec.fabric}/per_doubling") if spec.fabric else 1.0
    job = cluster_job(run, fit, spec.gpu_count, speed.flops_per_second * within, per_doubling, reliability(values), price)
    deadline = values["deadline_days"] * 24.0
    asked = values["machines"]
    notes = list(speed.notes)
    if asked:
        if asked < fit.machines:
            return Exclusion(spec.name, f"{spec.gpu_count} × {spec.gpu_label}",
                             f"{number_text(asked)} machines cannot hold the run: it needs {number_text(fit.machines)}")
        if asked > spec.most_machines:
            return Exclusion(spec.name, f"{spec.gpu_count} × {spec.gpu_label}",
                             f"{number_text(asked)} machines: the largest cluster sourced is {number_text(spec.most_machines)}")
        plan = plan_on(job, asked)
        meets = plan.wall_hours <= deadline
    else:
        plan, meets = plan_for_deadline(job, deadline, fit.machines, spec.most_machines)
    if fit.recompute and fit.forced:
        notes.append("activations recomputed to fit: a third more compute")
    if not plan.finishes:
        notes.append("never finishes: failures come faster than it can checkpoint")
    elif not meets:
        notes.append(f"misses the {number_text(values['deadline_days'])}-day deadline: its fastest plan")
    return MachinePlan(spec, speed, fit, plan, meets, per_doubling, speed.flops_per_second * within, tuple(notes))
