#!/usr/bin/env python3
"""Regenerates IronRuntime.Core/Pricing/Data/model_prices.json, the pricing table shipped with IronRuntime.

Reads a pricing map in the LiteLLM format (model_prices_and_context_window.json), keeps the entries of the
providers IronRuntime routes to and only the fields its pricing uses, and writes them in the same format.

Usage: python3 eng/update-pricing.py [SOURCE_JSON] [OUTPUT_JSON]

Prices are decimals: every number is written with exactly the text it has in the source (the script stops
if a number would not survive the float round-trip unchanged).
"""

import json
import os
import sys
from decimal import Decimal

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SOURCE = "/work/shared/data/model_prices_and_context_window.json"
DEFAULT_OUTPUT = os.path.join(REPO_ROOT, "IronRuntime.Core", "Pricing", "Data", "model_prices.json")

SOURCE_NOTE = (
    "LiteLLM pricing map (model_prices_and_context_window.json) via github.com/Wei-Shaw/model-price-repo "
    "(MIT), mirroring github.com/BerriAI/litellm (MIT); snapshot 2026-07-24; filtered to openai, "
    "text-completion-openai and anthropic by eng/update-pricing.py; plus manual additions marked there."
)

PROVIDERS = {"openai", "text-completion-openai", "anthropic"}

FIELDS = (
    "litellm_provider",
    "mode",
    "input_cost_per_token",
    "output_cost_per_token",
    "cache_read_input_token_cost",
    "cache_creation_input_token_cost",
    "cache_creation_input_token_cost_above_1hr",
    "output_cost_per_reasoning_token",
    # Service tiers, long-context tiers, audio and per-use web search (see docs/budgets.md).
    "input_cost_per_token_priority",
    "output_cost_per_token_priority",
    "cache_read_input_token_cost_priority",
    "cache_creation_input_token_cost_priority",
    "input_cost_per_token_flex",
    "output_cost_per_token_flex",
    "cache_read_input_token_cost_flex",
    "cache_creation_input_token_cost_flex",
    "input_cost_per_token_above_200k_tokens",
    "output_cost_per_token_above_200k_tokens",
    "cache_read_input_token_cost_above_200k_tokens",
    "cache_creation_input_token_cost_above_200k_tokens",
    "cache_creation_input_token_cost_above_1hr_above_200k_tokens",
    "input_cost_per_token_above_272k_tokens",
    "output_cost_per_token_above_272k_tokens",
    "cache_read_input_token_cost_above_272k_tokens",
    "cache_creation_input_token_cost_above_272k_tokens",
    "input_cost_per_audio_token",
    "output_cost_per_audio_token",
    "search_context_cost_per_query",
    "max_input_tokens",
    "max_output_tokens",
    "max_tokens",
)

# Manual additions: OpenAI embedding models the snapshot lacks, at OpenAI's public list prices
# (USD per 1M input tokens: text-embedding-3-small 0.02, text-embedding-3-large 0.13, text-embedding-ada-002 0.10;
# embeddings produce no output tokens). Only added when the source has no entry of that name.
# The prices are written as text and parsed with Decimal so they are exact.
MANUAL_ADDITIONS = {
    "text-embedding-3-small": {
        "litellm_provider": "openai",
        "mode": "embedding",
        "input_cost_per_token": "2e-08",
        "output_cost_per_token": "0.0",
    },
    "text-embedding-3-large": {
        "litellm_provider": "openai",
        "mode": "embedding",
        "input_cost_per_token": "1.3e-07",
        "output_cost_per_token": "0.0",
    },
    "text-embedding-ada-002": {
        "litellm_provider": "openai",
        "mode": "embedding",
        "input_cost_per_token": "1e-07",
        "output_cost_per_token": "0.0",
    },
}
MANUAL_PER_MILLION = {
    "text-embedding-3-small": Decimal("0.02"),
    "text-embedding-3-large": Decimal("0.13"),
    "text-embedding-ada-002": Decimal("0.10"),
}


class SourceNumber(float):
    """A JSON number that remembers its source text."""

    text: str

    def __new__(cls, text):
        value = super().__new__(cls, text)
        value.text = text
        return value


def exact_float(key, field, value):
    """Returns value as a plain float, failing if json.dump would not write the source text back."""
    if isinstance(value, dict):
        return {name: exact_float(key, f"{field}.{name}", item) for name, item in value.items()}
    if isinstance(value, SourceNumber):
        written = repr(float(value))
        if written != value.text or Decimal(written) != Decimal(value.text):
            sys.exit(f"{key}.{field}: {value.text} would be written as {written}; fix the generator")
        return float(value)
    return value


def main(argv):
    source = argv[1] if len(argv) > 1 else DEFAULT_SOURCE
    output = argv[2] if len(argv) > 2 else DEFAULT_OUTPUT

    with open(source, encoding="utf-8") as f:
        data = json.load(f, parse_float=SourceNumber)

    table = {"_source": SOURCE_NOTE}
    for key, entry in data.items():
        if not isinstance(entry, dict) or entry.get("litellm_provider") not in PROVIDERS:
            continue
        table[key] = {field: exact_float(key, field, entry[field]) for field in FIELDS if field in entry}

    for key, entry in MANUAL_ADDITIONS.items():
        if key in data:
            continue
        price = Decimal(entry["input_cost_per_token"])
        if price * 1_000_000 != MANUAL_PER_MILLION[key]:
            sys.exit(f"{key}: {price} per token is not {MANUAL_PER_MILLION[key]} per 1M")
        table[key] = {
            field: exact_float(key, field, SourceNumber(value)) if field.endswith("_cost_per_token") else value
            for field, value in entry.items()
        }

    with open(output, "w", encoding="utf-8", newline="\n") as f:
        json.dump(table, f, indent=2, ensure_ascii=False)
        f.write("\n")

    print(f"{output}: {len(table) - 1} models")


if __name__ == "__main__":
    main(sys.argv)
