"""Price table per model family, USD per million tokens (Anthropic's published list prices),
and the worst case a request can cost, which the budget reserves before sending it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from core.ports import LLMRequest, LLMUsage

MILLION = Decimal(1_000_000)
SIX_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class Price:
    input: Decimal
    output: Decimal
    cache_write: Decimal  # 5-minute cache writes cost 1.25x input
    cache_read: Decimal  # cache hits cost 0.1x input


def _price(input_per_million: str, output_per_million: str, cache_read: str | None = None) -> Price:
    base = Decimal(input_per_million)
    read = Decimal(cache_read) if cache_read is not None else base / 10
    return Price(base, Decimal(output_per_million), base * Decimal("1.25"), read)


# Matched by substring, most specific first; unknown models are priced as the dearest Sonnet,
# so a budget is never under-charged. Sonnet 5.5 reads its cache at 0.05x input.
PRICES: tuple[tuple[str, Price], ...] = (
    ("sonnet-5-5", _price("2", "10", cache_read="0.10")),
    ("sonnet-5", _price("2", "10")),
    ("sonnet-4", _price("3", "15")),
    ("haiku-5", _price("0.10", "0.50")),
    ("haiku-4", _price("1", "5")),
    ("haiku-3-5", _price("0.80", "4")),
    ("opus-5", _price("5", "25")),
    ("opus-4-1", _price("15", "75")),
    ("opus-4-0", _price("15", "75")),
    ("opus-4", _price("5", "25")),
    ("haiku", _price("0.25", "1.25")),
    ("sonnet", _price("3", "15")),
)
DEFAULT_PRICE = _price("3", "15")


def price_for(model: str) -> Price:
    for fragment, price in PRICES:
        if fragment in model:
            return price
    return DEFAULT_PRICE


def cost_of(usage: LLMUsage) -> Decimal:
    price = price_for(usage.model)
    total = (
        usage.input_tokens * price.input
        + usage.output_tokens * price.output
        + usage.cache_write_tokens * price.cache_write
        + usage.cache_read_tokens * price.cache_read
    ) / MILLION
    return total.quantize(SIX_PLACES, rounding=ROUND_HALF_UP)


def uncached_cost_of(usage: LLMUsage) -> Decimal:
    """What the same call would cost with no prompt caching (every input token at full price)."""
    whole_input = usage.input_tokens + usage.cache_read_tokens + usage.cache_write_tokens
    return cost_of(LLMUsage(usage.model, whole_input, usage.output_tokens))


# What a request may add to its text when it goes out: role and turn markers per message, the
# instructions the API adds for a JSON-schema answer, thinking settings. Generous on purpose.
REQUEST_OVERHEAD_TOKENS = 600
MESSAGE_OVERHEAD_TOKENS = 16


def input_token_bound(request: LLMRequest) -> int:
    """An upper bound on the input tokens of `request`, without a tokenizer.

    A token is never shorter than one byte of UTF-8 (byte-level tokenizers fall back to single
    bytes), so the byte count of everything sent, plus a margin for framing, bounds it from
    above. The schema is counted twice: the API may restate it in its own instructions."""
    texts = [request.system, *(message.content for message in request.messages)]
    size = sum(len(text.encode("utf-8", "surrogatepass")) for text in texts)
    if request.schema is not None:
        size += 2 * len(json.dumps(request.schema, ensure_ascii=False).encode())
    return size + REQUEST_OVERHEAD_TOKENS + MESSAGE_OVERHEAD_TOKENS * len(request.messages)


def worst_case_cost(request: LLMRequest, model: str, answers: int = 1) -> Decimal:
    """The most `request` can cost on `model` if each of `answers` billed attempts reads its
    whole input at the dearest input price (cache writes cost more than plain input) and
    writes all of `max_tokens` (thinking included). Rounded up to a millionth of a dollar."""
    price = price_for(model)
    dearest_input = max(price.input, price.cache_write, price.cache_read)
    one = (input_token_bound(request) * dearest_input + request.max_tokens * price.output) / MILLION
    return (one * max(1, answers)).quantize(SIX_PLACES, rounding=ROUND_CEILING)
