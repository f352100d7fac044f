"""A new learner's first hour (issue 16): the stumbles met trying Dojo fresh, each fixed here."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from sqlalchemy import select

from bot.app import Dojo
from core.db.models import InterviewSession, QuizSession
from core.messages import QuizPoll
from core.wording import counted, dollars
from tests.support import ChatDriver, fixed_clock


def poll_of(chat: ChatDriver) -> QuizPoll:
    [poll] = [reply.poll for reply in chat.last if reply.poll is not None]
    return poll


async def interview_transcript(dojo: Dojo) -> list[str]:
    async with dojo.services.uow_factory() as uow:
        session = await uow.session.scalar(select(InterviewSession))
        assert session is not None
        return [str(entry.get("text")) for entry in session.transcript or []]


async def open_quiz(dojo: Dojo) -> QuizSession:
    async with dojo.services.uow_factory() as uow:
        quiz = await uow.session.scalar(select(QuizSession).where(QuizSession.status == "active"))
        assert quiz is not None
        return quiz


# --- quiz answers typed as text --------------------------------------------------------------


async def test_quiz_answered_by_typing_its_number(ada: ChatDriver) -> None:
    """A console restart forgets the numbered choices on screen; the number still answers."""
    await ada.say("/quiz sql 2")
    poll = poll_of(ada)
    marked = await ada.say(str(poll.correct_index + 1))
    assert "✅" in marked and "Question 2 of 2" in marked


async def test_quiz_answered_by_typing_the_option(ada: ChatDriver) -> None:
    for _ in range(20):  # a number always names a position, so find an option in words
        await ada.say("/quiz sql 1")
        poll = poll_of(ada)
        if not poll.options[poll.correct_index].strip().isdigit():
            break
        await ada.say("1")
    marked = await ada.say(f"  {poll.options[poll.correct_index].upper()} ")
    assert "✅" in marked and "Quiz complete" in marked


async def test_out_of_range_number_asks_for_one_in_range(ada: ChatDriver) -> None:
    await ada.say("/quiz sql 1")
    count = len(poll_of(ada).options)
    assert await ada.say("7") == f"Pick 1-{count} for question 1."
    assert await ada.say("0") == f"Pick 1-{count} for question 1."
    waiting = await ada.say("no idea, sorry")
    assert "waiting on question 1" in waiting and f"1-{count}" in waiting


async def test_typed_text_without_a_quiz_is_not_taken_as_an_answer(ada: ChatDriver) -> None:
    assert "not sure what you mean" in await ada.say("1")


# --- an interview and a quiz in one chat -----------------------------------------------------


async def test_a_quiz_pauses_the_interview_and_text_goes_to_the_one_touched_last(
    sqlite_dojo: Dojo, ada: ChatDriver
) -> None:
    clock = fixed_clock(sqlite_dojo)
    await ada.say("/interview backend mid")
    before = await interview_transcript(sqlite_dojo)
    clock.advance(seconds=5)
    opening = await ada.say("/quiz sql 1")
    assert "Your interview is paused" in opening and "/interview" in opening
    clock.advance(seconds=5)

    # Text that is no quiz answer is not swallowed by the interview either.
    wrong = await ada.say("HAVING is my answer")
    assert "waiting on question 1" in wrong and "paused" in wrong
    assert await interview_transcript(sqlite_dojo) == before

    # /interview takes the chat back; the quiz stays open for its buttons.
    clock.advance(seconds=5)
    assert "still going" in await ada.say("/interview")
    clock.advance(seconds=5)
    await ada.say("An index is a sorted structure that trades write cost for faster reads.")
    after = await interview_transcript(sqlite_dojo)
    assert len(after) > len(before) and "sorted structure" in after[len(before)]
    assert (await open_quiz(sqlite_dojo)).current_index == 0


async def test_finishing_the_quiz_hands_the_chat_back_to_the_interview(
    sqlite_dojo: Dojo, ada: ChatDriver
) -> None:
    clock = fixed_clock(sqlite_dojo)
    await ada.say("/interview backend mid")
    clock.advance(seconds=5)
    await ada.say("/quiz sql 1")
    clock.advance(seconds=5)
    poll = poll_of(ada)
    finished = await ada.say(str(poll.correct_index + 1))
    assert "Quiz complete" in finished and "Back to your interview" in finished
    clock.advance(seconds=5)
    before = await interview_transcript(sqlite_dojo)
    await ada.say("I would add an index on the foreign key column.")
    assert len(await interview_transcript(sqlite_dojo)) > len(before)


# --- interview set-up -----------------------------------------------------------------------


async def test_every_focus_area_can_be_picked_by_button(ada: ChatDriver) -> None:
    await ada.say("/interview")
    await ada.press("Backend")
    first = await ada.press("Mid")
    labels = [label for label, _ in ada.buttons()]
    assert "System design" in labels  # the role's most relevant areas come first
    assert "Testing" not in labels and len(labels) <= 10
    assert "page 2" in await ada.press("More areas")
    assert "Testing" in [label for label, _ in ada.buttons()]
    assert "interviewer" in await ada.press("Testing")
    started = await ada.press("Neutral")
    assert "focus testing" in started
    assert "focus" in first


async def test_behavioral_spelling_works_in_interview_as_in_quiz(ada: ChatDriver) -> None:
    started = await ada.say("/interview backend behavioral")
    assert "focus behavioural" in started


# --- onboarding -----------------------------------------------------------------------------


async def test_start_names_the_word_it_does_not_know(ada: ChatDriver) -> None:
    answer = await ada.say("/start astronaut")
    assert "'astronaut' is not a track, level or time zone" in answer
    assert "backend" in answer and "senior" in answer


async def test_partial_start_continues_step_by_step(ada: ChatDriver) -> None:
    answer = await ada.say("/start backend")
    assert "Noted: track backend" in answer and "experience level" in answer
    assert "time zone" in await ada.press("Mid")
    assert "You're set" in await ada.say("Europe/Berlin")


async def test_start_words_in_any_order_with_the_time_zone_given(ada: ChatDriver) -> None:
    answer = await ada.say("/start Europe/Berlin backend")
    assert "experience level" in answer
    done = await ada.press("Senior")  # the time zone was given: no need to ask it
    assert "You're set" in done and "Europe/Berlin" in done


async def test_city_alone_suggests_its_time_zone(ada: ChatDriver) -> None:
    assert "did you mean Europe/Berlin?" in await ada.say("/start backend mid Berlin")
    assert "Did you mean Europe/Berlin?" in await ada.say("/start backend mid Europe/Berln")
    assert "did you mean Europe/Berlin?" in await ada.say("/settings timezone berlin")
    assert "You're set" in await ada.say("/start backend mid europe/berlin")


# --- small slips ----------------------------------------------------------------------------


async def test_hidden_learner_with_xp_is_not_told_nobody_earned_any(ada: ChatDriver) -> None:
    await ada.say("/start backend mid UTC")
    await ada.say("/settings leaderboard off")
    board = await ada.say("/leaderboard all global")
    assert "No XP earned yet" not in board
    assert "hidden from public boards" in board


async def test_one_question_is_singular(ada: ChatDriver) -> None:
    assert "· 1 question\n" in await ada.say("/quiz sql 1") + "\n"


async def test_saved_has_no_trailing_space(ada: ChatDriver) -> None:
    await ada.say("/settings level mid")
    assert ada.last[0].text.plain == "Saved."


async def test_second_hint_says_it_is_the_same_one(sqlite_dojo: Dojo, ada: ChatDriver) -> None:
    await ada.say("/interview backend mid")
    first = await ada.say("/hint")
    again = await ada.say("/hint")
    assert "Hint:" in first and "only hint for this question" in again
    async with sqlite_dojo.services.uow_factory() as uow:
        session = await uow.session.scalar(select(InterviewSession))
        assert session is not None and (session.state or {}).get("hints_used") == 1


def test_counts_and_money_read_naturally() -> None:
    assert counted(1, "question") == "1 question"
    assert counted(3, "question") == "3 questions"
    assert counted(1, "scored session") == "1 scored session"
    assert dollars(Decimal("0")) == "$0.00"
    assert dollars(Decimal("0.0034")) == "$0.01"  # spending rounds up
    assert dollars(Decimal("2.999"), ROUND_FLOOR) == "$2.99"  # what is left rounds down
    assert dollars(Decimal("1.005")) == "$1.01"
    assert dollars(Decimal("3.00")) == "$3.00"


async def test_report_counts_one_scored_session_in_the_singular(ada: ChatDriver) -> None:
    await ada.say("/start backend mid UTC")
    await ada.say("/interview backend mid")
    await ada.say("An index is a B-tree kept sorted; it speeds reads and costs writes and space.")
    await ada.say("/end")
    # Offline, the interview is graded on key-point coverage, counted apart from AI skill scores.
    assert "(average of 1 offline interview:" in await ada.say("/report")
