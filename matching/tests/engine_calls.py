"""Calls of the search core's solve(): a valid one of each kind and bad ones.

Shared by the C core's tests and the pure-Python fallback's tests, which must
refuse the same input.
"""

import math

import numpy as np

N, M = 12, 3


def matrix_call(**changes):
    rng = np.random.default_rng(7)
    d = rng.uniform(0, 10, (N, N))
    d = (d + d.T) / 2
    np.fill_diagonal(d, 0.0)
    kw = dict(
        n=N,
        m=M,
        lo=np.full(M, 4, dtype=np.int32),
        hi=np.full(M, 4, dtype=np.int32),
        D=np.ascontiguousarray(d),
        seed=1,
        max_iters=3,
        threads=2,
        pop_size=4,
    )
    kw.update(changes)
    return kw


def attribute_call(**changes):
    """Two categorical attributes (4 and 3 values), one numeric, every rule."""
    codes = np.array([[i % 4, i % 3] for i in range(N)], dtype=np.int32)
    ap_ptr = np.zeros(N + 1, dtype=np.int32)
    ap_ptr[1:] = 1  # element 0 is kept apart from element 1 (and back)
    ap_ptr[2:] = 2
    kw = dict(
        n=N,
        m=M,
        lo=np.full(M, 3, dtype=np.int32),
        hi=np.full(M, 5, dtype=np.int32),
        cat=codes,
        cat_sizes=np.array([4, 3], dtype=np.int32),
        cat_w=np.array([2.0, 1.0]),
        num=np.linspace(0, 1, N).reshape(N, 1),
        nnum=1,
        fixed=np.array([0] + [-1] * (N - 1), dtype=np.int32),
        mp_attr=np.array([1], dtype=np.int32),
        mp_lim=np.array([2], dtype=np.int32),
        ap_ptr=ap_ptr,
        ap_idx=np.array([1, 0], dtype=np.int32),
        seed=3,
        max_iters=3,
        threads=2,
        pop_size=4,
    )
    kw.update(changes)
    return kw


def feasible(x, lo, hi):
    sizes = np.bincount(x, minlength=len(lo))
    return bool(np.all((lo <= sizes) & (sizes <= hi)))


def i32(*values):
    return np.array(values, dtype=np.int32)


BAD_MATRIX_CALLS = {
    # the heap overflow of an out-of-range initial assignment
    "init group too large": dict(init=np.full(N, 7, dtype=np.int32)),
    "init group negative": dict(init=np.full(N, -1, dtype=np.int32)),
    "init overfills a group": dict(init=np.zeros(N, dtype=np.int32)),
    "init too short": dict(init=i32(0, 1, 2)),
    "init of floats": dict(init=np.zeros(N)),
    # the NULL dereference of missing bounds
    "lo None": dict(lo=None),
    "hi None": dict(hi=None),
    "lo of float64": dict(lo=np.full(M, 4.0)),
    "lo a list": dict(lo=[4, 4, 4]),
    "lo too short": dict(lo=i32(4, 4)),
    "lo above hi": dict(lo=i32(5, 4, 4)),
    "negative lo": dict(lo=i32(-1, 4, 4)),
    "bounds cannot hold n": dict(hi=i32(3, 3, 3), lo=i32(3, 3, 3)),
    "D too small": dict(D=np.zeros((N - 1, N - 1))),
    "D of int32": dict(D=np.zeros((N, N), dtype=np.int32)),
    "D with nan": dict(D=np.full((N, N), np.nan)),
    "D with inf": dict(D=np.full((N, N), np.inf)),
    "no matrix and no attributes": dict(D=None),
    "fixed out of range": dict(fixed=np.full(N, M, dtype=np.int32)),
    "fixed below -1": dict(fixed=np.full(N, -2, dtype=np.int32)),
    "more fixed than a group holds": dict(fixed=np.zeros(N, dtype=np.int32)),
    "n zero": dict(n=0),
    "m negative": dict(m=-1),
    "nan time limit": dict(time_limit=math.nan),
    "infinite time limit": dict(time_limit=math.inf),
    "negative time limit": dict(time_limit=-1.0),
    "negative iterations": dict(max_iters=-5),
    "no limit at all": dict(time_limit=0.0, max_iters=0),
    "huge population": dict(pop_size=10**9),
    "negative tuning": dict(smax=-1),
    "shared out of range": dict(shared=7),
    "num without nnum": dict(num=np.zeros(N)),
}

BAD_ATTRIBUTE_CALLS = {
    # the out-of-bounds read of a bad index in the apart lists
    "apart index past n": dict(ap_idx=i32(1, 10**6)),
    "apart index negative": dict(ap_idx=i32(1, -3)),
    "apart pointers decreasing": dict(ap_ptr=i32(0, 2, 1, *([2] * (N - 2)))),
    "apart pointers not from 0": dict(ap_ptr=np.full(N + 1, 1, dtype=np.int32)),
    "apart index without pointers": dict(ap_ptr=None),
    "apart pointers too short": dict(ap_ptr=i32(0, 1, 2)),
    "category code out of range": dict(cat=np.full((N, 2), 9, dtype=np.int32)),
    "negative category code": dict(cat=np.full((N, 2), -1, dtype=np.int32)),
    "zero categories": dict(cat_sizes=i32(0, 3)),
    "categories without sizes": dict(cat_sizes=None),
    "codes missing": dict(cat=None),
    "weights missing": dict(cat_w=None),
    "negative weight": dict(cat_w=np.array([-1.0, 1.0])),
    "nan weight": dict(cat_w=np.array([math.nan, 1.0])),
    "numbers missing": dict(num=None),
    "nan number": dict(num=np.full((N, 1), math.nan)),
    "numbers of the wrong length": dict(nnum=2),
    "negative nnum": dict(nnum=-1),
    "max-per attribute out of range": dict(mp_attr=i32(5)),
    "max-per limits missing": dict(mp_lim=None),
    "max-per limit negative": dict(mp_lim=i32(-1)),
    "max-per limits without attributes": dict(mp_attr=None),
    "init breaks apart": dict(init=i32(0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 1)),
    "init moves a fixed element": dict(init=i32(1, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2)),
    "init breaks max-per": dict(init=i32(0, 1, 2, 0, 0, 0, 0, 1, 1, 1, 2, 2)),
}
