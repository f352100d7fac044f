"""`/admin daily on [HH:MM] [topic|random] [junior|mid|senior]`, `/admin daily off` and
`/admin daily reveal <HH:MM>|off`: a community's moderators turn the daily question on, off,
or choose the hour its answer is revealed (else it comes with the next day's question)."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.community_settings import settings_of
from core.errors import UserError
from core.features.admin.common import AdminCall, audit
from core.features.quiz.topics import DIFFICULTIES, MIXED, resolve_topic
from core.messages import Platform, Reply, reply

USAGE = (
    "/admin daily on [HH:MM] [topic|random] [junior|mid|senior] [time zone] · "
    "/admin daily off · /admin daily reveal <HH:MM>|off"
)
DEFAULT_TIME = "09:00"
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_LOOKS_LIKE_TIME = re.compile(r"^[\d:.hH]+$|^\d+\s*(am|pm)$", re.IGNORECASE)
NO_CHANNEL = (
    "This server has no channel for the daily question. Set one first with "
    "/admin channel announce here (typed in that channel), then /admin daily on again. "
    "Nothing was changed."
)


def _time_of(word: str) -> str:
    found = _TIME.match(word.strip())
    if found is None:
        raise UserError(
            f"'{word[:20]}' is not a time: use HH:MM on the 24-hour clock, e.g. 09:00 or 18:30. "
            f"Usage: {USAGE}"
        )
    return f"{int(found.group(1)):02d}:{found.group(2)}"


def _zone_of(word: str) -> str:
    try:
        return ZoneInfo(word).key
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(
            f"'{word[:40]}' is not a time zone: use a name like Europe/Berlin or UTC."
        ) from None


def _community(call: AdminCall) -> None:
    if call.community is None:
        raise UserError(
            "The daily question belongs to a group or server: turn it on there "
            "(at the shell, add --community platform:id)."
        )


def _where(call: AdminCall) -> str:
    assert call.community is not None
    settings = settings_of(call.community.settings)
    channel = settings.announce_channel or settings.leaderboard_channel
    if call.community.platform == Platform.DISCORD:
        if channel is None:
            raise UserError(NO_CHANNEL)
        return f"a new thread each day in channel {channel}"
    if channel is None or channel == call.community.external_id:
        return "this group"
    return f"channel {channel}"


async def daily(call: AdminCall) -> list[Reply]:
    _community(call)
    assert call.community is not None
    words = [word.strip() for word in call.args if word.strip()]
    if not words:
        raise UserError(f"Say on, off or reveal. Usage: {USAGE}")
    lowered = [word.lower() for word in words]
    if "reveal" in lowered:  # `/admin daily reveal 18:00`; Discord's form puts it last
        lowered.remove("reveal")
        return await _reveal(call, lowered)
    state, rest = lowered[0], words[1:]
    if state == "off":
        if rest:
            raise UserError(f"/admin daily off takes nothing after it. Usage: {USAGE}")
        call.uow.communities.change_settings(call.community, daily_time=None)
        await audit(call, "daily.off")
        return [reply("✅ The daily question is off in this community.")]
    if state != "on":
        raise UserError(f"'{words[0][:20]}' should be on, off or reveal. Usage: {USAGE}")
    return await _on(call, rest)


async def _on(call: AdminCall, words: list[str]) -> list[Reply]:
    assert call.community is not None
    current = settings_of(call.community.settings)
    at: str | None = None
    topic: str | None = None
    level: str | None = None
    zone: str | None = None
    for word in words:
        lower = word.lower()
        if lower in DIFFICULTIES:
            if level is not None:
                raise UserError(f"Give one level, junior, mid or senior. Usage: {USAGE}")
            level = lower
        elif "/" in word or lower == "utc":
            if zone is not None:
                raise UserError(f"Give one time zone. Usage: {USAGE}")
            zone = _zone_of(word)
        elif ":" in word or _LOOKS_LIKE_TIME.match(word):
            if at is not None:
                raise UserError(f"Give one time. Usage: {USAGE}")
            at = _time_of(word)
        else:
            if topic is not None:
                raise UserError(f"Give one topic (or random). Usage: {USAGE}")
            topic = resolve_topic([word])
    where = _where(call)
    chosen_time = at or current.daily_time or DEFAULT_TIME
    chosen_topic = None if topic in (None, MIXED) else topic
    call.uow.communities.change_settings(
        call.community, daily_time=chosen_time, daily_topic=chosen_topic, daily_level=level
    )
    if zone is not None:  # the community's own clock: the weekly post follows it too
        call.community.time_zone = zone
    zone = call.community.time_zone or "UTC"
    await audit(
        call, "daily.on", f"{chosen_time} {zone} {chosen_topic or 'random'} {level or 'any'}"
    )
    reveal = (
        f"revealed at {current.daily_reveal}"
        if current.daily_reveal
        else "revealed with the next day's question"
    )
    return [
        reply(
            f"✅ Daily question on: every day at {chosen_time} ({zone}), topic "
            f"{chosen_topic or 'random'}, level {level or 'any'}, in {where}. "
            f"Each answer is {reveal}."
        )
    ]


async def _reveal(call: AdminCall, words: list[str]) -> list[Reply]:
    assert call.community is not None
    if len(words) != 1:
        raise UserError(f"Give one time, or off. Usage: {USAGE}")
    if words[0] == "off":
        call.uow.communities.change_settings(call.community, daily_reveal=None)
        await audit(call, "daily.reveal", "off")
        return [reply("✅ The daily question's answer now comes with the next day's question.")]
    at = _time_of(words[0])
    call.uow.communities.change_settings(call.community, daily_reveal=at)
    await audit(call, "daily.reveal", at)
    return [reply(f"✅ The daily question's answer will be revealed at {at} each day.")]
