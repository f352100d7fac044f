"""Mock interviews: online with Claude, or offline from the bundled bank with rubric scoring."""

from core.features.interview.store import abandon_idle_interviews

__all__ = ["abandon_idle_interviews"]
