"""Every request Dojo's features build passes what the API checks for the default models."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest

from adapters.anthropic.prompt import build_params
from core.config import CoreConfig
from core.features.interview import online
from core.features.interview.prompts import HINT_REQUEST, answer_message, end_message
from core.features.quiz.generate import generation_request
from core.features.review.extract import Submission
from core.features.review.prompt import review_request
from core.ports import LLMRequest
from tests.fakes.anthropic_checks import request_problems
from tests.fakes.anthropic_models import schema_problems

HEADERS = {"x-api-key": "k", "anthropic-version": "2023-06-01"}
CONFIG = CoreConfig()


def interview_session(transcript: list[dict[str, Any]]) -> Any:
    return SimpleNamespace(
        role="backend",
        difficulty="senior",
        focus_areas=["system-design"],
        persona="tough",
        transcript=transcript,
    )


def feature_requests() -> list[LLMRequest]:
    fresh = interview_session([])
    going = interview_session(
        [
            {"by": "interviewer", "kind": "question", "text": "Design a rate limiter."},
            {"by": "candidate", "kind": "answer", "text": "A token bucket per user."},
            {"by": "interviewer", "kind": "follow_up", "text": "Where is the state kept?"},
        ]
    )
    code = Submission("def f(x):\n    return x\n", "python", "")
    return [
        online.build_request(fresh, "", online.TURN),  # type: ignore[arg-type]
        online.build_request(going, answer_message("In Redis."), online.TURN),  # type: ignore[arg-type]
        online.build_request(going, HINT_REQUEST, online.HINT),  # type: ignore[arg-type]
        online.build_request(going, end_message(1), online.REPORT),  # type: ignore[arg-type]
        review_request(code, CONFIG.model),
        generation_request("sql", 5, "mid", CONFIG.generation_model, "backend"),
    ]


def test_the_defaults_are_the_current_models() -> None:
    assert CONFIG.model == "claude-sonnet-5-5"
    assert CONFIG.generation_model == "claude-haiku-5-5"


@pytest.mark.parametrize("index", range(6))
def test_feature_requests_pass_the_api_checks(index: int) -> None:
    request = feature_requests()[index]
    body = json.loads(json.dumps(build_params(request, CONFIG.model)))
    assert request_problems(body, HEADERS) == []
    assert not {"tools", "tool_choice", "temperature", "top_p", "top_k"} & set(body)
    assert body["messages"][-1]["role"] == "user"
    assert body["output_config"]["format"]["type"] == "json_schema"
    assert body["output_config"]["effort"] == "low"
    expected = {"type": "between_tools"} if "sonnet" in body["model"] else {"type": "disabled"}
    assert body["thinking"] == expected


def test_raw_feature_schemas_would_be_refused_so_they_are_transformed() -> None:
    """The features' schemas carry limits the API refuses; only the transformed ones are sent."""
    for request in feature_requests():
        assert request.schema is not None
        assert schema_problems(request.schema, "schema")  # e.g. minimum, maxLength
        sent = build_params(request, CONFIG.model)["output_config"]["format"]["schema"]
        assert schema_problems(sent, "schema") == []


def test_an_interview_sends_the_same_prefix_for_every_step() -> None:
    turn, answer, hint, report = (build_params(r, CONFIG.model) for r in feature_requests()[:4])
    shared = ("system", "output_config", "thinking", "model")
    assert all(answer[key] == hint[key] == report[key] == turn[key] for key in shared)
    assert answer["messages"][:-1] == hint["messages"][:-1] == report["messages"][:-1]
    assert [r.max_tokens for r in feature_requests()[1:4]] == [350, 150, 1200]


def test_a_request_ending_with_the_assistant_is_refused_before_sending() -> None:
    from core.ports import LLMMessage

    prefill = LLMRequest("x", "system", (LLMMessage("user", "a"), LLMMessage("assistant", "{")))
    with pytest.raises(ValueError, match="prefill"):
        build_params(prefill, CONFIG.model)
