"""A transformer's shape: how many parameters it holds, how many a token uses, and what its config.json says.

Counting. A decoder layer holds attention and a feed-forward block. Attention projects the width h to H query
heads and K key-value heads of size d: queries and output h·H·d each, keys and values h·K·d each (K < H is
grouped-query attention). DeepSeek's multi-head latent attention compresses queries and keys-values through
low-rank matrices instead (its config gives the ranks). A gated feed-forward block (SwiGLU, GeGLU) of width f
holds 3·h·f, GPT-2's plain one 2·h·f. A mixture-of-experts (MoE) layer holds E routed experts of width f_e,
of which each token uses k, plus any shared experts and a router of h·E. The token embedding adds V·h for a
vocabulary V, and the output head another V·h unless the two are tied. Each layer's norms add 2·h.

A dense model uses every parameter for every token; an MoE model's *active* parameters are those a token
passes through: everything but the experts it is not routed to. Training FLOPs follow the active count,
memory the total.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Mapping

from .._errors import CalculatorError

__all__ = [
    "CONFIG_FIELD",
    "MAX_CONFIG_CHARACTERS",
    "ModelShape",
    "parameter_counts",
    "parameter_range",
    "read_config",
    "shape_from_config",
]

CONFIG_FIELD = "model_config"
"""The name errors about a pasted config.json carry, so the form flags the paste box."""

MAX_CONFIG_CHARACTERS = 64_000
"""A pasted config.json longer than this is refused: real ones are 1–6 kB."""

MAX_NESTING = 32
"""A config.json nests a few levels (text_config, rope_scaling); deeper text is refused before it is parsed, since
parsing very deep JSON overflows the browser's stack under Pyodide before Python can raise RecursionError."""

MAX_VOCABULARY = 262_144
"""The largest vocabulary the plausibility check allows for (Gemma's 256k)."""

UNGATED_MODEL_TYPES = frozenset({"gpt2", "gpt_neox", "gptj", "bloom", "falcon", "opt", "gpt_bigcode", "mpt"})
"""Config ``model_type`` values whose feed-forward block has two matrices, not three."""

TIED_BY_DEFAULT = frozenset({"gpt2", "gemma", "gemma2", "gemma3", "gemma3_text", "bloom", "opt", "gpt_bigcode"})
"""Config ``model_type`` values whose Hugging Face config class ties the output head to the embedding when the
config does not say (``tie_word_embeddings`` absent): the base class's default, which Llama, Mistral, Qwen, Olmo and
DeepSeek override to untied."""


@dataclass(frozen=True)
class ModelShape:
    """What a config.json says about a decoder-only transformer, in the names this site uses.

    ``ffn`` is the width of a dense feed-forward block; in an MoE model ``experts`` routed experts of width
    ``expert_ffn`` replace it in every layer after the first ``dense_layers``, each token using
    ``experts_per_token`` of them plus ``shared_experts`` (of width ``expert_ffn``, or ``shared_ffn`` when set).
    ``q_rank`` and ``kv_rank`` are set for multi-head latent attention, with the head sizes ``rope_size``,
    ``nope_size`` and ``value_size``.
    """

    layers: int
    width: int
    heads: int
    kv_heads: int
    head_size: int
    ffn: int
    vocabulary: int
    gated: bool = True
    tied_embeddings: bool = False
    attention_bias: bool = False
    experts: int = 0
    experts_per_token: int = 0
    expert_ffn: int = 0
    shared_experts: int = 0
    shared_ffn: int = 0
    dense_layers: int = 0
    q_rank: int = 0
    kv_rank: int = 0
    rope_size: int = 0
    nope_size: int = 0
    value_size: int = 0

    @property
    def is_moe(self) -> bool:
        """Whether some layers route tokens to experts."""
        return self.experts > 0

    @property
    def flops_head_size(self) -> float:
        """The head size Q that the attention FLOPs, 12·L·H·Q·T a token, count: a head's query-key size and value
        size averaged, as scores take one and weighted values the other. They differ only under multi-head latent
        attention: DeepSeek-V3's 192 (128 + 64 rotary) and 128 give 160.

        >>> ModelShape(61, 7168, 128, 128, 56, 18432, 129280, kv_rank=512, rope_size=64, nope_size=128,
        ...            value_size=128).flops_head_size
        160.0
        >>> ModelShape(48, 2048, 32, 4, 128, 6144, 151936).flops_head_size
        128.0
        """
        if self.kv_rank:
            return (self.nope_size + self.rope_size + self.value_size) / 2
        return float(self.head_size)


def _feed_forward(width: int, ffn: int, gated: bool) -> int:
    """Parameters of one feed-forward block: 3·h·f gated, 2·h·f plain."""
    return (3 if gated else 2) * width * ffn


def _attention(shape: ModelShape) -> int:
    """Parameters of one layer's attention (projections and biases, no norms)."""
    h, heads = shape.width, shape.heads
    if shape.kv_rank:
        query_size = shape.nope_size + shape.rope_size
        if shape.q_rank:
            queries = h * shape.q_rank + shape.q_rank + shape.q_rank * heads * query_size
        else:
            queries = h * heads * query_size
        keys_values = (h * (shape.kv_rank + shape.rope_size) + shape.kv_rank
                       + shape.kv_rank * heads * (shape.nope_size + shape.value_size))
        return queries + keys_values + heads * shape.value_size * h
    query, key_value = heads * shape.head_size, shape.kv_heads * shape.head_size
    bias = query + 2 * key_value if shape.attention_bias else 0
    return 2 * h * query + 2 * h * key_value + bias


def parameter_counts(shape: ModelShape) -> tuple[float, float]:
    """How many parameters does the model hold in all, and how many does one token use?

    Mistral 7B (32 layers of 4,096, 32 heads sharing 8 key-value heads of 128, SwiGLU of 14,336, 32,000
    tokens): 7.24B, all of them active.

    >>> mistral = ModelShape(32, 4096, 32, 8, 128, 14336, 32000)
    >>> [round(n / 1e9, 2) for n in parameter_counts(mistral)]
    [7.24, 7.24]

    Mixtral 8x7B is the same shape with 8 experts in each layer, 2 used per token: 46.7B and 12.9B.

    >>> mixtral = ModelShape(32, 4096, 32, 8, 128, 0, 32000, experts=8, experts_per_token=2, expert_ffn=14336)
    >>> [round(n / 1e9, 1) for n in parameter_counts(mixtral)]
    [46.7, 12.9]
    """
    h = shape.width
    norms = 2 * h
    attention = _attention(shape)
    dense_block = attention + norms + _feed_forward(h, shape.ffn, shape.gated)
    total = active = 0.0
    if shape.is_moe:
        expert = _feed_forward(h, shape.expert_ffn, shape.gated)
        shared = shape.shared_experts * _feed_forward(h, shape.shared_ffn or shape.expert_ffn, shape.gated)
        moe_layers = shape.layers - shape.dense_layers
        common = attention + norms + shared + h * shape.experts
        total += moe_layers * (common + shape.experts * expert)
        active += moe_layers * (common + shape.experts_per_token * expert)
        total += shape.dense_layers * dense_block
        active += shape.dense_layers * dense_block
    else:
        total = active = shape.layers * dense_block
    embeddings = shape.vocabulary * h * (1 if shape.tied_embeddings else 2) + h
    return total + embeddings, active + embeddings


def parameter_range(layers: int, width: int, kv_share: float = 0.0, ffn: int = 0, vocabulary: int = 0) -> tuple[float, float]:
    """How many parameters (active ones, for an MoE model) can ``layers`` layers of ``width`` have?

    A plausibility check, wide enough for every open model we know of and narrow enough to catch a slip of
    a thousand. Per layer, attention holds 2·h² for queries and output plus keys and values of 2·h² times
    the key-value share (``kv_share``, K/H; unknown as 0 spans 0 to 1); the feed-forward block 2·h·f to
    3·h·f for a known width f, else 4·h² to 24·h² (Gemma 2 27B's gated block of 8·h). Embeddings add V·h to
    2·V·h, or up to 2·262,144·h for an unknown vocabulary. The ends get 15% of slack for head sizes that
    differ from h/H, biases and norms.

    GPT-2 (124M, 12 layers of 768) and Qwen2.5-32B (32.8B, 64 layers of 5,120, 8 of 40 heads for keys and
    values, a feed-forward width of 27,648 and 152,064 tokens) both fit:

    >>> low, high = parameter_range(12, 768)
    >>> low < 124e6 < high
    True
    >>> low, high = parameter_range(64, 5120, 8 / 40, 27648, 152064)
    >>> low < 32.76e9 < high, round(low / 1e9, 1), round(high / 1e9, 1)
    (True, 19.6, 37.4)
    """
    h2 = float(width) * width
    attention_low = 2 * h2 + 2 * h2 * kv_share
    attention_high = 2 * h2 + 2 * h2 * (kv_share or 1.0)
    feed_low, feed_high = (2.0 * width * ffn, 3.0 * width * ffn) if ffn else (4 * h2, 24 * h2)
    embed_low, embed_high = (float(vocabulary) * width, 2.0 * vocabulary * width) if vocabulary else (0.0, 2.0 * MAX_VOCABULARY * width)
    low = 0.85 * layers * (attention_low + feed_low) + embed_low
    high = 1.15 * layers * (attention_high + feed_high + 2 * width) + embed_high
    return low, high


# --- config.json ------------------------------------------------------------------------------


def read_config(text: str) -> dict:
    """Read pasted config.json text into a dict; refuse, with a reason, anything that is not one.

    >>> read_config('{"num_hidden_layers": 2}')
    {'num_hidden_layers': 2}
    >>> read_config("[1, 2]")
    Traceback (most recent call last):
    ...
    calculators._errors.CalculatorError: A config.json is one JSON object ({...}), not a list
    """
    if not isinstance(text, str) or not text.strip():
        raise CalculatorError("Paste the text of a model's config.json first", CONFIG_FIELD)
    if len(text) > MAX_CONFIG_CHARACTERS:
        raise CalculatorError(
            f"A config.json is at most {MAX_CONFIG_CHARACTERS:,} characters; this text has {len(text):,}", CONFIG_FIELD
        )
    if _nesting(text) > MAX_NESTING:
        raise CalculatorError(f"A config.json nests at most {MAX_NESTING} levels of {{...}} or [...]; this text nests deeper",
                              CONFIG_FIELD)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        where = f" at line {error.lineno}, column {error.colno}" if hasattr(error, "lineno") else ""
        raise CalculatorError(f"This is not valid JSON{where}: is it the whole config.json?", CONFIG_FIELD) from None
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a {type(data).__name__}"
        raise CalculatorError(f"A config.json is one JSON object ({{...}}), not {kind}", CONFIG_FIELD)
    return data


def _nesting(text: str) -> int:
    """How deep do the brackets of a JSON text go, strings skipped? Stops counting past MAX_NESTING.

    >>> _nesting('{"a": [1, {"b": "]]]["}]}'), _nesting("[" * 100)
    (3, 33)
    """
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_NESTING:
                    break
        elif char in "]}":
            depth -= 1
    return deepest


_LIMITS = {
    "layers": 1_000, "width": 1_000_000, "heads": 1_024, "kv_heads": 1_024, "head_size": 4_096, "ffn": 10_000_000,
    "vocabulary": 10_000_000, "experts": 4_096, "experts_per_token": 4_096, "expert_ffn": 10_000_000,
    "shared_experts": 64, "shared_ffn": 10_000_000, "dense_layers": 1_000, "q_rank": 1_000_000, "kv_rank": 1_000_000,
    "rope_size": 4_096, "nope_size": 4_096, "value_size": 4_096,
}


def _whole(config: Mapping[str, Any], keys: tuple[str, ...], name: str, default: int | None = None) -> int:
    """The first of ``keys`` present in the config, checked as a whole number within the field's limit."""
    for key in keys:
        if key in config and config[key] is not None:
            value = config[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                    or value != int(value) or value < 0:
                raise CalculatorError(f"config.json's {key!r} must be a whole number, not {str(value)[:40]!r}", CONFIG_FIELD)
            if value > _LIMITS[name]:
                raise CalculatorError(f"config.json's {key!r} is {value:,.0f}; at most {_LIMITS[name]:,} is accepted",
                                      CONFIG_FIELD)
            return int(value)
    if default is None:
        raise CalculatorError(f"config.json has no {keys[0]!r} ({name.replace('_', ' ')}): is it a decoder-only "
                              "transformer's config?", CONFIG_FIELD)
    return default


def _text_config(config: Mapping[str, Any]) -> Mapping[str, Any]:
    """The language model's part of a config (multimodal Gemma 3 and Llama 4 nest it under ``text_config``)."""
    nested = config.get("text_config")
    if isinstance(nested, dict) and "hidden_size" in nested:
        return {"model_type": config.get("model_type"), **nested}
    return config


def shape_from_config(config: Mapping[str, Any]) -> ModelShape:
    """What shape does a Hugging Face config.json describe?

    Reads the Llama family's names (``num_hidden_layers``, ``hidden_size``, ``num_attention_heads``,
    ``num_key_value_heads``, ``intermediate_size``, ``vocab_size``), GPT-2's (``n_layer``, ``n_embd``,
    ``n_head``), Mixtral's and Qwen's experts (``num_local_experts`` or ``num_experts``,
    ``moe_intermediate_size``) and DeepSeek's (``n_routed_experts``, ``n_shared_experts``,
    ``first_k_dense_replace`` and the latent-attention ranks).

    >>> shape = shape_from_config({"model_type": "mistral", "num_hidden_layers": 32, "hidden_size": 4096,
    ...     "num_attention_heads": 32, "num_key_value_heads": 8, "intermediate_size": 14336, "vocab_size": 32000})
    >>> shape.kv_heads, shape.head_size, shape.gated, shape.is_moe
    (8, 128, True, False)
    >>> shape_from_config({"hidden_size": 64})
    Traceback (most recent call last):
    ...
    calculators._errors.CalculatorError: config.json has no 'num_hidden_layers' (layers): is it a decoder-only transformer's config?
    """
    config = _text_config(config)
    model_type = str(config.get("model_type") or "")
    layers = _whole(config, ("num_hidden_layers", "n_layer", "num_layers"), "layers")
    width = _whole(config, ("hidden_size", "n_embd", "d_model"), "width")
    heads = _whole(config, ("num_attention_heads", "n_head", "num_heads"), "heads")
    if min(layers, width, heads) < 1:
        raise CalculatorError("config.json's layers, hidden size and attention heads must each be at least 1", CONFIG_FIELD)
    kv_heads = _whole(config, ("num_key_value_heads",), "kv_heads", heads) or heads
    if heads % kv_heads:
        raise CalculatorError(f"config.json's {heads} attention heads cannot share {kv_heads} key-value heads evenly",
                              CONFIG_FIELD)
    head_size = _whole(config, ("head_dim",), "head_size", 0) or width // heads
    gated = model_type not in UNGATED_MODEL_TYPES
    ffn = _whole(config, ("intermediate_size", "n_inner", "ffn_hidden_size"), "ffn", 0) or 4 * width
    experts = _whole(config, ("n_routed_experts", "num_local_experts", "num_experts"), "experts", 0)
    moe = {}
    if experts:
        moe = {
            "experts": experts,
            "experts_per_token": _whole(config, ("num_experts_per_tok", "moe_topk"), "experts_per_token"),
            "expert_ffn": _whole(config, ("moe_intermediate_size",), "expert_ffn", 0) or ffn,
            "shared_experts": _whole(config, ("n_shared_experts",), "shared_experts", 0),
            "shared_ffn": _whole(config, ("shared_expert_intermediate_size",), "shared_ffn", 0),
            "dense_layers": min(_whole(config, ("first_k_dense_replace",), "dense_layers", 0), layers),
        }
        if moe["shared_ffn"] and not moe["shared_experts"]:
            moe["shared_experts"] = 1  # Qwen's one shared expert is described only by its width
        if moe["experts_per_token"] > experts:
            raise CalculatorError(f"config.json routes each token to {moe['experts_per_token']} experts of {experts}",
                                  CONFIG_FIELD)
    latent = {}
    if config.get("kv_lora_rank"):
        latent = {
            "q_rank": _whole(config, ("q_lora_rank",), "q_rank", 0),
            "kv_rank": _whole(config, ("kv_lora_rank",), "kv_rank"),
            "rope_size": _whole(config, ("qk_rope_head_dim",), "rope_size"),
            "nope_size": _whole(config, ("qk_nope_head_dim",), "nope_size"),
            "value_size": _whole(config, ("v_head_dim",), "value_size"),
        }
    return ModelShape(
        layers=layers,
        width=width,
        heads=heads,
        kv_heads=kv_heads,
        head_size=head_size,
        ffn=ffn,
        vocabulary=_whole(config, ("vocab_size", "padded_vocab_size"), "vocabulary"),
        gated=gated,
        tied_embeddings=bool(config.get("tie_word_embeddings", model_type in TIED_BY_DEFAULT)),
        attention_bias=bool(config.get("attention_bias", model_type in ("qwen2", "qwen2_moe"))),
        **moe,
        **latent,
    )
