"""Streak reminders: local hours across zones and DST, once per day, late ones skipped."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import date

import pytest

from bot.app import Dojo, build
from bot.notifiers import RecordingNotifier
from core import codec
from core.jobs.reminders import send_reminders
from core.kinds import Kind
from core.messages import Platform, Reply, SendTarget
from core.ports import FixedClock
from tests.conftest import make_settings
from tests.scheduler_support import learner, update_user, utc
from tests.support import ChatDriver

YESTERDAY = date(2026, 11, 22)  # the clock fixture starts on Monday 2026-11-23


async def tick(dojo: Dojo, notifier: RecordingNotifier, when: str) -> list[str]:
    before = len(notifier.sent)
    await send_reminders(dojo.services.uow_factory, notifier, utc(when))
    return [target.chat_id for target, _ in notifier.sent[before:]]


async def test_reminders_fire_at_each_learners_local_time(sqlite_dojo: Dojo) -> None:
    for name, zone in (
        ("ber", "Europe/Berlin"),
        ("nyc", "America/New_York"),
        ("del", "Asia/Kolkata"),
    ):
        await learner(sqlite_dojo, name, zone=zone, last_active=YESTERDAY)
    sent = RecordingNotifier()
    assert await tick(sqlite_dojo, sent, "2026-11-23T13:29:00+00:00") == []
    assert await tick(sqlite_dojo, sent, "2026-11-23T13:30:00+00:00") == ["pc-del"]  # 19:00 IST
    assert await tick(sqlite_dojo, sent, "2026-11-23T17:59:00+00:00") == []
    assert await tick(sqlite_dojo, sent, "2026-11-23T18:00:00+00:00") == ["pc-ber"]  # 19:00 CET
    assert await tick(sqlite_dojo, sent, "2026-11-23T18:01:00+00:00") == []  # once a day
    assert await tick(sqlite_dojo, sent, "2026-11-24T00:00:00+00:00") == ["pc-nyc"]  # 19:00 EST
    target, message = sent.sent[0]
    assert target == SendTarget(Platform.TELEGRAM, "pc-del")
    assert "5-day streak" in message.text.plain and "no streak freezes left" in message.text.plain


async def test_reminders_follow_the_dst_change(sqlite_dojo: Dojo) -> None:
    user = await learner(sqlite_dojo, "ber", zone="Europe/Berlin", last_active=date(2026, 10, 23))
    sent = RecordingNotifier()
    # Summer time: 19:00 CEST is 17:00 UTC.
    assert await tick(sqlite_dojo, sent, "2026-10-24T17:00:00+00:00") == ["pc-ber"]
    # Clocks go back on 25 October: 19:00 CET is 18:00 UTC.
    await update_user(sqlite_dojo, user, last_active_date=date(2026, 10, 25))
    assert await tick(sqlite_dojo, sent, "2026-10-26T17:00:00+00:00") == []
    assert await tick(sqlite_dojo, sent, "2026-10-26T18:00:00+00:00") == ["pc-ber"]


async def test_a_reminder_in_the_spring_forward_gap_fires_after_the_jump(
    sqlite_dojo: Dojo,
) -> None:
    # 02:30 does not exist in Berlin on 29 March 2026; it fires at 03:30 CEST (01:30 UTC).
    await learner(
        sqlite_dojo, "ber", zone="Europe/Berlin", at="02:30", last_active=date(2026, 3, 28)
    )
    sent = RecordingNotifier()
    assert await tick(sqlite_dojo, sent, "2026-03-29T01:29:00+00:00") == []
    assert await tick(sqlite_dojo, sent, "2026-03-29T01:30:00+00:00") == ["pc-ber"]


async def test_reminders_more_than_two_hours_late_are_skipped(sqlite_dojo: Dojo) -> None:
    await learner(sqlite_dojo, "late", last_active=YESTERDAY)  # due 19:00 UTC
    await learner(sqlite_dojo, "soon", at="18:00", last_active=YESTERDAY)
    sent = RecordingNotifier()
    # The bot was down from 17:00 to 20:30: one catch-up run, only the one still in its window.
    assert await tick(sqlite_dojo, sent, "2026-11-23T20:30:00+00:00") == ["pc-late"]
    assert await tick(sqlite_dojo, sent, "2026-11-23T20:31:00+00:00") == []


async def test_who_gets_no_reminder(sqlite_dojo: Dojo) -> None:
    await learner(sqlite_dojo, "active", last_active=date(2026, 11, 23))  # practised today
    await learner(sqlite_dojo, "lapsed", last_active=date(2026, 11, 20))  # streak is gone
    await learner(sqlite_dojo, "quiet", last_active=YESTERDAY, reminders=False)
    banned = await learner(sqlite_dojo, "banned", last_active=YESTERDAY)
    await update_user(sqlite_dojo, banned, banned=True)
    await learner(sqlite_dojo, "due", last_active=YESTERDAY)
    sent = RecordingNotifier()
    assert await tick(sqlite_dojo, sent, "2026-11-23T19:00:00+00:00") == ["pc-due"]


async def test_freezes_keep_a_streak_alive_and_the_reminder_counts_them(
    sqlite_dojo: Dojo,
) -> None:
    # Missed yesterday with one freeze held: still alive, but that freeze is spoken for.
    await learner(sqlite_dojo, "one", last_active=date(2026, 11, 21), freezes=1, streak=9)
    await learner(sqlite_dojo, "two", last_active=YESTERDAY, freezes=2, streak=14)
    await learner(sqlite_dojo, "gone", last_active=date(2026, 11, 20), freezes=1)
    sent = RecordingNotifier()
    assert sorted(await tick(sqlite_dojo, sent, "2026-11-23T19:00:00+00:00")) == [
        "pc-one",
        "pc-two",
    ]
    one, two = sent.to("pc-one")[0].text.plain, sent.to("pc-two")[0].text.plain
    assert "9-day streak" in one and "no streak freezes left" in one
    assert "14-day streak" in two and "you have 2 left" in two


async def test_the_quick_quiz_button_starts_a_quiz(sqlite_dojo: Dojo) -> None:
    await learner(sqlite_dojo, "ada", last_active=YESTERDAY)
    sent = RecordingNotifier()
    await tick(sqlite_dojo, sent, "2026-11-23T19:00:00+00:00")
    buttons = {button.label: button.data for row in sent.sent[0][1].buttons for button in row}
    assert buttons["▶️ Quick quiz"] == "dj:go:quiz"
    chat = ChatDriver(sqlite_dojo.router, "ada", Platform.TELEGRAM, "pc-ada")
    # The button runs /quiz, so it is as slow as /quiz: it never joins (and reruns) a batch.
    press = chat.incoming("", action=codec.decode("dj:go:quiz"))
    assert sqlite_dojo.router.kind_of(press) is Kind.SLOW
    assert sqlite_dojo.router.kind_of(chat.incoming("", action=codec.decode("dj:go:streak"))) is (
        Kind.QUICK
    )
    answer = await chat.press_data(buttons["▶️ Quick quiz"])
    assert "expired" not in answer and (chat.last[0].poll or chat.last[0].buttons)
    assert "expired" in await chat.press_data("dj:go:admin")
    assert "off" in (await chat.press_data(buttons["🔕 Stop reminders"])).lower()


class FlakyNotifier(RecordingNotifier):
    """Refuses one chat for good and fails another once, like a network hiccup."""

    def __init__(self) -> None:
        super().__init__(refuse={"pc-blocked"})
        self.hiccups = {"pc-flaky"}

    async def send(self, target: SendTarget, replies: Sequence[Reply]) -> None:
        if target.chat_id in self.hiccups:
            self.hiccups.discard(target.chat_id)
            raise TimeoutError("network hiccup")
        await super().send(target, replies)


async def test_a_failing_target_is_logged_and_the_job_goes_on(
    sqlite_dojo: Dojo, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("blocked", "flaky", "fine"):
        await learner(sqlite_dojo, name, last_active=YESTERDAY)
    notifier = FlakyNotifier()
    with caplog.at_level(logging.WARNING):
        report = await send_reminders(
            sqlite_dojo.services.uow_factory, notifier, utc("2026-11-23T19:00:00+00:00")
        )
    assert (report.sent, report.failed, report.retry) == (1, 1, 1)
    assert "pc-blocked" in caplog.text
    # The hiccup is retried next tick; the blocked chat is not tried again.
    assert await tick(sqlite_dojo, notifier, "2026-11-23T19:01:00+00:00") == ["pc-flaky"]
    assert await tick(sqlite_dojo, notifier, "2026-11-23T19:02:00+00:00") == []


async def test_two_processes_on_one_database_remind_each_learner_once(
    database_url: str, clock: FixedClock
) -> None:
    first = await build(make_settings(database_url), clock=clock)
    second = await build(make_settings(database_url), clock=clock)
    try:
        for number in range(12):
            await learner(first, f"l{number}", last_active=YESTERDAY)
        a, b = RecordingNotifier(), RecordingNotifier()
        factory_a, factory_b = first.services.uow_factory, second.services.uow_factory
        await asyncio.gather(
            send_reminders(factory_a, a, utc("2026-11-23T19:00:00+00:00")),
            send_reminders(factory_b, b, utc("2026-11-23T19:00:00+00:00")),
            send_reminders(factory_b, b, utc("2026-11-23T19:01:00+00:00")),
            send_reminders(factory_a, a, utc("2026-11-23T19:02:00+00:00")),
        )
        chats = [target.chat_id for target, _ in a.sent + b.sent]
        assert sorted(chats) == sorted(f"pc-l{number}" for number in range(12))
    finally:
        await first.close()
        await second.close()


class Crash(BaseException):
    """The process dying mid-send (not an error the job may catch)."""


class CrashingNotifier(RecordingNotifier):
    def __init__(self, after: int) -> None:
        super().__init__()
        self.after = after

    async def send(self, target: SendTarget, replies: Sequence[Reply]) -> None:
        if len(self.sent) == self.after:
            raise Crash
        await super().send(target, replies)


async def test_a_restart_mid_run_neither_repeats_nor_skips(
    database_url: str, clock: FixedClock
) -> None:
    dojo = await build(make_settings(database_url), clock=clock)
    try:
        for number in range(8):
            await learner(dojo, f"l{number}", last_active=YESTERDAY)
        crashing = CrashingNotifier(after=3)
        with pytest.raises(Crash):
            await send_reminders(
                dojo.services.uow_factory, crashing, utc("2026-11-23T19:00:00+00:00")
            )
        restarted = RecordingNotifier()
        await tick(dojo, restarted, "2026-11-23T19:01:00+00:00")
        assert len(restarted.sent) == 4  # the fourth learner's claim is still leased
        await tick(dojo, restarted, "2026-11-23T19:12:00+00:00")  # lease over: taken over
        chats = [target.chat_id for target, _ in crashing.sent + restarted.sent]
        assert sorted(chats) == sorted(f"pc-l{number}" for number in range(8))
    finally:
        await dojo.close()
