"""Errors that become a learner-facing answer instead of a crash."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a refused request: the message says what was wrong and how to do it right.

    Raising it rolls back everything the handler wrote in its current transaction.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(UserError):
    """A moderator-only request from someone who is not one."""
