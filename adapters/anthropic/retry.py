"""When to try a failed call again, and how long to wait first.

Dojo owns retries (the SDK's own are off) so that every attempt is charged and the total wait
stays bounded: a learner hears back within about a minute, success or a clear "try again".
"""

from __future__ import annotations

from dataclasses import dataclass

import anthropic

# 408 request timeout, 409 conflict, 429 rate limit, every 5xx including 529 overloaded.
_RETRYABLE_STATUS = frozenset({408, 409, 429})


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay: float = 1.0  # seconds before the first retry; doubles each time
    max_delay: float = 20.0  # no single wait is longer, unless the server asks for longer
    max_total_wait: float = 60.0  # request time plus waits, from the first attempt

    def backoff(self, attempt: int) -> float:
        """The wait after failed attempt number `attempt` (1-based) when the server names none."""
        return float(min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


def is_retryable(error: Exception) -> bool:
    if isinstance(error, anthropic.APIConnectionError):  # timeouts included
        return True
    if isinstance(error, anthropic.APIStatusError):
        return error.status_code in _RETRYABLE_STATUS or error.status_code >= 500
    return False


def retry_after(error: Exception) -> float | None:
    """The server's requested wait in seconds (retry-after-ms or retry-after), if any."""
    if not isinstance(error, anthropic.APIStatusError):
        return None
    headers = error.response.headers
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        raw = headers.get(name)
        if raw is None:
            continue
        try:
            seconds = float(raw) / scale
        except ValueError:
            continue  # an HTTP date: fall back to our own backoff
        if seconds >= 0:
            return seconds
    return None


def describe(error: Exception) -> str:
    """A plain-words reason for the learner; never the raw API body."""
    if isinstance(error, anthropic.APITimeoutError):
        return "The AI service did not answer in time. Please try again in a minute."
    if isinstance(error, anthropic.APIConnectionError):
        return "I couldn't reach the AI service. Please try again in a minute."
    if isinstance(error, anthropic.APIStatusError):
        status = error.status_code
        if status == 429:
            return "The AI service is rate limiting us right now. Please try again in a minute."
        if status == 529:
            return "The AI service is overloaded right now. Please try again in a minute."
        if status >= 500:
            return "The AI service is having trouble right now. Please try again in a minute."
        if status in (401, 403):
            return "The AI service refused our credentials; an operator needs to check the key."
        return f"The AI service refused the request (HTTP {status}). Please try again later."
    return "The AI service failed unexpectedly. Please try again later."
