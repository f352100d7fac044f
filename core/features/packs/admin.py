"""`/admin pack add|list|remove|only`: a community's moderators manage its question packs.

Adding a name that is already a pack replaces it (the reply says so): a moderator fixing a
typo sends the file again under the same name. The old upload is marked removed, not deleted,
so quizzes that asked its questions keep them; a file with any problem changes nothing.
"""

from __future__ import annotations

from collections import Counter

from core.community_settings import settings_of
from core.errors import UserError
from core.features.admin.common import AdminCall, audit, word
from core.features.admin.grammar import (
    PACK_ADD_USAGE,
    PACK_ONLY_USAGE,
    PACK_REMOVE_USAGE,
    PACK_USAGE,
)
from core.features.packs.checks import check_pack, pack_name, problem_lines
from core.features.packs.pack_file import MAX_PACK_QUESTIONS, read_items
from core.features.packs.store import PackStore
from core.messages import Reply, reply
from core.text import Doc, bold, code
from core.wording import counted

MAX_PACKS = 20


def _community(call: AdminCall) -> int:
    if call.community is None:
        raise UserError(
            "Question packs belong to a group or server: use /admin pack there "
            "(at the shell: dojo admin pack import FILE --community platform:id)."
        )
    return call.community.id


async def pack(call: AdminCall) -> list[Reply]:
    action = word(call, 0, "add, list, remove or only", PACK_USAGE).lower()
    runners = {"add": _add, "list": _list, "remove": _remove, "only": _only}
    found = runners.get(action)
    if found is None:
        raise UserError(f"'{action[:20]}' should be add, list, remove or only. Usage: {PACK_USAGE}")
    return await found(call)


async def _add(call: AdminCall) -> list[Reply]:
    community_id = _community(call)
    name = pack_name(word(call, 1, "the pack's name", PACK_ADD_USAGE))
    if not call.attachments:
        raise UserError(
            f"Attach the pack as a JSON or YAML file, with {PACK_ADD_USAGE.split(' (')[0]} "
            "as its caption (on Discord: the file option). Nothing was imported."
        )
    if len(call.attachments) > 1:
        raise UserError("Attach one pack file at a time. Nothing was imported.")
    items = read_items(call.attachments[0])
    checked = check_pack(items)
    if checked.problems:
        count = counted(len(checked.problems), "problem")
        lines = [
            f"❌ Pack {name} was not added: {count} in {call.attachments[0].filename[:60]}. "
            "Nothing was imported; fix them and send the file again."
        ]
        lines.extend(f"• {line}" for line in problem_lines(checked.problems))
        raise UserError("\n".join(lines))
    store = call.uow.repository(PackStore)
    replaced = await store.live_pack(community_id, name)
    if replaced is None and await store.live_count(community_id) >= MAX_PACKS:
        raise UserError(
            f"This community has {MAX_PACKS} packs, the most it may hold: remove one first "
            "(/admin pack list). Nothing was imported."
        )
    if replaced is not None:
        await store.remove(replaced, call.now)
    added = await store.add(community_id, name, checked.questions, call.actor, call.now)
    await audit(
        call, "pack.replace" if replaced else "pack.add", f"{name} ({added.question_count})"
    )
    topics = Counter(question.topic for question in checked.questions)
    spread = ", ".join(f"{topic} {n}" for topic, n in topics.most_common())
    done = f"✅ Pack {name} added: {counted(added.question_count, 'question')} ({spread})."
    if replaced is not None:
        done = (
            f"✅ Pack {name} replaced: {counted(added.question_count, 'question')} ({spread}), "
            f"was {replaced.question_count}."
        )
    return [reply(f"{done} They join this community's quizzes, daily questions and live rounds.")]


async def _list(call: AdminCall) -> list[Reply]:
    community_id = _community(call)
    packs = await call.uow.repository(PackStore).live_packs(community_id)
    settings = settings_of(call.community.settings if call.community else None)
    mode = "only these packs" if settings.pack_only else "these packs and the bank"
    if not packs:
        return [
            reply(
                "No question packs here yet. Add one: "
                f"{PACK_ADD_USAGE} (a list of up to {MAX_PACK_QUESTIONS} questions)."
            )
        ]
    lines: list[object] = [
        (bold(f"Question packs ({len(packs)}/{MAX_PACKS})"), f" · quizzes ask {mode}")
    ]
    lines.extend(
        (
            code(item.name),
            f" · {counted(item.question_count, 'question')} · added "
            f"{item.added_at:%Y-%m-%d} by {item.added_by}",
        )
        for item in packs
    )
    return [Reply(Doc.lines(*lines))]  # type: ignore[arg-type]


async def _remove(call: AdminCall) -> list[Reply]:
    community_id = _community(call)
    name = pack_name(word(call, 1, "the pack's name", PACK_REMOVE_USAGE))
    store = call.uow.repository(PackStore)
    found = await store.live_pack(community_id, name)
    if found is None:
        raise UserError(f"There is no pack called {name} here. See /admin pack list.")
    await store.remove(found, call.now)
    await audit(call, "pack.remove", f"{name} ({found.question_count})")
    return [
        reply(
            f"✅ Pack {name} removed: its {counted(found.question_count, 'question')} won't be "
            "asked again (past quizzes keep them)."
        )
    ]


async def _only(call: AdminCall) -> list[Reply]:
    community_id = _community(call)
    assert call.community is not None
    value = word(call, 1, "on or off", PACK_ONLY_USAGE).lower()
    if value not in ("on", "off"):
        raise UserError(f"'{value[:20]}' should be on or off. Usage: {PACK_ONLY_USAGE}")
    call.uow.communities.change_settings(call.community, pack_only=value == "on")
    await audit(call, "pack.only", value)
    if value == "off":
        return [reply("✅ Quizzes here ask this community's packs and the bank.")]
    if not await call.uow.repository(PackStore).live_count(community_id):
        return [
            reply(
                "✅ Quizzes here will ask only this community's packs. There are none yet, so "
                f"they use the bank until you add one: {PACK_ADD_USAGE}"
            )
        ]
    return [
        reply("✅ Quizzes here ask only this community's packs (the bank when a topic has none).")
    ]
