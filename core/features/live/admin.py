"""`/admin live mods|anyone`: who may start a live round in this community."""

from __future__ import annotations

from core.errors import UserError
from core.features.admin.common import AdminCall, audit, word
from core.features.admin.grammar import LIVE_USAGE
from core.messages import Reply, reply


async def who_starts(call: AdminCall) -> list[Reply]:
    if call.community is None:
        raise UserError(
            "This setting belongs to a group or server: use it there "
            "(at the shell, add --community platform:id)."
        )
    value = word(call, 0, "mods or anyone", LIVE_USAGE).lower()
    if value not in ("mods", "anyone"):
        raise UserError(f"'{value[:20]}' should be mods or anyone. Usage: {LIVE_USAGE}")
    call.uow.communities.change_settings(call.community, live_mods=value == "mods")
    await audit(call, "live", value)
    if value == "mods":
        return [reply("✅ Only moderators can start live rounds (/quiz live) here now.")]
    return [reply("✅ Anyone can start a live round (/quiz live) here now.")]
