from tests.support import ChatDriver


async def test_onboarding_in_one_line_awards_xp(ada: ChatDriver) -> None:
    answer = await ada.say("/start backend mid Europe/Berlin")
    assert "backend" in answer and "Europe/Berlin" in answer
    profile = await ada.say("/profile")
    assert "30 XP" in profile  # 25 onboarding + 5 first activity of the day


async def test_onboarding_on_each_backend(dojo) -> None:  # type: ignore[no-untyped-def]
    chat = ChatDriver(dojo.router, "grace")
    await chat.say("/start data senior UTC")
    assert "30 XP" in await chat.say("/profile")
