"""How much the model thinks before a structured answer, per model family.

Dojo's calls are short and structured (one interview question, a hint, a report, a review, a
handful of quiz questions); the rubric and instructions in the prompt carry the judgement, and
the learner waits for every answer. So each call asks for the least thinking the model offers,
at low effort: thinking tokens are billed as output (output costs five times input, and
caching cannot cut it), they count against `max_tokens` (a tight limit would cut the JSON
short), and they add latency.

- Claude Sonnet 5.5 thinks adaptively by default and refuses `{"type": "disabled"}` with a 400.
  Its lowest setting is `{"type": "between_tools"}`: no up-front thinking, and since Dojo sends
  no tools, the response is plain text, as with thinking disabled on earlier models.
  `between_tools` is accepted at low, medium and high effort, and the effort must not change
  within a conversation, so every call (interview turns and the report alike) uses `low`.
- Claude Haiku 5.5 thinks adaptively by default too; it accepts `{"type": "disabled"}` at high
  effort or below (`between_tools` is documented for Sonnet 5.5 only), so it gets
  `disabled` at `low` effort.
- Any other model gets neither field: older models do not think unless asked, and the API's
  defaults are accepted everywhere, whereas a field a model does not know is a 400.

Sources: Anthropic's "What's new in Claude Sonnet 5.5", the Sonnet 5.5 and Haiku 5.5 migration
guides, and the Haiku 5.5 model page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ModelProfile:
    thinking: dict[str, Any] | None = None  # the `thinking` request field, or None to omit it
    effort: str | None = None  # `output_config.effort`, or None to leave the model's default


PROFILES: tuple[tuple[str, ModelProfile], ...] = (
    ("claude-sonnet-5-5", ModelProfile({"type": "between_tools"}, "low")),
    ("claude-haiku-5-5", ModelProfile({"type": "disabled"}, "low")),
)
DEFAULT_PROFILE = ModelProfile()


def profile_for(model: str) -> ModelProfile:
    """The profile of the first family `model` belongs to (by prefix, so dated ids match)."""
    for prefix, profile in PROFILES:
        if model.startswith(prefix):
            return profile
    return DEFAULT_PROFILE
