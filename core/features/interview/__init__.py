"""Mock interviews: online with Claude, or offline from the bank, graded on key-point coverage."""

from core.features.interview.store import abandon_idle_interviews

__all__ = ["abandon_idle_interviews"]
