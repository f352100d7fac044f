"""A community as the posting jobs see it (the weekly and monthly boards, the daily question).

Jobs read every community once and then post outside that session, so they keep plain values
rather than ORM rows, which do not outlive their session.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.community_settings import CommunitySettings, settings_of
from core.db.models import Community


@dataclass(frozen=True)
class PostingCommunity:
    id: int
    platform: str
    external_id: str
    time_zone: str
    settings: CommunitySettings

    @classmethod
    def of(cls, community: Community) -> PostingCommunity:
        return cls(
            community.id,
            community.platform,
            community.external_id,
            community.time_zone,
            settings_of(community.settings),
        )
