"""Pure-Python search core: the fallback when the C extension is not built.

``solve`` takes the arguments of ``matching._mdgp.solve`` and returns the same
``(assignment bytes | None, objective, iterations, status)``, so
``form_groups`` and ``solve_mdgp`` work unchanged on a machine without a C
compiler. It keeps every hard rule (sizes, fixed elements, at most k of a
category per group, pairs kept apart) in every state it visits, like the C
core, but searches less: a randomised feasible start, then iterated local
search (first-improvement one-moves and swaps, evaluated with numpy over a
gain table; random moves and swaps from category counts for large pools)
until the time limit or the iteration budget. Results are valid and, for a
given seed and iteration budget, reproducible; they are usually somewhat less
diverse than the C core's in the same time.
"""

from __future__ import annotations

import math
import random
import time

import numpy as np

EPS = 1e-7
DENSE_LIMIT = 3000
"""Pools up to this size get an n x n matrix and a gain table."""


def _ints(name, value, length=None, required=False):
    if value is None:
        if required:
            raise TypeError(f"{name} is required (an int32 array)")
        return None
    if not isinstance(value, np.ndarray) or value.dtype != np.int32:
        raise TypeError(f"{name} must be an int32 array, like the C core's")
    arr = value
    arr = arr.astype(np.int64).reshape(-1)
    if length is not None and arr.size != length:
        raise ValueError(f"{name} must hold {length} values, got {arr.size}")
    return arr


def _floats(name, value, shape):
    if value is None:
        return None
    if not isinstance(value, np.ndarray) or value.dtype != np.float64:
        raise TypeError(f"{name} must be a float64 array, like the C core's")
    arr = value
    if arr.size != math.prod(shape):
        raise ValueError(f"{name} must hold {math.prod(shape)} values, got {arr.size}")
    arr = arr.reshape(shape)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    return arr


class _Problem:
    def __init__(self, n, m, lo, hi, D, cat, cat_sizes, cat_w, num, nnum, fixed, rules):
        self.n, self.m = n, m
        self.lo, self.hi = lo, hi
        self.cat, self.cat_w, self.num = cat, cat_w, num
        self.fixed = fixed
        self.mp_attr, self.mp_lim, self.adj = rules
        self.can_resize = bool(np.any(lo < hi))
        self.movable = [i for i in range(n) if fixed[i] < 0]
        self.offsets = np.concatenate([[0], np.cumsum(cat_sizes)[:-1]]).astype(np.int64)
        self.totcat = int(np.sum(cat_sizes)) if len(cat_sizes) else 0
        if D is None and n <= DENSE_LIMIT:
            D = np.zeros((n, n))
            for a in range(cat.shape[1]):
                D += cat_w[a] * (cat[:, a, None] != cat[None, :, a])
            for b in range(nnum):
                D += np.abs(num[:, b, None] - num[None, :, b])
        if D is not None:
            D = D.copy()
            np.fill_diagonal(D, 0.0)
        self.D = D

    def dist(self, i, j):
        if self.D is not None:
            return float(self.D[i, j])
        d = float(np.dot(self.cat_w, self.cat[i] != self.cat[j]))
        return d + float(np.abs(self.num[i] - self.num[j]).sum())


class _State:
    """An assignment with group sizes, category counts and (dense) gains."""

    def __init__(self, p: _Problem):
        self.p = p
        self.x = np.full(p.n, -1, dtype=np.int64)
        self.size = np.zeros(p.m, dtype=np.int64)
        self.cnt = np.zeros((p.m, max(1, p.totcat)), dtype=np.int64)
        self.members = [set() for _ in range(p.m)]
        self.G = np.zeros((p.n, p.m)) if p.D is not None else None
        self.f = 0.0

    def copy(self) -> _State:
        s = _State.__new__(_State)
        s.p, s.f = self.p, self.f
        s.x, s.size, s.cnt = self.x.copy(), self.size.copy(), self.cnt.copy()
        s.members = [set(g) for g in self.members]
        s.G = None if self.G is None else self.G.copy()
        return s

    def gain(self, i, g):
        """Sum of d_ij over the members j of g (i itself counts 0)."""
        p = self.p
        if self.G is not None:
            return float(self.G[i, g])
        r = 0.0
        if p.cat.shape[1]:
            codes = self.cnt[g, p.offsets + p.cat[i]]
            r += float(np.dot(p.cat_w, self.size[g] - codes))
        if p.num.shape[1] and self.members[g]:
            mem = np.fromiter(self.members[g], dtype=np.int64)
            r += float(np.abs(p.num[mem] - p.num[i]).sum())
        return r

    def add(self, i, g):
        p = self.p
        self.f += self.gain(i, g)
        self.x[i] = g
        self.size[g] += 1
        self.members[g].add(i)
        if p.totcat:
            self.cnt[g, p.offsets + p.cat[i]] += 1
        if self.G is not None:
            self.G[:, g] += p.D[i]

    def remove(self, i):
        p = self.p
        g = int(self.x[i])
        self.x[i] = -1
        self.size[g] -= 1
        self.members[g].discard(i)
        if p.totcat:
            self.cnt[g, p.offsets + p.cat[i]] -= 1
        if self.G is not None:
            self.G[:, g] -= p.D[i]
        self.f -= self.gain(i, g)

    def move(self, i, h):
        self.remove(i)
        self.add(i, h)

    def swap(self, i, j):
        g, h = int(self.x[i]), int(self.x[j])
        self.remove(i)
        self.remove(j)
        self.add(i, h)
        self.add(j, g)

    def can_join(self, i, h, leaving=-1):
        p = self.p
        for a, lim in zip(p.mp_attr, p.mp_lim, strict=True):
            c = self.cnt[h, p.offsets[a] + p.cat[i, a]]
            if leaving >= 0 and p.cat[leaving, a] == p.cat[i, a]:
                c -= 1
            if c >= lim:
                return False
        return all(q in (leaving, i) or self.x[q] != h for q in p.adj[i])

    def swap_gain(self, i, j):
        """How much swapping i and j (in different groups) raises the objective."""
        g, h = int(self.x[i]), int(self.x[j])
        return (
            self.gain(i, h)
            - self.gain(i, g)
            + self.gain(j, g)
            - self.gain(j, h)
            - 2.0 * self.p.dist(i, j)
        )

    def swap_ok(self, i, j):
        return self.can_join(i, int(self.x[j]), j) and self.can_join(
            j, int(self.x[i]), i
        )


class _Search:
    def __init__(self, p, rng, deadline, smin, smax, limit):
        self.p, self.rng, self.deadline = p, rng, deadline
        self.smin, self.smax, self.limit = smin, smax, limit

    def time_up(self):
        return self.deadline > 0 and time.monotonic() >= self.deadline

    def construct(self):
        """A random feasible assignment (greedy by gain on later attempts)."""
        p = self.p
        for attempt in range(50):
            s = _State(p)
            for i in range(p.n):
                if p.fixed[i] >= 0:
                    s.add(i, int(p.fixed[i]))
            if self._fill(s, greedy=attempt >= 25):
                return s
        return None

    def _fill(self, s, greedy):
        p, rng = self.p, self.rng
        rest = [i for i in range(p.n) if s.x[i] < 0]
        rng.shuffle(rest)
        for g in range(p.m):
            while s.size[g] < p.lo[g]:
                ranked = range(len(rest))
                if greedy and s.G is not None:
                    ranked = np.argsort(-s.G[rest, g], kind="stable").tolist()
                t = next((t for t in ranked if s.can_join(rest[t], g)), None)
                if t is None:
                    return False
                s.add(rest.pop(t), g)
        for i in rest:
            room = [g for g in range(p.m) if s.size[g] < p.hi[g]]
            if not greedy:
                rng.shuffle(room)
            elif s.G is not None:
                room.sort(key=lambda g: -s.G[i, g])
            g = next((g for g in room if s.can_join(i, g)), None)
            if g is None:
                return False
            s.add(i, g)
        return True

    def descend(self, s):
        """First-improvement one-moves and swaps until none improves."""
        p, rng = self.p, self.rng
        order = list(p.movable)
        rng.shuffle(order)
        mov = np.array(order, dtype=np.int64)
        improved = True
        while improved and not self.time_up():
            improved = False
            for i in order:
                g = int(s.x[i])
                if p.can_resize and s.size[g] > p.lo[g]:
                    gains = [(s.gain(i, h) - s.gain(i, g), h) for h in range(p.m)]
                    for d, h in sorted(gains, reverse=True):
                        if d <= EPS:
                            break
                        if h != g and s.size[h] < p.hi[h] and s.can_join(i, h):
                            s.move(i, h)
                            improved = True
                            g = h
                            break
                xs = s.x[mov]
                if s.G is not None:
                    delta = (
                        s.G[i, xs]
                        - s.G[i, g]
                        + s.G[mov, g]
                        - s.G[mov, xs]
                        - 2.0 * p.D[i, mov]
                    )
                    delta[xs == g] = -np.inf
                    for k in np.argsort(-delta):
                        if delta[k] <= EPS:
                            break
                        j = int(mov[k])
                        if s.swap_ok(i, j):
                            s.swap(i, j)
                            improved = True
                            break
                else:
                    for k in rng.sample(range(len(order)), min(len(order), 64)):
                        j = order[k]
                        h = int(s.x[j])
                        if h == g:
                            continue
                        if s.swap_gain(i, j) > EPS and s.swap_ok(i, j):
                            s.swap(i, j)
                            improved = True
                            break
                if self.time_up():
                    return

    def perturb(self, s, strength):
        p, rng = self.p, self.rng
        if len(p.movable) < 2:
            return
        done = tries = 0
        while done < strength and tries < 50 * strength:
            tries += 1
            i = rng.choice(p.movable)
            g = int(s.x[i])
            if p.can_resize and rng.random() < 0.3:
                h = rng.randrange(p.m)
                if (
                    h != g
                    and s.size[g] > p.lo[g]
                    and s.size[h] < p.hi[h]
                    and s.can_join(i, h)
                ):
                    s.move(i, h)
                    done += 1
                continue
            j = rng.choice(p.movable)
            if s.x[j] != g and s.swap_ok(i, j):
                s.swap(i, j)
                done += 1

    def ils(self, s):
        self.descend(s)
        noimp = 0
        while noimp < self.limit and not self.time_up():
            work = s.copy()
            self.perturb(work, self.rng.randint(self.smin, self.smax))
            self.descend(work)
            if work.f > s.f + EPS:
                s, noimp = work, 0
            else:
                if work.f > s.f - EPS:
                    s = work
                noimp += 1
        return s


def _load(p, init):
    s = _State(p)
    for i in range(p.n):
        s.add(i, int(init[i]))
    return s


def _check_init(p, init):
    if np.any((init < 0) | (init >= p.m)):
        raise ValueError("init: group out of range (0..m-1)")
    if np.any((p.fixed >= 0) & (p.fixed != init)):
        raise ValueError("init: a fixed element is not in its group")
    sizes = np.bincount(init, minlength=p.m)
    if np.any((sizes < p.lo) | (sizes > p.hi)):
        raise ValueError("init: a group size is out of bounds")
    for a, lim in zip(p.mp_attr, p.mp_lim, strict=True):
        for g in range(p.m):
            if len(np.nonzero(init == g)[0]) and (
                np.bincount(p.cat[init == g, a]).max() > lim
            ):
                raise ValueError("init: breaks a max-per rule")
    for i in range(p.n):
        if any(q != i and init[q] == init[i] for q in p.adj[i]):
            raise ValueError("init: two elements kept apart share a group")


def solve(
    n,
    m,
    lo,
    hi,
    D=None,
    cat=None,
    cat_sizes=None,
    cat_w=None,
    num=None,
    nnum=0,
    fixed=None,
    mp_attr=None,
    mp_lim=None,
    ap_ptr=None,
    ap_idx=None,
    init=None,
    seed=0,
    time_limit=0.0,
    max_iters=0,
    threads=1,
    pop_size=10,
    sampled=0,
    use_table=1,
    ils_limit=0,
    smin=0,
    smax=0,
    shared=-1,
    ils_limit_end=0,
):
    """Same arguments and result as ``matching._mdgp.solve`` (see its doc)."""
    start = time.monotonic()
    n, m = int(n), int(m)
    if n < 1 or m < 1:
        raise ValueError("n and m must be positive")
    if not math.isfinite(time_limit) or time_limit < 0:
        raise ValueError("time_limit must be a finite number >= 0")
    if max_iters < 0:
        raise ValueError("max_iters must be >= 0")
    if time_limit == 0 and max_iters == 0 and not sampled:
        raise ValueError("give a time_limit or max_iters, or the search never ends")
    if not 0 <= pop_size <= 100000:
        raise ValueError("pop_size must be between 0 and 100000")
    if min(ils_limit, smin, smax, ils_limit_end) < 0:
        raise ValueError("ils_limit, smin, smax and ils_limit_end must be >= 0")
    if shared not in (-1, 0, 1) or sampled not in (0, 1) or use_table not in (0, 1):
        raise ValueError("shared must be -1, 0 or 1; sampled and use_table 0 or 1")
    lo = _ints("lo", lo, m, required=True)
    hi = _ints("hi", hi, m, required=True)
    if np.any(lo < 0) or np.any(lo > hi):
        raise ValueError("bad size bounds (need 0 <= lo <= hi)")
    if lo.sum() > n or hi.sum() < n:
        raise ValueError("size bounds cannot hold n elements")
    D = _floats("D", D, (n, n))
    cat_sizes = _ints("cat_sizes", cat_sizes)
    if cat_sizes is None:
        if cat is not None or cat_w is not None:
            raise ValueError("cat and cat_w need cat_sizes")
        cat_sizes = np.zeros(0, dtype=np.int64)
    if np.any(cat_sizes < 1):
        raise ValueError("cat_sizes must all be at least 1")
    ncat = len(cat_sizes)
    cat = _ints("cat", cat, n * ncat, required=ncat > 0)
    cat = np.zeros((n, 0), np.int64) if cat is None else cat.reshape(n, ncat)
    if np.any((cat < 0) | (cat >= cat_sizes[None, :])):
        raise ValueError("category code out of range")
    cat_w = _floats("cat_w", cat_w, (ncat,))
    if ncat and cat_w is None:
        raise TypeError("cat_w is required (a float64 array)")
    cat_w = np.zeros(0) if cat_w is None else cat_w
    if np.any(cat_w < 0):
        raise ValueError("cat_w must not be negative")
    if nnum < 0 or (num is not None and nnum == 0):
        raise ValueError("num needs nnum > 0")
    num = _floats("num", num, (n, nnum))
    if nnum and num is None:
        raise TypeError("num is required (a float64 array)")
    num = np.zeros((n, 0)) if num is None else num
    if D is None and ncat == 0 and nnum == 0:
        raise ValueError("need a matrix or attributes")
    fixed = _ints("fixed", fixed, n)
    fixed = np.full(n, -1, np.int64) if fixed is None else fixed
    if np.any((fixed < -1) | (fixed >= m)):
        raise ValueError("fixed group out of range (-1 or 0..m-1)")
    if np.any(np.bincount(fixed[fixed >= 0], minlength=m) > hi):
        raise ValueError("more fixed elements in a group than it holds")
    mp_attr = _ints("mp_attr", mp_attr)
    mp_attr = np.zeros(0, np.int64) if mp_attr is None else mp_attr
    mp_lim = _ints("mp_lim", mp_lim, len(mp_attr), required=len(mp_attr) > 0)
    mp_lim = np.zeros(0, np.int64) if mp_lim is None else mp_lim
    if np.any((mp_attr < 0) | (mp_attr >= ncat)) or np.any(mp_lim < 0):
        raise ValueError("max-per attribute or limit out of range")
    adj: list[list[int]] = [[] for _ in range(n)]
    ap_ptr = _ints("ap_ptr", ap_ptr, n + 1)
    if ap_ptr is not None:
        if ap_ptr[0] != 0 or np.any(np.diff(ap_ptr) < 0):
            raise ValueError("ap_ptr must start at 0 and not decrease")
        ap_idx = _ints("ap_idx", ap_idx, int(ap_ptr[n]), required=ap_ptr[n] > 0)
        if ap_idx is not None and np.any((ap_idx < 0) | (ap_idx >= n)):
            raise ValueError("ap_idx holds an element out of range")
        for i in range(n):
            adj[i] = [int(q) for q in ap_idx[ap_ptr[i] : ap_ptr[i + 1]]]
    elif ap_idx is not None:
        raise ValueError("ap_idx needs ap_ptr")
    p = _Problem(
        n,
        m,
        lo,
        hi,
        D,
        cat,
        cat_sizes,
        cat_w,
        num,
        nnum,
        fixed,
        (mp_attr.tolist(), mp_lim.tolist(), adj),
    )
    init = _ints("init", init, n)
    if init is not None:
        _check_init(p, init)

    rng = random.Random(int(seed) & 0xFFFFFFFFFFFFFFFF)
    deadline = start + time_limit if time_limit > 0 else 0.0
    smin = smin or 2
    smax = max(smin, smax or (10 if n < 400 else 12))
    search = _Search(p, rng, deadline, smin, smax, ils_limit or 10)
    if init is not None:
        best = _load(p, init)
    else:
        best = search.construct()
        if best is None:
            return None, 0.0, 0, 1
    if sampled and p.D is None:
        return _sampled(search, best, max_iters)
    best = search.ils(best)
    gens = 0
    while not search.time_up() and (max_iters == 0 or gens < max_iters):
        if deadline == 0 and max_iters == 0:
            break
        gens += 1
        child = best.copy()
        search.perturb(child, 2 * smax)
        child = search.ils(child)
        if child.f > best.f - EPS:
            best = child
    return _result(best, gens)


def _sampled(search, s, budget):
    """Random one-moves and swaps from counts, for pools too large for a matrix."""
    p, rng = search.p, search.rng
    it = since = 0
    stall = 200 * max(1, len(p.movable))
    while since <= stall and (budget == 0 or it < budget) and len(p.movable) > 1:
        if it % 64 == 0 and search.time_up():
            break
        it += 1
        since += 1
        i = rng.choice(p.movable)
        g = int(s.x[i])
        if p.can_resize and s.size[g] > p.lo[g]:
            h = rng.randrange(p.m)
            if (
                h != g
                and s.size[h] < p.hi[h]
                and s.gain(i, h) - s.gain(i, g) > EPS
                and s.can_join(i, h)
            ):
                s.move(i, h)
                since = 0
                continue
        j = rng.choice(p.movable)
        h = int(s.x[j])
        if h == g:
            continue
        if s.swap_gain(i, j) > EPS and s.swap_ok(i, j):
            s.swap(i, j)
            since = 0
    return _result(s, it)


def _result(s, iterations):
    x = s.x.astype(np.int32)
    return x.tobytes(), float(s.f), int(iterations), 0
