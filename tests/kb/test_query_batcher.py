"""The query micro-batcher (`kb.embed._QueryBatcher`), driven by a plain encode function that records every
batch it is given and answers a vector derived from each text. No model, and no wall-clock assertions: the
tests hold the leader inside `encode` (a gate) while other callers queue, then check who was encoded with whom
and who got which vector. Joins have generous timeouts only so that a hang fails instead of stalling the run.

Seeing that a caller has queued needs the batcher's `_pending` list: the caller is then blocked and no
outside signal exists short of timing it."""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable

import numpy as np
import pytest

from kb.embed import _QueryBatcher
from tests.servers import wait_until_ready

HANG = 30.0  # seconds before a caller that never returns fails the test (a hang, not a slow answer)


def vector_for(text: str) -> np.ndarray:
    """A vector only this text gets: its CRC, length and character sum."""
    return np.array([zlib.crc32(text.encode()), len(text), sum(map(ord, text))], dtype=np.float64)


class RecordingEncoder:
    """Stands in for the model's `embed_passages`: records each batch, optionally holds the first call at a
    gate until the test opens it, fails any batch holding a text in `fail_on`, and can run a hook per call."""

    def __init__(self, gated: bool = False, fail_on: frozenset[str] = frozenset()) -> None:
        self.batches: list[list[str]] = []
        self.gate = threading.Event()
        if not gated:
            self.gate.set()
        self.fail_on = fail_on
        self.during_call: Callable[[int], None] = lambda call: None

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.batches.append(list(texts))
        assert self.gate.wait(HANG), "the test never opened the gate"
        self.during_call(len(self.batches))
        if self.fail_on & set(texts):
            raise ValueError(f"model failed on {sorted(self.fail_on & set(texts))}")
        return np.stack([vector_for(t) for t in texts])


class Caller(threading.Thread):
    """One request thread calling `embed(text)`; keeps the vector or the exception it got."""

    def __init__(self, batcher: _QueryBatcher, text: str, on_return: Callable[[], int] = lambda: 0) -> None:
        super().__init__(daemon=True, name=f"caller {text!r}")
        self.batcher, self.text, self.on_return = batcher, text, on_return
        self.vector: np.ndarray | None = None
        self.error: BaseException | None = None
        self.seen_on_return = 0

    def run(self) -> None:
        try:
            self.vector = self.batcher.embed(self.text)
        except BaseException as exc:  # handed to the test, which asserts on it
            self.error = exc
        self.seen_on_return = self.on_return()

    def outcome(self, timeout: float = HANG) -> np.ndarray | BaseException:
        self.join(timeout)
        assert not self.is_alive(), f"{self.name} is still waiting for its vector"
        return self.vector if self.error is None else self.error


def start(batcher: _QueryBatcher, text: str, **kwargs: Callable[[], int]) -> Caller:
    caller = Caller(batcher, text, **kwargs)
    caller.start()
    return caller


def wait_for_encode_calls(encoder: RecordingEncoder, count: int) -> None:
    wait_until_ready(lambda: len(encoder.batches) >= count, HANG, what=f"encode call {count}", interval=0.001)


def wait_for_queued(batcher: _QueryBatcher, count: int) -> None:
    wait_until_ready(lambda: len(batcher._pending) >= count, HANG, what=f"{count} queued callers", interval=0.001)


def hold_leader_and_queue(
    batcher: _QueryBatcher, encoder: RecordingEncoder, lead: str, texts: list[str]
) -> tuple[Caller, list[Caller]]:
    """Start `lead`, wait until it is inside encode (alone in its batch), then queue `texts` behind it."""
    leader = start(batcher, lead)
    wait_for_encode_calls(encoder, 1)
    followers = [start(batcher, text) for text in texts]
    wait_for_queued(batcher, len(texts))
    return leader, followers


def test_a_lone_caller_is_encoded_at_once_alone() -> None:
    """No other load: one encode call holding only this query, and the batcher is idle again afterwards."""
    encoder = RecordingEncoder()
    batcher = _QueryBatcher(encoder)

    first = batcher.embed("community asset transfer")
    second = batcher.embed("food club")

    assert encoder.batches == [["community asset transfer"], ["food club"]]
    np.testing.assert_array_equal(first, vector_for("community asset transfer"))
    np.testing.assert_array_equal(second, vector_for("food club"))


def test_concurrent_callers_share_batches_of_at_most_max_batch_and_each_gets_its_own_vector() -> None:
    encoder = RecordingEncoder(gated=True)
    batcher = _QueryBatcher(encoder, window_s=0, max_batch=16)
    texts = [f"query number {i}" for i in range(40)]

    leader, followers = hold_leader_and_queue(batcher, encoder, "the leader's query", texts)
    encoder.gate.set()

    for caller in [leader, *followers]:
        vector = caller.outcome()
        assert isinstance(vector, np.ndarray), vector
        np.testing.assert_array_equal(vector, vector_for(caller.text), err_msg=caller.name)
    assert [len(batch) for batch in encoder.batches] == [1, 16, 16, 8]
    assert encoder.batches[0] == ["the leader's query"]
    encoded = [text for batch in encoder.batches[1:] for text in batch]
    assert sorted(encoded) == sorted(texts)  # each queued query encoded exactly once


def test_identical_concurrent_queries_each_get_the_vector() -> None:
    encoder = RecordingEncoder(gated=True)
    batcher = _QueryBatcher(encoder, window_s=0)

    leader, followers = hold_leader_and_queue(batcher, encoder, "lead", ["same", "same", "other", "same"])
    encoder.gate.set()

    for caller in [leader, *followers]:
        np.testing.assert_array_equal(caller.outcome(), vector_for(caller.text), err_msg=caller.name)
    assert encoder.batches[0] == ["lead"]
    assert sorted(encoder.batches[1]) == ["other", "same", "same", "same"]  # queued in any order, one batch
    assert len(encoder.batches) == 2


def test_an_encode_failure_reaches_the_callers_of_that_batch_and_the_batcher_keeps_working() -> None:
    encoder = RecordingEncoder(gated=True, fail_on=frozenset({"boom"}))
    batcher = _QueryBatcher(encoder, window_s=0, max_batch=8)

    _, followers = hold_leader_and_queue(batcher, encoder, "lead", ["boom", "fine one", "fine two"])
    encoder.gate.set()

    for caller in followers:  # one failed batch: every caller in it gets the model's error, none a vector
        error = caller.outcome()
        assert isinstance(error, ValueError) and "model failed" in str(error), caller.name
    assert sorted(encoder.batches[1]) == ["boom", "fine one", "fine two"]

    after = batcher.embed("after the failure")
    np.testing.assert_array_equal(after, vector_for("after the failure"))
    assert encoder.batches[-1] == ["after the failure"]


def test_a_lone_caller_gets_the_models_own_exception_and_the_next_call_works() -> None:
    encoder = RecordingEncoder(fail_on=frozenset({"boom"}))
    batcher = _QueryBatcher(encoder, window_s=0)

    with pytest.raises(ValueError, match=r"model failed on \['boom'\]"):
        batcher.embed("boom")

    np.testing.assert_array_equal(batcher.embed("next"), vector_for("next"))
    assert encoder.batches == [["boom"], ["next"]]


# ---- fairness and failures under load ----------------------------------------------------------------------


def test_under_sustained_load_the_leader_gets_its_vector_after_its_own_batch() -> None:
    encoder = RecordingEncoder()
    batcher = _QueryBatcher(encoder, window_s=0)
    newcomers: list[Caller] = []

    def another_query_arrives(call: int) -> None:
        # While each batch is encoding, one more request arrives: the queue never runs dry for 6 batches.
        if call <= 5:
            newcomers.append(start(batcher, f"newcomer {call}"))
            wait_for_queued(batcher, 1)

    encoder.during_call = another_query_arrives
    leader = start(batcher, "lead", on_return=lambda: len(encoder.batches))

    np.testing.assert_array_equal(leader.outcome(), vector_for("lead"))
    for caller in newcomers:
        np.testing.assert_array_equal(caller.outcome(), vector_for(caller.text))
    assert encoder.batches[0] == ["lead"]
    # Its own batch was the first; returning later than the second would mean serving other callers first.
    assert leader.seen_on_return <= 2, f"the leader returned after {leader.seen_on_return} encode calls"


def test_callers_queued_behind_a_failed_batch_are_still_answered() -> None:
    encoder = RecordingEncoder(gated=True, fail_on=frozenset({"boom"}))
    batcher = _QueryBatcher(encoder, window_s=0, max_batch=2)

    leader, followers = hold_leader_and_queue(batcher, encoder, "lead", ["boom", "x", "behind one", "behind two"])
    encoder.gate.set()

    leader.outcome()
    for caller in followers[2:]:
        outcome = caller.outcome(timeout=1)  # a hang guard: the fault is that they are never answered
        assert not isinstance(outcome, BaseException), outcome


def test_a_leader_is_not_handed_the_failure_of_a_batch_it_was_not_in() -> None:
    encoder = RecordingEncoder(gated=True, fail_on=frozenset({"boom"}))
    batcher = _QueryBatcher(encoder, window_s=0)

    leader, followers = hold_leader_and_queue(batcher, encoder, "lead", ["boom"])
    encoder.gate.set()

    assert isinstance(followers[0].outcome(), ValueError)
    np.testing.assert_array_equal(leader.outcome(), vector_for("lead"))
