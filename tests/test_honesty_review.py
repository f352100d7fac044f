"""The review honesty benchmark's targets, on its own sample sets, through the real reviewer."""

from __future__ import annotations

from bench.honesty_review import CLASSES, run, samples


def test_every_class_has_at_least_30_samples() -> None:
    for name in CLASSES:
        assert sum(sample.measured for sample in samples(name)) >= 30, name


def test_insecure_broken_and_prose_are_never_approved() -> None:
    rows = {row["class"]: row for row in run()}
    for name in ("insecure", "broken", "prose"):
        assert rows[name]["approval_rate"] == 0, rows[name]
    assert rows["prose"]["scored"] == 0 and rows["prose"]["xp_per_sample"] == 0
    assert rows["trivial"]["approval_rate"] == 0 and rows["trivial"]["max_score"] <= 60
    assert rows["duplicate"]["xp_per_sample"] == 0
    assert rows["clean"]["approval_rate"] >= 0.9
    for row in rows.values():
        assert "perfectionist" not in row["badges"], row
    assert "review-master" not in rows["trivial"]["badges"]
