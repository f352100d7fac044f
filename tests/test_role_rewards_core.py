"""Role rewards in the core, on both storage back ends: which roles a level gives (pure rules),
and the RoleChange the router puts in the outbox after a level moves, with the report of a
broken reward marked once (PostgreSQL runs the same queries as SQLite)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.app import Dojo
from core.features.rewards.rules import community_level, reward_roles
from core.features.rewards.store import RewardStore
from core.messages import ChatKind, CommunityRef, Platform, Reply, RoleChange, SendTarget
from core.ports import RoleCheck, RolesApplied
from tests.support import ChatDriver

GUILD = "9001"


def test_stack_gives_every_reward_up_to_the_level_and_replace_only_the_highest() -> None:
    rewards = {2: "r2", 5: "r5", 8: "r8"}
    assert reward_roles(1, rewards, replace=False) == ((), ("r2", "r5", "r8"))
    assert reward_roles(6, rewards, replace=False) == (("r2", "r5"), ("r8",))
    assert reward_roles(6, rewards, replace=True) == (("r5",), ("r2", "r8"))
    assert community_level(90, 20) == 2 and community_level(50, -500) == 1


@dataclass
class RoleRecorder:
    """A Discord notifier stand-in that manages roles: records changes, breaks chosen roles."""

    changes: list[RoleChange] = field(default_factory=list)
    sent: list[tuple[SendTarget, Reply]] = field(default_factory=list)
    deleted: set[str] = field(default_factory=set)

    async def send(self, target: SendTarget, replies: Sequence[Reply]) -> None:
        self.sent.extend((target, item) for item in replies)

    async def community_of(self, target: SendTarget) -> str | None:
        return GUILD

    async def check_reward_role(self, guild_id: str, text: str) -> RoleCheck:
        return RoleCheck(role_id=text, name=f"role {text}")

    async def change_roles(self, change: RoleChange) -> RolesApplied:
        self.changes.append(change)
        return RolesApplied({role: "deleted." for role in change.wanted if role in self.deleted})


def _in_server(dojo: Dojo, name: str) -> ChatDriver:
    return ChatDriver(
        dojo.router,
        name,
        Platform.DISCORD,
        "chan-1",
        ChatKind.GROUP,
        CommunityRef(Platform.DISCORD, GUILD, "Study Hall"),
        is_admin=name == "grace",
    )


async def test_a_grant_across_a_reward_level_asks_for_the_role(dojo: Dojo) -> None:
    editor = RoleRecorder()
    dojo.notifiers["discord"] = editor
    grace, ada = _in_server(dojo, "grace"), _in_server(dojo, "ada")
    await ada.say("/help")
    assert "now gives the role" in await grace.say("/admin reward 2 555")
    assert "now gives the role" in await grace.say("/admin reward 3 777")
    await grace.say("/admin xp grant discord:ada 60 helping")
    assert editor.changes == []  # 60 XP: still level 1
    await grace.say("/admin xp grant discord:ada 60 helping")
    (change,) = editor.changes
    assert (change.guild_id, change.member_id) == (GUILD, "ada")
    assert (change.wanted, change.unwanted) == (("555",), ("777",))
    await grace.say("/admin reward replace")
    await grace.say("/admin xp grant discord:ada 300 helping")
    assert (editor.changes[-1].wanted, editor.changes[-1].unwanted) == (("777",), ("555",))


async def test_a_broken_reward_is_marked_and_reported_once(dojo: Dojo) -> None:
    editor = RoleRecorder(deleted={"555"})
    dojo.notifiers["discord"] = editor
    grace, ada, bob = _in_server(dojo, "grace"), _in_server(dojo, "ada"), _in_server(dojo, "bob")
    await ada.say("/help")
    await bob.say("/help")
    await grace.say("/admin reward 2 555")
    await grace.say("/admin channel announce here")
    await grace.say("/admin xp grant discord:ada 150 helping")
    reports = [item.text.plain for _, item in editor.sent if "no longer works" in item.text.plain]
    assert len(reports) == 1 and "role 555 (level 2)" in reports[0]
    async with dojo.services.uow_factory() as uow:
        community = await uow.communities.by_ref(Platform.DISCORD, GUILD)
        assert community is not None
        (reward,) = await uow.repository(RewardStore).rewards(community.id)
        assert reward.broken_at is not None
    await grace.say("/admin xp grant discord:bob 150 helping")
    assert len(editor.changes) == 1  # the broken reward is not tried again
    assert "broken" in await grace.say("/admin reward list")
