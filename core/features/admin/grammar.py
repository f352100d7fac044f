"""The `/admin` grammar, declared once: each subcommand's words and typed parameters.

The chat usage lines (and the usage in each refusal) are generated from it, and so are
Discord's `/admin` subcommands; the runners in this package read the same words by position.
"""

from __future__ import annotations

from core.command_meta import Param, ParamKind, Subcommand, subcommand_usage

ADMIN = "admin"

_LEARNER = Param("member", "The learner", ParamKind.USER, required=True, shown="<learner>")
_REASON = Param("reason", "Why (kept in the audit log)", max_length=200)
# Moderators may move this server's board by at most 500 a call; operators globally by 10,000.
_AMOUNT = Param("amount", "How much XP", ParamKind.INTEGER, True, min_value=1, max_value=10_000)
_PURPOSE = Param("purpose", "What goes there", required=True, choices=("announce", "leaderboard"))

XP = Subcommand(
    "xp",
    "Grant or revoke XP",
    (
        Param("change", "Grant or revoke", required=True, choices=("grant", "revoke")),
        _LEARNER,
        _AMOUNT,
        Param("reason", "Why (kept in the audit log)", required=True, max_length=200),
    ),
)
BADGE = Subcommand(
    "badge",
    "Award or revoke a badge",
    (
        Param("change", "Award or revoke", required=True, choices=("award", "revoke")),
        _LEARNER,
        Param("badge", "Badge slug, e.g. streak-7", required=True, max_length=60),
        _REASON,
    ),
)
BAN = Subcommand("ban", "Ban a learner in this server (operators: everywhere)", (_LEARNER, _REASON))
UNBAN = Subcommand("unban", "Lift a ban", (_LEARNER, _REASON))
BANS = Subcommand("bans", "Who is banned in this server")
BUDGET = Subcommand(
    "budget",
    "A learner's monthly AI budget",
    (
        _LEARNER,
        Param(
            "usd",
            "Dollars per month, or default",
            required=True,
            max_length=12,
            shown="<dollars per month>|default",
        ),
    ),
)
CHANNEL = Subcommand(
    "channel",
    "Post announcements or the weekly leaderboard in a channel",
    (
        _PURPOSE,
        Param(
            "channel",
            "The channel (default: this one)",
            ParamKind.CHANNEL,
            shown="<channel id>|here|off",
        ),
    ),
    missing=("here",),
)
NO_CHANNEL = Subcommand(
    "nochannel",
    "Stop using a dedicated channel (post where things happen)",
    (_PURPOSE,),
    word="channel",
    suffix=("off",),
)
CHAT_XP = Subcommand(
    "chatxp",
    "Chat XP in this server on or off",
    (Param("state", "On or off", required=True, choices=("on", "off")),),
)
MOD_ROLE = Subcommand(
    "modrole",
    "Members with this role are Dojo moderators here",
    (Param("role", "The moderator role", ParamKind.ROLE, required=True, shown="<role id>|off"),),
)
NO_MOD_ROLE = Subcommand(
    "nomodrole", "No moderator role (Manage Server only)", word="modrole", suffix=("off",)
)
LIVE = Subcommand(
    "live",
    "Who may start live quiz rounds (/quiz live)",
    (Param("who", "Moderators only, or anyone", required=True, choices=("mods", "anyone")),),
)
DAILY = Subcommand(
    "daily",
    "A daily question in this community",
    (
        Param("state", "On or off", required=True, choices=("on", "off")),
        Param("time", "Local time, HH:MM (default 09:00)", max_length=5, shown="[HH:MM]"),
        Param("topic", "A quiz topic, or random", autocomplete="topic", shown="[topic|random]"),
        Param(
            "level",
            "Question level",
            choices=("junior", "mid", "senior"),
            shown="[junior|mid|senior]",
        ),
        Param("zone", "The community's time zone, e.g. Europe/Berlin", max_length=64),
    ),
)
DAILY_REVEAL = Subcommand(
    "dailyreveal",
    "When the daily question's answer is shown (off: with the next question)",
    (Param("time", "Local time, HH:MM, or off", required=True, max_length=5, shown="<HH:MM>|off"),),
    word="daily",
    suffix=("reveal",),
)
_LEVEL = Param("level", "The level (1-10)", ParamKind.INTEGER, True, min_value=1, max_value=10)
REWARD = Subcommand(
    "reward",
    "A role given at a level (Discord)",
    (
        _LEVEL,
        Param(
            "role",
            "The role",
            ParamKind.ROLE,
            required=True,
            shown="<role>|off",
        ),
    ),
)
NO_REWARD = Subcommand(
    "rewardoff", "No role at this level", (_LEVEL,), word="reward", suffix=("off",)
)
# One Discord form for the rest (Discord allows 25 subcommands): list, sync, or the mode.
REWARDS = Subcommand(
    "rewards",
    "List, sync (give members theirs), or stack|replace (the mode)",
    (
        Param(
            "what",
            "list, sync, or the mode: stack keeps every reward role, replace only the highest",
            required=True,
            choices=("list", "sync", "stack", "replace"),
        ),
    ),
    word="reward",
)
WEB = Subcommand(
    "web",
    "This community's public leaderboard page: on (shows its address), new or off",
    (Param("state", "On, a new address, or off", required=True, choices=("on", "new", "off")),),
)
STATS = Subcommand("stats", "This community's numbers")
AUDIT = Subcommand(
    "audit",
    "Recent moderator actions",
    (
        Param(
            "count",
            "How many",
            ParamKind.INTEGER,
            min_value=1,
            max_value=50,
            shown="[how many, 1-50]",
        ),
    ),
)
_PACK_NAME = Param("name", "The pack's name, e.g. python-basics", required=True, max_length=32)
PACK_ADD = Subcommand(
    "packadd",
    "Add (or replace) a question pack from a JSON or YAML file",
    (
        _PACK_NAME,
        Param(
            "file",
            "The pack: a JSON or YAML list of questions",
            ParamKind.FILE,
            True,
            shown="(a JSON or YAML file attached)",
        ),
    ),
    word="pack",
    prefix=("add",),
)
PACK_LIST = Subcommand("packlist", "This community's question packs", word="pack", prefix=("list",))
PACK_REMOVE = Subcommand(
    "packremove", "Remove a question pack", (_PACK_NAME,), word="pack", prefix=("remove",)
)
PACK_ONLY = Subcommand(
    "packonly",
    "Quizzes here ask only this community's packs, or the bank too",
    (Param("state", "On or off", required=True, choices=("on", "off")),),
    word="pack",
    prefix=("only",),
)

SUBCOMMANDS: tuple[Subcommand, ...] = (
    XP,
    BADGE,
    BAN,
    UNBAN,
    BANS,
    BUDGET,
    CHANNEL,
    NO_CHANNEL,
    CHAT_XP,
    MOD_ROLE,
    NO_MOD_ROLE,
    LIVE,
    DAILY,
    DAILY_REVEAL,
    REWARD,
    NO_REWARD,
    REWARDS,
    WEB,
    STATS,
    AUDIT,
    PACK_ADD,
    PACK_LIST,
    PACK_REMOVE,
    PACK_ONLY,
)
USAGE = subcommand_usage(ADMIN, SUBCOMMANDS)
XP_USAGE = XP.usage(ADMIN)
BADGE_USAGE = BADGE.usage(ADMIN)
BAN_USAGE = BAN.usage(ADMIN)
UNBAN_USAGE = UNBAN.usage(ADMIN)
BANS_USAGE = BANS.usage(ADMIN)
BUDGET_USAGE = BUDGET.usage(ADMIN)
CHANNEL_USAGE = CHANNEL.usage(ADMIN)
CHAT_XP_USAGE = CHAT_XP.usage(ADMIN)
MOD_ROLE_USAGE = MOD_ROLE.usage(ADMIN)
STATS_USAGE = STATS.usage(ADMIN)
LIVE_USAGE = LIVE.usage(ADMIN)
AUDIT_USAGE = AUDIT.usage(ADMIN)
PACK_ADD_USAGE = PACK_ADD.usage(ADMIN)
PACK_REMOVE_USAGE = PACK_REMOVE.usage(ADMIN)
PACK_ONLY_USAGE = PACK_ONLY.usage(ADMIN)
PACK_USAGE = "/admin pack add|list|remove|only ..."
REWARD_USAGE = (
    "/admin reward <level 1-10> <role>|off, /admin reward list, "
    "/admin reward mode stack|replace, /admin reward sync"
)
WEB_USAGE = WEB.usage(ADMIN)
