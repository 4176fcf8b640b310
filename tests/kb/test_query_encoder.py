"""The query encoder (`kb.embed.QueryEncoder`) and the query cache in front of it, driven by a plain encode
function that records every batch it is given and answers a vector derived from each text. No model, and no
wall-clock assertions: the tests hold the encoder inside `encode` (a gate) while more queries queue, then check
who was encoded with whom and who got which vector. Waits have generous timeouts only so that a hang fails
instead of stalling the run.

Seeing that a query has queued needs the encoder's `_pending` list: no outside signal exists short of timing it."""

from __future__ import annotations

import asyncio
import threading
import zlib
from collections.abc import Coroutine
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

import numpy as np
import pytest

from kb.embed import QueryCache, QueryEncoder
from tests.servers import wait_until_ready

T = TypeVar("T")
HANG = 30.0  # seconds before a query that is never answered fails the test (a hang, not a slow answer)


def vector_for(text: str) -> np.ndarray:
    """A vector only this text gets: its CRC, length and character sum."""
    return np.array([zlib.crc32(text.encode()), len(text), sum(map(ord, text))], dtype=np.float64)


class RecordingEncoder:
    """Stands in for the model: records each batch, optionally holds the first call at a gate until the test
    opens it, fails any batch holding a text in `fail_on`, and answers one vector too few for `short_on`."""

    def __init__(self, gated: bool = False, fail_on: frozenset[str] = frozenset(), short_on: str = "") -> None:
        self.batches: list[list[str]] = []
        self.gate = threading.Event()
        if not gated:
            self.gate.set()
        self.fail_on = fail_on
        self.short_on = short_on

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.batches.append(list(texts))
        assert self.gate.wait(HANG), "the test never opened the gate"
        if self.fail_on & set(texts):
            raise ValueError(f"model failed on {sorted(self.fail_on & set(texts))}")
        vectors = np.stack([vector_for(t) for t in texts])
        return vectors[:-1] if self.short_on in texts else vectors


def outcome(future: Future[np.ndarray]) -> np.ndarray | BaseException:
    try:
        return future.result(HANG)
    except BaseException as exc:  # handed to the test, which asserts on it
        return exc


def hold_first_and_queue(
    encoder: QueryEncoder, model: RecordingEncoder, first: str, texts: list[str]
) -> tuple[Future[np.ndarray], list[Future[np.ndarray]]]:
    """Submit `first`, wait until the model is encoding it (alone), then queue `texts` behind it."""
    held = encoder.submit(first)
    wait_until_ready(lambda: len(model.batches) >= 1, HANG, what="the first encode call", interval=0.001)
    queued = [encoder.submit(text) for text in texts]
    assert len(encoder._pending) == len(texts)
    return held, queued


def run_on_own_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` on a thread of its own: the test's thread may already have a loop running (left by
    another test in the same run)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result(HANG)


def test_a_lone_query_is_encoded_at_once_alone() -> None:
    model = RecordingEncoder()
    encoder = QueryEncoder(model)

    first = encoder.submit("community asset transfer").result(HANG)
    second = encoder.submit("food club").result(HANG)

    assert model.batches == [["community asset transfer"], ["food club"]]
    np.testing.assert_array_equal(first, vector_for("community asset transfer"))
    np.testing.assert_array_equal(second, vector_for("food club"))


def test_queued_queries_share_batches_of_at_most_max_batch_oldest_first_each_with_its_own_vector() -> None:
    model = RecordingEncoder(gated=True)
    encoder = QueryEncoder(model, max_batch=16)
    texts = [f"query number {i}" for i in range(40)]

    held, queued = hold_first_and_queue(encoder, model, "the first query", texts)
    model.gate.set()

    for text, future in zip(["the first query", *texts], [held, *queued], strict=True):
        vector = outcome(future)
        assert isinstance(vector, np.ndarray), vector
        np.testing.assert_array_equal(vector, vector_for(text), err_msg=text)
    assert model.batches == [["the first query"], texts[:16], texts[16:32], texts[32:]]


def test_identical_queued_queries_each_get_the_vector() -> None:
    model = RecordingEncoder(gated=True)
    encoder = QueryEncoder(model)
    texts = ["same", "same", "other", "same"]

    held, queued = hold_first_and_queue(encoder, model, "first", texts)
    model.gate.set()

    for text, future in zip(texts, queued, strict=True):
        np.testing.assert_array_equal(outcome(future), vector_for(text), err_msg=text)
    outcome(held)
    assert model.batches == [["first"], texts]


def test_a_failure_reaches_the_queries_of_that_batch_only_and_the_encoder_keeps_working() -> None:
    model = RecordingEncoder(gated=True, fail_on=frozenset({"boom"}))
    encoder = QueryEncoder(model, max_batch=2)

    held, queued = hold_first_and_queue(encoder, model, "first", ["boom", "same batch", "next batch", "last"])
    model.gate.set()

    np.testing.assert_array_equal(outcome(held), vector_for("first"))
    for future in queued[:2]:  # one failed batch: every query in it gets the model's error, none a vector
        error = outcome(future)
        assert isinstance(error, ValueError) and "model failed on ['boom']" in str(error)
    for text, future in zip(["next batch", "last"], queued[2:], strict=True):
        np.testing.assert_array_equal(outcome(future), vector_for(text))
    np.testing.assert_array_equal(encoder.submit("after").result(HANG), vector_for("after"))


def test_a_model_answering_too_few_vectors_fails_its_batch_instead_of_leaving_it_waiting() -> None:
    model = RecordingEncoder(gated=True, short_on="short")
    encoder = QueryEncoder(model)

    held, queued = hold_first_and_queue(encoder, model, "first", ["short", "beside it"])
    model.gate.set()

    outcome(held)
    for future in queued:
        error = outcome(future)
        assert isinstance(error, RuntimeError) and "1 vectors for 2 queries" in str(error)
    np.testing.assert_array_equal(encoder.submit("after").result(HANG), vector_for("after"))


def test_the_cache_answers_a_repeated_query_without_the_model_and_forgets_the_oldest() -> None:
    model = RecordingEncoder()
    cache = QueryCache(model, size=2)

    np.testing.assert_array_equal(cache.embed("a"), vector_for("a"))
    cache.embed("b")
    cache.embed("a")  # a cache hit: "a" is now the newest
    cache.embed("c")  # the cache holds two: "b", the oldest, goes
    assert model.batches == [["a"], ["b"], ["c"]]
    cache.embed("a")
    cache.embed("b")
    assert model.batches[3:] == [["b"]]


def test_a_lone_blocking_caller_gets_the_models_own_exception_and_the_next_call_works() -> None:
    cache = QueryCache(RecordingEncoder(fail_on=frozenset({"boom"})))

    with pytest.raises(ValueError, match=r"model failed on \['boom'\]"):
        cache.embed("boom")
    np.testing.assert_array_equal(cache.embed("next"), vector_for("next"))


def test_awaiting_queries_share_a_batch_and_leave_the_event_loop_free_meanwhile() -> None:
    model = RecordingEncoder(gated=True)
    cache = QueryCache(model)
    texts = ["first", "second", "third"]

    async def scenario() -> list[np.ndarray]:
        first = asyncio.ensure_future(cache.embed_async(texts[0]))
        while not model.batches:  # the loop keeps running while the model holds the first query
            await asyncio.sleep(0.001)
        rest = [asyncio.ensure_future(cache.embed_async(text)) for text in texts[1:]]
        while len(cache._encoder._pending) < 2:
            await asyncio.sleep(0.001)
        model.gate.set()
        return list(await asyncio.wait_for(asyncio.gather(first, *rest), HANG))

    vectors = run_on_own_loop(scenario())

    for text, vector in zip(texts, vectors, strict=True):
        np.testing.assert_array_equal(vector, vector_for(text))
    assert model.batches == [["first"], ["second", "third"]]
    assert run_on_own_loop(cache.embed_async("second")) is vectors[1]  # cached: no new batch
    assert len(model.batches) == 2
