"""The C core checks every argument at its entry point: bad input raises a
Python exception (never a crash or a read/write out of bounds), an allocation
or a thread that cannot be had gives MemoryError or fewer threads.

These tests also run under AddressSanitizer (``make test-asan``), which turns
any out-of-bounds access they provoke into a failure.
"""

import math

import numpy as np
import pytest

from matching.tests.engine_calls import (
    BAD_ATTRIBUTE_CALLS,
    BAD_MATRIX_CALLS,
    M,
    N,
    attribute_call,
    feasible,
    i32,
    matrix_call,
)

_mdgp = pytest.importorskip("matching._mdgp")


def test_a_valid_call_returns_a_feasible_assignment():
    for kw in (matrix_call(), attribute_call()):
        xs, objective, _iters, status = _mdgp.solve(**kw)
        x = np.frombuffer(xs, dtype=np.int32)
        assert status == 0
        assert feasible(x, kw["lo"], kw["hi"])
        assert math.isfinite(objective)


@pytest.mark.parametrize("changes", BAD_MATRIX_CALLS.values(), ids=BAD_MATRIX_CALLS)
def test_a_bad_matrix_argument_raises_a_python_error(changes):
    with pytest.raises((ValueError, TypeError)) as err:
        _mdgp.solve(**matrix_call(**changes))
    assert str(err.value)


@pytest.mark.parametrize(
    "changes", BAD_ATTRIBUTE_CALLS.values(), ids=BAD_ATTRIBUTE_CALLS
)
def test_a_bad_attribute_or_rule_argument_raises_a_python_error(changes):
    with pytest.raises((ValueError, TypeError)) as err:
        _mdgp.solve(**attribute_call(**changes))
    assert str(err.value)


def test_the_message_names_the_argument():
    with pytest.raises(TypeError, match="lo is required"):
        _mdgp.solve(**matrix_call(lo=None))
    with pytest.raises(ValueError, match="init: group out of range"):
        _mdgp.solve(**matrix_call(init=np.full(N, 7, dtype=np.int32)))
    with pytest.raises(ValueError, match="ap_idx holds an element out of range"):
        _mdgp.solve(**attribute_call(ap_idx=i32(1, 10**6)))


def test_a_valid_initial_assignment_is_accepted():
    init = np.repeat(np.arange(M, dtype=np.int32), N // M)
    xs, _, _, status = _mdgp.solve(**matrix_call(init=init))
    assert status == 0
    assert feasible(np.frombuffer(xs, dtype=np.int32), np.full(M, 4), np.full(M, 4))


@pytest.fixture
def failing():
    yield _mdgp._debug_fail_after
    _mdgp._debug_fail_after(-1, -1)


@pytest.mark.parametrize(
    "call",
    [
        matrix_call(),
        matrix_call(max_iters=0, time_limit=0.05),  # shared population
        attribute_call(),
        attribute_call(sampled=1, use_table=0, threads=2),
    ],
    ids=["matrix", "shared", "attributes", "sampled"],
)
def test_every_failed_allocation_gives_memory_error_until_memory_suffices(
    failing, call
):
    """Fail the 1st, 2nd, ... allocation in turn: each gives MemoryError (and
    frees what it had), until the call has all it needs and succeeds."""
    failures = 0
    for k in range(5000):
        failing(k)
        try:
            xs, _, _, status = _mdgp.solve(**call)
        except MemoryError:
            failures += 1
            continue
        finally:
            failing(-1)
        assert status == 0
        assert feasible(np.frombuffer(xs, dtype=np.int32), call["lo"], call["hi"])
        break
    else:
        pytest.fail("the call never succeeded")
    assert failures >= 10


def test_a_thread_that_cannot_start_leaves_the_result_unchanged(failing):
    call = matrix_call(threads=3, max_iters=5)
    expected = _mdgp.solve(**call)
    failing(-1, 0)  # every pthread_create fails: the jobs run one after another

    assert _mdgp.solve(**call) == expected


def test_a_second_thread_failing_to_start_still_gives_a_result(failing):
    call = matrix_call(threads=4, max_iters=0, time_limit=0.1)
    failing(-1, 1)

    xs, _, _, status = _mdgp.solve(**call)

    assert status == 0
    assert feasible(np.frombuffer(xs, dtype=np.int32), call["lo"], call["hi"])


@pytest.mark.parametrize("sampled", [0, 1])
def test_a_pool_where_everyone_is_fixed_keeps_them_there(sampled):
    # the sampled search once drew a random element among none (SIGFPE)
    fixed = i32(*(i % M for i in range(N)))
    call = attribute_call(
        fixed=fixed, mp_attr=None, mp_lim=None, ap_ptr=None, ap_idx=None
    )

    xs, _, _, status = _mdgp.solve(**call, sampled=sampled, use_table=1 - sampled)

    assert status == 0
    assert np.array_equal(np.frombuffer(xs, dtype=np.int32), fixed)


def test_a_vanishingly_small_time_limit_still_gives_a_result():
    # the share of the time used is clamped to [0, 1] before it scales the
    # population (no float-to-int overflow, which make test-asan checks)
    call = matrix_call(max_iters=0, time_limit=1e-300)

    xs, _, _, status = _mdgp.solve(**call)

    assert status == 0
    assert feasible(np.frombuffer(xs, dtype=np.int32), call["lo"], call["hi"])
