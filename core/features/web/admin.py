"""`/admin web on|new|off`: the community's public leaderboard page.

`on` gives the community a page under a fresh random address, or shows the one it has (so a
moderator can ask for it again); `new` replaces the address (whoever had the old one loses
it: the old address answers 404); `off` removes the page.
"""

from __future__ import annotations

from core.errors import UserError
from core.features.admin.common import AdminCall, audit, word
from core.features.admin.grammar import WEB_USAGE
from core.features.web.address import new_token, page_address, page_path
from core.features.web.store import WebPageStore
from core.messages import Reply, reply

STATES = ("on", "new", "off")


async def web_page(call: AdminCall) -> list[Reply]:
    if call.community is None:
        raise UserError(
            "A web page belongs to a group or server: use this there "
            "(at the shell, add --community platform:id)."
        )
    value = word(call, 0, "on, new or off", WEB_USAGE).lower()
    if value not in STATES:
        raise UserError(f"'{value[:20]}' should be on, new or off. Usage: {WEB_USAGE}")
    store = call.uow.repository(WebPageStore)
    community_id = call.community.id
    if value == "off":
        had = await store.withdraw(community_id)
        await audit(call, "web", "off")
        if not had:
            return [reply("This community has no web page; nothing to remove.")]
        return [reply("✅ The web page is removed: its address now answers 404.")]
    token = await store.token_of(community_id)
    fresh = token is None or value == "new"
    if fresh:
        token = new_token()
        await store.publish(community_id, token, call.now)
        await audit(call, "web", value)
    assert token is not None
    return [reply(_announcement(call, token, fresh, replaced=value == "new"))]


def _announcement(call: AdminCall, token: str, fresh: bool, *, replaced: bool) -> str:
    config = call.services.config
    address = page_address(config.public_url, token)
    if replaced:
        opening = (
            "✅ New address for this community's leaderboard page (the old one now answers 404):"
        )
    elif fresh:
        opening = "✅ This community's leaderboard page is on:"
    else:
        opening = "This community's leaderboard page:"
    lines = [opening]
    if address is None:
        lines.append(
            f"{page_path(token)} (DOJO_PUBLIC_URL is unset: ask the operator for the web "
            "server's address and put this path after it)"
        )
    else:
        lines.append(address)
    lines.append(
        "Anyone with the address can see the boards, hall of fame and activity (never a learner "
        "hidden from boards). /admin web new changes the address, /admin web off removes it."
    )
    if config.web_port is None:
        lines.append("Note: DOJO_WEB_PORT is unset here, so this Dojo serves no web pages.")
    return "\n".join(lines)
