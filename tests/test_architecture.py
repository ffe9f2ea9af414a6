"""A model's shape from its config.json: parameter counts against the published ones, the plausibility check, and
the refusal of text that is not a config."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from calculators import CalculatorError, calculate, fill, get_calculator, load_pricing
from calculators._training_inputs import config_examples, config_fields
from calculators.models.architecture import (
    MAX_CONFIG_CHARACTERS,
    ModelShape,
    parameter_counts,
    parameter_range,
    read_config,
    shape_from_config,
)

CONFIGS = resources.files("calculators").joinpath("model_configs")
SOURCES = json.loads(CONFIGS.joinpath("sources.json").read_text(encoding="utf-8"))


def _config(key: str) -> dict:
    return json.loads(CONFIGS.joinpath(f"{key}.json").read_text(encoding="utf-8"))


def test_about_ten_open_models_dense_and_mixture_of_experts_each_with_where_it_was_copied_from():
    """The kept configs cover the families the page names, MoE among them, and each says where it came from."""
    assert len(SOURCES) >= 9
    families = " ".join(SOURCES).lower()
    for family in ("llama", "qwen", "olmo", "mistral", "mixtral", "deepseek", "gemma"):
        assert family in families, family
    for key, entry in SOURCES.items():
        assert entry["url"].startswith("https://") and (entry.get("commit") or entry.get("commit_note")), key
        assert entry["parameters_source"]["quote"], key
    assert sum(1 for entry in SOURCES.values() if entry.get("published_active_parameters")) >= 2


@pytest.mark.parametrize("key", list(SOURCES))
def test_counts_from_each_config_match_the_published_counts_within_3_percent(key):
    """Total (and, for MoE, active) parameters counted from the config are within 3% of what the model's makers publish."""
    entry = SOURCES[key]
    total, active = parameter_counts(shape_from_config(_config(key)))
    assert total == pytest.approx(entry["published_total_parameters"], rel=0.03)
    if entry.get("published_active_parameters"):
        assert active == pytest.approx(entry["published_active_parameters"], rel=0.03)
    else:
        assert active == total


def test_mistral_7b_counts_7_24_billion_by_hand():
    """Mistral 7B: 32 layers × (4,096 × 4,096 × 2 for queries and output + 4,096 × 1,024 × 2 for 8 key-value heads
    of 128 + 3 × 4,096 × 14,336 SwiGLU + 2 × 4,096 norms) + 2 × 32,000 × 4,096 embeddings + 4,096 = 7,241,732,096."""
    total, active = parameter_counts(shape_from_config(_config("mistral-7b")))
    assert total == active == 7_241_732_096


@pytest.mark.parametrize("key", list(SOURCES))
def test_every_kept_config_is_accepted_by_the_cost_to_train_page(key):
    """Each model's fields pass the page's checks and give a plan (the 32B and MoE shapes the old bound refused)."""
    fields = config_fields(CONFIGS.joinpath(f"{key}.json").read_text(encoding="utf-8"))
    result = calculate("cost_to_train", {**fields, "steps": 1000, "tokens_per_step": 4_000_000, "block_size": 4096})
    assert result.value("cheapest_cost") > 0
    assert (fields["active_parameters"] > 0) == bool(SOURCES[key].get("published_active_parameters"))


def test_the_examples_the_form_offers_are_the_kept_configs_in_order():
    """The form's list is every kept config, titled, in sources.json's order."""
    examples = config_examples()
    assert list(examples) == list(SOURCES)
    assert all(title == SOURCES[key]["title"] for key, (title, _) in examples.items())


@pytest.mark.parametrize(("text", "words"), [
    ("", "Paste the text"),
    ("{not json", "not valid JSON"),
    ("[1, 2]", "not a list"),
    ('"a string"', "not a str"),
    ("x" * (MAX_CONFIG_CHARACTERS + 1), "at most 64,000 characters"),
    ('{"hidden_size": 64, "num_attention_heads": 4}', "no 'num_hidden_layers'"),
    ('{"num_hidden_layers": -2, "hidden_size": 64, "num_attention_heads": 4}', "whole number"),
    ('{"num_hidden_layers": true, "hidden_size": 64, "num_attention_heads": 4}', "whole number"),
    ('{"num_hidden_layers": 2.5, "hidden_size": 64, "num_attention_heads": 4}', "whole number"),
    ('{"num_hidden_layers": 1e9, "hidden_size": 64, "num_attention_heads": 4}', "at most 1,000"),
    ('{"num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4, "num_key_value_heads": 3, "vocab_size": 9}',
     "cannot share 3"),
    ('{"num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4, "vocab_size": 9, "num_local_experts": 4, '
     '"num_experts_per_tok": 8}', "routes each token to 8 experts of 4"),
    ('{"num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 0, "vocab_size": 9}', "at least 1"),
    ("[" * 100_000, "at most 64,000 characters"),
])
def test_text_that_is_not_a_config_is_refused_with_a_reason_on_the_paste_box(text, words):
    """Bad text never crashes: it is refused with a message naming what is wrong, on the config field."""
    with pytest.raises(CalculatorError) as error:
        shape_from_config(read_config(text))
    assert words in str(error.value)
    assert error.value.field == "model_config"


@pytest.mark.parametrize("text", ["[" * 30_000, '{"a":' * 40 + "1" + "}" * 40])
def test_a_deeply_nested_config_is_refused_before_it_is_parsed(text):
    """JSON nested deeper than any config (but within the size limit) is refused before parsing: parsing it would
    overflow the browser's stack under Pyodide, a crash no message could follow."""
    with pytest.raises(CalculatorError, match="nests at most 32 levels"):
        read_config(text)


def test_brackets_inside_strings_do_not_count_as_nesting():
    """A string full of brackets (an escaped quote among them) nests nothing."""
    text = json.dumps({"note": "[[[[" * 20 + '\"' + "{{{{" * 20, "num_hidden_layers": 2, "hidden_size": 64,
                       "num_attention_heads": 4, "vocab_size": 10})
    assert read_config(text)["num_hidden_layers"] == 2


def test_the_page_entry_point_answers_values_or_an_error_never_raises():
    """calculators.fill returns the fields as the form writes them, or the error on the paste box."""
    good = fill("cost_to_train", "model_config", json.dumps(_config("llama-3.1-8b")))
    assert good["values"]["layers"] == "32" and good["values"]["kv_heads"] == "8"
    assert good["values"]["parameters"] == "8,030,261,248"
    bad = fill("cost_to_train", "model_config", "nope")
    assert bad["error"]["field"] == "model_config" and "JSON" in bad["error"]["message"]
    assert fill("cost_to_train", "nothing", "{}")["error"]["field"] == "nothing"
    assert "error" in fill("cost_to_train", "model_config", 12)


def test_nested_text_config_of_a_multimodal_model_is_read():
    """Gemma 3 and Llama 4 put the language model under text_config: its shape is the one read."""
    config = {"model_type": "gemma3", "text_config": {"hidden_size": 64, "num_hidden_layers": 2,
                                                      "num_attention_heads": 4, "vocab_size": 100}}
    assert shape_from_config(config).layers == 2


def test_a_qwen_moe_config_counts_its_shared_expert_and_router():
    """Qwen's shared expert (named by its width only) is counted, once, active for every token; the router adds
    h × E a layer. One layer of width 8, 4 experts of 4 wide, 1 used, a shared one of 6: attention 4·64 = 256,
    norms 16, router 32, experts 4 × 96 = 384 (one used: 96), shared 3·8·6 = 144; embeddings 2·10·8 + 8 = 168."""
    config = {"model_type": "qwen2_moe", "num_hidden_layers": 1, "hidden_size": 8, "num_attention_heads": 2,
              "vocab_size": 10, "num_experts": 4, "num_experts_per_tok": 1, "moe_intermediate_size": 4,
              "shared_expert_intermediate_size": 6, "attention_bias": False}
    total, active = parameter_counts(shape_from_config(config))
    assert (total, active) == (256 + 16 + 32 + 384 + 144 + 168, 256 + 16 + 32 + 96 + 144 + 168)


@pytest.mark.parametrize(("layers", "width", "inside", "outside"), [
    (12, 768, 124e6, 2),  # GPT-2 small; 2 is a slip
    (80, 8192, 69e9, 690e9),  # Llama 2 70B; ten times is a slip
])
def test_the_plausibility_range_holds_real_models_and_refuses_slips(layers, width, inside, outside):
    """The range holds the real count and refuses a count a thousand or ten times off."""
    low, high = parameter_range(layers, width)
    assert low < inside < high
    assert not low < outside < high


def test_a_shape_of_gpt2_is_ungated_and_tied():
    """GPT-2's config (n_layer, n_embd, n_head, model_type gpt2) reads as two-matrix MLPs and tied embeddings:
    124,439,808 parameters with its 1,024 learned positions left out, which the counter does not model."""
    config = {"model_type": "gpt2", "n_layer": 12, "n_embd": 768, "n_head": 12, "vocab_size": 50257}
    shape = shape_from_config(config)
    assert (shape.gated, shape.tied_embeddings, shape.ffn) == (False, True, 3072)
    total, _ = parameter_counts(shape)
    # 12 × (4 × 768² + 2 × 768 × 3072 + 2 × 768) + 50,257 × 768 + 768 = 123,653,376 (GPT-2's 124.4M less 786,432
    # position embeddings and 4 × 768 × 12 + ... biases)
    assert total == 12 * (4 * 768 ** 2 + 2 * 768 * 3072 + 2 * 768) + 50257 * 768 + 768


def test_the_form_lists_the_configs_and_a_paste_box_without_making_them_inputs():
    """The filler is drawn in the cost-to-train form; it is not an input, so it is never in a link or an export."""
    calculator = get_calculator("cost_to_train")
    assert [filler.name for filler in calculator.fillers] == ["model_config"]
    assert "model_config" not in [item.name for item in calculator.inputs_for(load_pricing())]
    assert ModelShape(1, 1, 1, 1, 1, 1, 1).is_moe is False


def test_a_config_whose_heads_are_wider_than_its_width_fills_the_head_size_and_the_flops_follow():
    """Qwen3 30B-A3B's 32 heads of 128 span 4,096 where its width is 2,048: the picker fills the head size, and a run
    started from it on one 8 × H100 machine, measured, trains as fast as NVIDIA measured that model there (12,040
    tokens/s a GPU) within the 2% its counted active parameters differ from the published 3.3B. Counting heads of
    64, the page would have it a sixth faster than measured."""
    pricing = load_pricing()
    row = "/throughput/qwen3-30b-a3b-h100-8/values"
    fields = config_fields(CONFIGS.joinpath("qwen3-30b-a3b.json").read_text(encoding="utf-8"))
    assert fields["head_size"] == pricing.value(f"{row}/head_size") == 128
    run = {**fields, "steps": 1000, "tokens_per_step": 8_000_000, "block_size": int(pricing.value(f"{row}/sequence")),
           "efficiency": "measured", "precision": "tensor", "machines": 1, "instance": "p5.48xlarge",
           "gpu_hours_per_failure": 1e15}

    def tokens_per_gpu_second(**changes):
        result = calculate("cost_to_train", {**run, **changes})
        return 1000 * 8_000_000 / (result.value("instance_hours") * 3600 * 8)

    measured = pricing.value(f"{row}/tokens_per_second")
    assert tokens_per_gpu_second() == pytest.approx(measured, rel=0.02)
    assert tokens_per_gpu_second(head_size=0) > measured * 1.10


def test_deepseek_v3s_latent_attention_counts_its_query_key_and_value_sizes_averaged():
    """DeepSeek-V3's config (MLA: query-key heads of 128 + 64 rotary, values of 128) fills a head size of 160, as
    its preset and its throughput rows in pricing.json carry."""
    pricing = load_pricing()
    fields = config_fields(CONFIGS.joinpath("deepseek-v3.json").read_text(encoding="utf-8"))
    assert fields["head_size"] == 160 == pricing.value("/runs/deepseek-v3/values/head_size")
    assert get_calculator("cost_to_train").defaults(pricing, {"preset": "deepseek-v3"})["head_size"] == 160
