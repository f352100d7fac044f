"""Quiz polls: which answer data a Telegram poll id stands for.

A poll answer names only the poll, so the link has to outlive a restart, with where the poll
was posted (a group's answers are answered in the group, in the forum topic it was posted in)
and the explanation that did not fit in the poll. The core keeps it (core.polls, behind the
port core.ports.PollLinks); the adapter only remembers and asks.
"""

from __future__ import annotations

from core.context import Services
from core.messages import Platform
from core.polls import StoredPollLinks
from core.ports import PollLinks, PollPlace

__all__ = ["PollLinks", "PollPlace", "poll_links"]


def poll_links(services: Services) -> PollLinks:
    return StoredPollLinks(services.uow_factory, Platform.TELEGRAM)
