"""The Anthropic adapter: the LLM port on the official SDK."""

from adapters.anthropic.client import AnthropicLLM
from adapters.anthropic.retry import RetryPolicy

__all__ = ["AnthropicLLM", "RetryPolicy"]
