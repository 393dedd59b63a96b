/*
 * Search core for the Maximally Diverse Grouping Problem (see matching/mdgp.py
 * for the algorithm description).  One core serves two representations of the
 * diversity d_ij:
 *
 *   - a dense matrix D (MDGPLIB instances, small pools), and
 *   - attributes: categorical codes with weights and pre-scaled numeric values,
 *     d_ij = sum_a w_a [c_ia != c_ja] + sum_b |v_ib - v_jb|.
 *
 * The search only needs gain(i, g) = sum_{j in g} d_ij and dist(i, j).  When
 * n*m is small a gain table G[i*m + g] is maintained (updated in O(n) per
 * move); otherwise gain(i, g) is computed from per-group category counts and
 * the (small) member lists of the group.  Hard constraints (fixed elements,
 * at most k per category per group, pairs kept apart) are checked before any
 * move or swap is generated, so every state the search visits is feasible.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EPS 1e-7

/* ------------------------------------------------------------------ */
/* Checked allocation.  Every allocation goes through these; a test-only
 * countdown (set by _debug_fail_after) makes the k-th one fail, so the
 * tests can drive every out-of-memory path.  Likewise for pthread_create. */

static long fail_alloc_after = -1;   /* -1: never fail */
static long fail_thread_after = -1;
static pthread_mutex_t fail_mu = PTHREAD_MUTEX_INITIALIZER;

static int injected_failure(long *counter) {
    int fail = 0;
    pthread_mutex_lock(&fail_mu);
    if (*counter == 0)
        fail = 1;
    else if (*counter > 0)
        (*counter)--;
    pthread_mutex_unlock(&fail_mu);
    return fail;
}

static void *xmalloc(size_t count, size_t size) {
    if (count == 0) count = 1;
    if (size != 0 && count > SIZE_MAX / size) return NULL;
    if (injected_failure(&fail_alloc_after)) return NULL;
    return malloc(count * size);
}

static void *xcalloc(size_t count, size_t size) {
    if (count == 0) count = 1;
    if (injected_failure(&fail_alloc_after)) return NULL;
    return calloc(count, size);
}

static int xthread_create(pthread_t *t, void *(*fn)(void *), void *arg) {
    if (injected_failure(&fail_thread_after)) return -1;
    return pthread_create(t, NULL, fn, arg);
}

/* ------------------------------------------------------------------ */
/* Random numbers: splitmix64 seeding, xoshiro-like xorshift64*        */

typedef struct {
    uint64_t s;
} Rng;

static uint64_t splitmix(uint64_t *x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void rng_seed(Rng *r, uint64_t seed) {
    uint64_t x = seed;
    r->s = splitmix(&x) | 1ULL;
}

static inline uint64_t rng_next(Rng *r) {
    uint64_t x = r->s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static inline int rng_int(Rng *r, int n) { return (int)((rng_next(r) >> 33) % (uint64_t)n); }

static inline double rng_unit(Rng *r) { return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0); }

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* ------------------------------------------------------------------ */
/* Problem                                                             */

typedef struct {
    int n, m, cap;           /* cap: member slots per group (max b + 1) */
    const int *lo, *hi;
    const double *D;         /* n*n or NULL */
    int ncat, totcat;
    const int *cat;          /* n*ncat codes */
    int *catoff;             /* ncat offsets into a group's count block */
    const double *cw;        /* ncat weights */
    int nnum;
    const double *num;       /* n*nnum values, already multiplied by w/range */
    const int *fixed;        /* n: -1 or the group */
    int nmp;
    const int *mp_attr, *mp_lim;
    const int *ap_ptr, *ap_idx; /* CSR adjacency of apart pairs, may be NULL */
    int has_maxper, has_apart, has_fixed;
    int use_table;
    int can_resize;          /* some lo[g] < hi[g] */
    int *movable;            /* list of non-fixed elements */
    int nmov;
} Problem;

typedef struct {
    int *x;      /* n, -1 = unassigned */
    int *size;   /* m */
    int *mem;    /* m*cap */
    int *pos;    /* n */
    int *cnt;    /* m*totcat */
    double *G;   /* n*m or NULL */
    double f;
} State;

static int state_alloc(const Problem *p, State *s) {
    memset(s, 0, sizeof(*s));
    s->x = xmalloc((size_t)p->n, sizeof(int));
    s->size = xcalloc((size_t)p->m, sizeof(int));
    s->mem = xmalloc((size_t)p->m * (size_t)p->cap, sizeof(int));
    s->pos = xmalloc((size_t)p->n, sizeof(int));
    s->cnt = xcalloc((size_t)p->m * (size_t)(p->totcat > 0 ? p->totcat : 1), sizeof(int));
    if (p->use_table) s->G = xcalloc((size_t)p->n * (size_t)p->m, sizeof(double));
    if (!s->x || !s->size || !s->mem || !s->pos || !s->cnt || (p->use_table && !s->G)) return -1;
    for (int i = 0; i < p->n; i++) s->x[i] = -1;
    s->f = 0.0;
    return 0;
}

static void state_free(State *s) {
    free(s->x);
    free(s->size);
    free(s->mem);
    free(s->pos);
    free(s->cnt);
    free(s->G);
    memset(s, 0, sizeof(*s));
}

static void state_clear(const Problem *p, State *s) {
    for (int i = 0; i < p->n; i++) s->x[i] = -1;
    memset(s->size, 0, sizeof(int) * (size_t)p->m);
    memset(s->cnt, 0, sizeof(int) * (size_t)p->m * (size_t)(p->totcat > 0 ? p->totcat : 1));
    if (s->G) memset(s->G, 0, sizeof(double) * (size_t)p->n * (size_t)p->m);
    s->f = 0.0;
}

static void state_copy(const Problem *p, State *d, const State *s) {
    memcpy(d->x, s->x, sizeof(int) * (size_t)p->n);
    memcpy(d->size, s->size, sizeof(int) * (size_t)p->m);
    memcpy(d->mem, s->mem, sizeof(int) * (size_t)p->m * (size_t)p->cap);
    memcpy(d->pos, s->pos, sizeof(int) * (size_t)p->n);
    memcpy(d->cnt, s->cnt, sizeof(int) * (size_t)p->m * (size_t)(p->totcat > 0 ? p->totcat : 1));
    if (s->G) memcpy(d->G, s->G, sizeof(double) * (size_t)p->n * (size_t)p->m);
    d->f = s->f;
}

static inline double dist(const Problem *p, int i, int j) {
    if (p->D) return p->D[(size_t)i * (size_t)p->n + (size_t)j];
    double d = 0.0;
    const int *ci = p->cat + (size_t)i * p->ncat, *cj = p->cat + (size_t)j * p->ncat;
    for (int a = 0; a < p->ncat; a++)
        if (ci[a] != cj[a]) d += p->cw[a];
    const double *vi = p->num + (size_t)i * p->nnum, *vj = p->num + (size_t)j * p->nnum;
    for (int b = 0; b < p->nnum; b++) d += fabs(vi[b] - vj[b]);
    return d;
}

/* sum_{j in g} d_ij (i itself contributes 0 if it is in g) */
static inline double gain(const Problem *p, const State *s, int i, int g) {
    if (s->G) return s->G[(size_t)i * p->m + g];
    double r = 0.0;
    const int *ci = p->cat + (size_t)i * p->ncat;
    const int *cg = s->cnt + (size_t)g * p->totcat;
    int sz = s->size[g];
    for (int a = 0; a < p->ncat; a++) r += p->cw[a] * (double)(sz - cg[p->catoff[a] + ci[a]]);
    if (p->nnum) {
        const int *mg = s->mem + (size_t)g * p->cap;
        const double *vi = p->num + (size_t)i * p->nnum;
        for (int k = 0; k < sz; k++) {
            const double *vk = p->num + (size_t)mg[k] * p->nnum;
            for (int b = 0; b < p->nnum; b++) r += fabs(vi[b] - vk[b]);
        }
    }
    return r;
}

static void state_add(const Problem *p, State *s, int i, int g) {
    s->f += gain(p, s, i, g);
    s->x[i] = g;
    s->pos[i] = s->size[g];
    s->mem[(size_t)g * p->cap + s->size[g]] = i;
    s->size[g]++;
    if (p->totcat) {
        int *cg = s->cnt + (size_t)g * p->totcat;
        const int *ci = p->cat + (size_t)i * p->ncat;
        for (int a = 0; a < p->ncat; a++) cg[p->catoff[a] + ci[a]]++;
    }
    if (s->G) {
        int n = p->n, m = p->m;
        double *G = s->G;
        if (p->D) {
            const double *Di = p->D + (size_t)i * n;
            for (int k = 0; k < n; k++) G[(size_t)k * m + g] += Di[k];
        } else {
            for (int k = 0; k < n; k++) G[(size_t)k * m + g] += dist(p, i, k);
        }
    }
}

static void state_remove(const Problem *p, State *s, int i) {
    int g = s->x[i];
    int *mg = s->mem + (size_t)g * p->cap;
    int last = mg[s->size[g] - 1];
    mg[s->pos[i]] = last;
    s->pos[last] = s->pos[i];
    s->size[g]--;
    s->x[i] = -1;
    if (p->totcat) {
        int *cg = s->cnt + (size_t)g * p->totcat;
        const int *ci = p->cat + (size_t)i * p->ncat;
        for (int a = 0; a < p->ncat; a++) cg[p->catoff[a] + ci[a]]--;
    }
    if (s->G) {
        int n = p->n, m = p->m;
        double *G = s->G;
        if (p->D) {
            const double *Di = p->D + (size_t)i * n;
            for (int k = 0; k < n; k++) G[(size_t)k * m + g] -= Di[k];
        } else {
            for (int k = 0; k < n; k++) G[(size_t)k * m + g] -= dist(p, i, k);
        }
    }
    s->f -= gain(p, s, i, g);
}

static inline void state_move(const Problem *p, State *s, int i, int h) {
    state_remove(p, s, i);
    state_add(p, s, i, h);
}

static inline void state_swap(const Problem *p, State *s, int i, int j) {
    int g = s->x[i], h = s->x[j];
    state_remove(p, s, i);
    state_remove(p, s, j);
    state_add(p, s, i, h);
    state_add(p, s, j, g);
}

/* May element i join group h (with element `leaving` leaving h, or -1)? Only
 * the max-per and apart rules are checked here; sizes and fixed elements are
 * the caller's business. */
static int can_join(const Problem *p, const State *s, int i, int h, int leaving) {
    if (p->has_maxper) {
        const int *ci = p->cat + (size_t)i * p->ncat;
        const int *ch = s->cnt + (size_t)h * p->totcat;
        for (int r = 0; r < p->nmp; r++) {
            int a = p->mp_attr[r];
            int c = ch[p->catoff[a] + ci[a]];
            if (leaving >= 0 && p->cat[(size_t)leaving * p->ncat + a] == ci[a]) c--;
            if (c >= p->mp_lim[r]) return 0;
        }
    }
    if (p->has_apart) {
        for (int t = p->ap_ptr[i]; t < p->ap_ptr[i + 1]; t++) {
            int q = p->ap_idx[t];
            if (q != leaving && q != i && s->x[q] == h) return 0;
        }
    }
    return 1;
}

static inline int swap_ok(const Problem *p, const State *s, int i, int j) {
    if (!p->has_maxper && !p->has_apart) return 1;
    return can_join(p, s, i, s->x[j], j) && can_join(p, s, j, s->x[i], i);
}

/* ------------------------------------------------------------------ */
/* Search context (one per thread)                                     */

typedef struct {
    const Problem *p;
    Rng rng;
    double deadline;
    long long max_iters;  /* generations; 0 = time only */
    long long iters;
    int stop;
    int *perm;            /* scratch, n */
    int *tmp;             /* scratch, n */
    int *tmp2;            /* scratch, m */
    long long checks;
} Ctx;

static inline int time_up(Ctx *c) {
    if (c->stop) return 1;
    if (c->deadline > 0 && (++c->checks & 63) == 0 && now_s() >= c->deadline) c->stop = 1;
    return c->stop;
}

static void shuffle(Rng *r, int *a, int n) {
    for (int i = n - 1; i > 0; i--) {
        int j = rng_int(r, i + 1);
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

/* Fill the unassigned elements of s (x = -1) into groups.  greedy = 1 puts
 * each into the allowed group of best gain, greedy = 0 into a random allowed
 * group.  Lower bounds are served first.  Returns 0 on success. */
static int fill(Ctx *c, State *s, int greedy) {
    const Problem *p = c->p;
    int n = p->n, m = p->m;
    int R = 0;
    for (int i = 0; i < n; i++)
        if (s->x[i] < 0) c->tmp[R++] = i;
    long long deficit = 0;
    for (int g = 0; g < m; g++)
        if (s->size[g] < p->lo[g]) deficit += p->lo[g] - s->size[g];
    /* too few left to reach the lower bounds: release movable elements from
     * groups above their lower bound */
    int guard = 0;
    while (deficit > R && guard < 10 * n) {
        guard++;
        int g = rng_int(&c->rng, m);
        if (s->size[g] <= p->lo[g]) continue;
        int k = s->mem[(size_t)g * p->cap + rng_int(&c->rng, s->size[g])];
        if (p->fixed[k] >= 0) continue;
        state_remove(p, s, k);
        c->tmp[R++] = k;
    }
    if (deficit > R) return -1;
    shuffle(&c->rng, c->tmp, R);
    /* phase 1: lower bounds */
    for (int g0 = 0; g0 < m; g0++) {
        int g = g0;
        while (s->size[g] < p->lo[g]) {
            int best = -1;
            double bv = -1e300;
            for (int t = 0; t < R; t++) {
                int i = c->tmp[t];
                if (!can_join(p, s, i, g, -1)) continue;
                double v = greedy ? gain(p, s, i, g) : rng_unit(&c->rng);
                if (v > bv) {
                    bv = v;
                    best = t;
                }
                if (!greedy) break;
            }
            if (best < 0) return -1;
            int i = c->tmp[best];
            c->tmp[best] = c->tmp[--R];
            state_add(p, s, i, g);
        }
    }
    /* phase 2: the rest */
    for (int t = 0; t < R; t++) {
        int i = c->tmp[t];
        int best = -1;
        double bv = -1e300;
        for (int g = 0; g < m; g++) {
            if (s->size[g] >= p->hi[g]) continue;
            if (!can_join(p, s, i, g, -1)) continue;
            double v = greedy ? gain(p, s, i, g) : rng_unit(&c->rng);
            if (v > bv) {
                bv = v;
                best = g;
            }
        }
        if (best < 0) return -1;
        state_add(p, s, i, best);
    }
    return 0;
}

static void place_fixed(const Problem *p, State *s) {
    if (!p->has_fixed) return;
    for (int i = 0; i < p->n; i++)
        if (p->fixed[i] >= 0) state_add(p, s, i, p->fixed[i]);
}

static int construct_random(Ctx *c, State *s) {
    for (int attempt = 0; attempt < 50; attempt++) {
        state_clear(c->p, s);
        place_fixed(c->p, s);
        if (fill(c, s, attempt >= 25) == 0) return 0;
    }
    return -1;
}

/* ------------------------------------------------------------------ */
/* Local search: one-moves and swaps, first improvement, full scan      */

static int ls_full(Ctx *c, State *s) {
    const Problem *p = c->p;
    int n = p->n, m = p->m;
    int nm = p->nmov;
    int *order = c->perm;
    memcpy(order, p->movable, sizeof(int) * (size_t)nm);
    shuffle(&c->rng, order, nm);
    int any = 0;
    int improved = 1;
    while (improved) {
        improved = 0;
        if (time_up(c)) break;
        if (p->can_resize) {
            for (int t = 0; t < nm; t++) {
                int i = order[t];
                int g = s->x[i];
                if (s->size[g] <= p->lo[g]) continue;
                double gi = gain(p, s, i, g);
                int bh = -1;
                double bd = EPS;
                for (int h = 0; h < m; h++) {
                    if (h == g || s->size[h] >= p->hi[h]) continue;
                    double d = gain(p, s, i, h) - gi;
                    if (d > bd && can_join(p, s, i, h, -1)) {
                        bd = d;
                        bh = h;
                    }
                }
                if (bh >= 0) {
                    state_move(p, s, i, bh);
                    improved = 1;
                }
            }
        }
        if (s->G && p->D && !p->has_maxper && !p->has_apart) {
            /* fast path: matrix, table, no pair rules */
            const double *G = s->G;
            for (int t = 0; t < nm; t++) {
                int i = order[t];
                int g = s->x[i];
                const double *Gi = G + (size_t)i * m;
                const double *Di = p->D + (size_t)i * n;
                double gig = Gi[g];
                for (int u = t + 1; u < nm; u++) {
                    int j = order[u];
                    int h = s->x[j];
                    if (h == g) continue;
                    const double *Gj = G + (size_t)j * m;
                    double d = Gi[h] - gig + Gj[g] - Gj[h] - 2.0 * Di[j];
                    if (d > EPS) {
                        state_swap(p, s, i, j);
                        improved = 1;
                        g = h;
                        gig = Gi[g];
                    }
                }
                if ((t & 31) == 0 && time_up(c)) break;
            }
        } else {
            for (int t = 0; t < nm; t++) {
                int i = order[t];
                int g = s->x[i];
                double gig = gain(p, s, i, g);
                for (int u = t + 1; u < nm; u++) {
                    int j = order[u];
                    int h = s->x[j];
                    if (h == g) continue;
                    double d = gain(p, s, i, h) - gig + gain(p, s, j, g) - gain(p, s, j, h) -
                               2.0 * dist(p, i, j);
                    if (d > EPS && swap_ok(p, s, i, j)) {
                        state_swap(p, s, i, j);
                        improved = 1;
                        g = h;
                        gig = gain(p, s, i, g);
                    }
                }
                if ((t & 31) == 0 && time_up(c)) break;
            }
        }
        if (improved) any = 1;
    }
    return any;
}

/* Random feasible perturbation: `strength` random swaps (and one-moves when
 * sizes allow).  Returns the number of changes made. */
static int perturb(Ctx *c, State *s, int strength) {
    const Problem *p = c->p;
    int done = 0;
    if (p->nmov < 2) return 0;
    for (int tries = 0; done < strength && tries < 50 * strength; tries++) {
        int i = p->movable[rng_int(&c->rng, p->nmov)];
        int g = s->x[i];
        if (p->can_resize && rng_unit(&c->rng) < 0.3) {
            int h = rng_int(&c->rng, p->m);
            if (h == g || s->size[g] <= p->lo[g] || s->size[h] >= p->hi[h]) continue;
            if (!can_join(p, s, i, h, -1)) continue;
            state_move(p, s, i, h);
            done++;
            continue;
        }
        int j = p->movable[rng_int(&c->rng, p->nmov)];
        if (s->x[j] == g) continue;
        if (!swap_ok(p, s, i, j)) continue;
        state_swap(p, s, i, j);
        done++;
    }
    return done;
}

/* Iterated local search on s: perturb, descend, keep if not worse.  Ends after
 * `limit` consecutive non-improving rounds.  s holds the best at the end. */
static void ils(Ctx *c, State *s, State *work, int limit, int smin, int smax) {
    ls_full(c, s);
    state_copy(c->p, work, s);
    int noimp = 0;
    while (noimp < limit && !time_up(c)) {
        int strength = smin + (smax > smin ? rng_int(&c->rng, smax - smin + 1) : 0);
        perturb(c, work, strength);
        ls_full(c, work);
        if (work->f > s->f + EPS) {
            state_copy(c->p, s, work);
            noimp = 0;
        } else {
            if (work->f > s->f - EPS)
                state_copy(c->p, s, work); /* sideways step */
            else
                state_copy(c->p, work, s);
            noimp++;
        }
    }
}

/* Group-based crossover: alternately take the parent group with the most
 * still-unassigned elements, then fill the rest greedily. */
static int crossover(Ctx *c, State *child, const State *A, const State *B) {
    const Problem *p = c->p;
    int m = p->m;
    state_clear(p, child);
    place_fixed(p, child);
    int *used = c->tmp2;
    memset(used, 0, sizeof(int) * (size_t)m);
    for (int step = 0; step < m; step++) {
        const State *P = (step & 1) ? B : A;
        int bg = -1, bc = -1;
        for (int g = 0; g < m; g++) {
            if (used[g]) continue;
            int cntu = 0;
            const int *mg = P->mem + (size_t)g * p->cap;
            for (int k = 0; k < P->size[g]; k++)
                if (child->x[mg[k]] < 0) cntu++;
            int key = cntu * 64 + rng_int(&c->rng, 64);
            if (key > bc) {
                bc = key;
                bg = g;
            }
        }
        used[bg] = 1;
        const int *mg = P->mem + (size_t)bg * p->cap;
        for (int k = 0; k < P->size[bg]; k++) {
            int i = mg[k];
            if (child->x[i] < 0) state_add(p, child, i, bg);
        }
    }
    return fill(c, child, 1);
}

/* ------------------------------------------------------------------ */
/* Sampled local search for very large pools                            */

static void ls_sampled(Ctx *c, State *s, long long budget) {
    const Problem *p = c->p;
    long long it = 0;
    long long since = 0;
    long long stall = (long long)p->nmov * 200;
    c->iters = 0;
    if (p->nmov < 1) return; /* everyone fixed: nothing to move */
    while (!time_up(c)) {
        if (budget > 0 && it >= budget) break;
        if (since > stall) break;
        it++;
        since++;
        int i = p->movable[rng_int(&c->rng, p->nmov)];
        int g = s->x[i];
        if (p->can_resize && s->size[g] > p->lo[g]) {
            int h = rng_int(&c->rng, p->m);
            if (h != g && s->size[h] < p->hi[h]) {
                double d = gain(p, s, i, h) - gain(p, s, i, g);
                if (d > EPS && can_join(p, s, i, h, -1)) {
                    state_move(p, s, i, h);
                    since = 0;
                    continue;
                }
            }
        }
        int j = p->movable[rng_int(&c->rng, p->nmov)];
        int h = s->x[j];
        if (h == g) continue;
        double d = gain(p, s, i, h) - gain(p, s, i, g) + gain(p, s, j, g) - gain(p, s, j, h) -
                   2.0 * dist(p, i, j);
        if (d > EPS && swap_ok(p, s, i, j)) {
            state_swap(p, s, i, j);
            since = 0;
        }
    }
    c->iters = it;
}

/* ------------------------------------------------------------------ */
/* Memetic search: a population shared by one or more threads            */

typedef struct {
    State *pop;      /* P slots, the first `cnt` hold individuals */
    int P, cnt, cap; /* cap: current allowed size (shrinks over time) */
    int next_init;   /* initial individuals claimed so far */
    State best;
    int has_best;
    long long gens;
    pthread_mutex_t mu;
    int mu_ok;       /* mu was initialised */
} Pool;

typedef struct {
    const Problem *p;
    Pool *pool;
    uint64_t seed;
    double deadline;
    double t_start;
    long long max_iters;
    const int *init; /* may be NULL */
    int sampled;
    int L, smin, smax, L_end;
    /* out (sampled mode) */
    int *best_x;
    double best_f;
    long long gens;
    int status;  /* 0 done, 1 no feasible start, -1 out of memory */
    int started; /* ran in a thread of its own */
} Job;

static void load_init(const Problem *p, State *s, const int *init) {
    state_clear(p, s);
    for (int i = 0; i < p->n; i++) state_add(p, s, i, init[i]);
}

/* Put an improved individual into the pool (caller holds the lock). */
static void pool_offer(const Problem *p, Pool *pool, const State *s) {
    if (!pool->has_best || s->f > pool->best.f + EPS) {
        state_copy(p, &pool->best, s);
        pool->has_best = 1;
    }
    if (pool->cnt < pool->cap) {
        state_copy(p, &pool->pop[pool->cnt++], s);
        return;
    }
    int w = 0;
    for (int k = 0; k < pool->cnt; k++) {
        if (fabs(pool->pop[k].f - s->f) < EPS) return; /* duplicate value */
        if (pool->pop[k].f < pool->pop[w].f) w = k;
    }
    if (s->f > pool->pop[w].f) state_copy(p, &pool->pop[w], s);
}

static void pool_shrink(Pool *pool, int want) {
    if (want < 2) want = 2;
    while (pool->cap > want) {
        if (pool->cnt == pool->cap) {
            int w = 0;
            for (int k = 1; k < pool->cnt; k++)
                if (pool->pop[k].f < pool->pop[w].f) w = k;
            State t = pool->pop[w];
            pool->pop[w] = pool->pop[pool->cnt - 1];
            pool->pop[pool->cnt - 1] = t;
            pool->cnt--;
        }
        pool->cap--;
    }
}

static void *run_job(void *arg) {
    Job *job = (Job *)arg;
    const Problem *p = job->p;
    Pool *pool = job->pool;
    Ctx c;
    memset(&c, 0, sizeof(c));
    c.p = p;
    rng_seed(&c.rng, job->seed);
    c.deadline = job->deadline;
    c.max_iters = job->max_iters;
    /* status -1 (the value left on any early exit) means out of memory */
    job->status = -1;
    job->gens = 0;
    State work, child, pa, pb;
    memset(&pa, 0, sizeof(pa));
    memset(&pb, 0, sizeof(pb));
    memset(&work, 0, sizeof(work));
    memset(&child, 0, sizeof(child));
    c.perm = xmalloc((size_t)p->n, sizeof(int));
    c.tmp = xmalloc((size_t)p->n, sizeof(int));
    c.tmp2 = xmalloc((size_t)p->m, sizeof(int));
    if (!c.perm || !c.tmp || !c.tmp2) goto out;
    if (state_alloc(p, &child)) goto out;

    if (job->sampled) {
        if (job->init)
            load_init(p, &child, job->init);
        else if (construct_random(&c, &child)) {
            job->status = 1;
            goto out;
        }
        ls_sampled(&c, &child, job->max_iters);
        job->gens = c.iters;
        memcpy(job->best_x, child.x, sizeof(int) * (size_t)p->n);
        job->best_f = child.f;
        job->status = 0;
        goto out;
    }
    if (state_alloc(p, &work) || state_alloc(p, &pa) || state_alloc(p, &pb)) goto out;

    int n = p->n;
    int smin = 2, smax = n < 400 ? 10 : 12;
    int L = 10;
    if (job->L > 0) L = job->L;
    if (job->smin > 0) smin = job->smin;
    if (job->smax > 0) smax = job->smax;
    if (smax < smin) smax = smin;
    int L_end = job->L_end > 0 ? job->L_end : L;

    /* initial individuals: claimed one at a time from the pool */
    for (;;) {
        pthread_mutex_lock(&pool->mu);
        int k = pool->next_init < pool->P ? pool->next_init++ : -1;
        pthread_mutex_unlock(&pool->mu);
        if (k < 0 || c.stop) break;
        if (k == 0 && job->init)
            load_init(p, &child, job->init);
        else if (construct_random(&c, &child)) {
            if (!job->init) {
                job->status = 1;
                goto out;
            }
            load_init(p, &child, job->init);
        }
        ils(&c, &child, &work, L, smin, smax);
        pthread_mutex_lock(&pool->mu);
        pool_offer(p, pool, &child);
        pthread_mutex_unlock(&pool->mu);
    }
    while (!c.stop) {
        pthread_mutex_lock(&pool->mu);
        if (job->max_iters > 0 && pool->gens >= job->max_iters) {
            pthread_mutex_unlock(&pool->mu);
            break;
        }
        pool->gens++;
        /* the population shrinks linearly with the elapsed fraction of time */
        int L_now = L;
        if (job->deadline > 0) {
            double frac = (now_s() - job->t_start) / (job->deadline - job->t_start);
            if (!(frac >= 0.0)) frac = 0.0; /* also NaN */
            if (frac > 1.0) frac = 1.0;
            pool_shrink(pool, pool->P - (int)((double)(pool->P - 2) * frac));
            if (L_end > L) L_now = L + (int)((double)(L_end - L) * frac);
        }
        int cnt = pool->cnt;
        int a = -1, b = -1;
        if (cnt >= 2) {
            a = rng_int(&c.rng, cnt);
            b = rng_int(&c.rng, cnt - 1);
            if (b >= a) b++;
            state_copy(p, &pa, &pool->pop[a]);
            state_copy(p, &pb, &pool->pop[b]);
        } else if (cnt == 1) {
            state_copy(p, &pa, &pool->pop[0]);
        }
        pthread_mutex_unlock(&pool->mu);
        if (cnt >= 2) {
            if (crossover(&c, &child, &pa, &pb)) {
                state_copy(p, &child, &pa);
                perturb(&c, &child, smax * 2);
            }
        } else if (cnt == 1) {
            state_copy(p, &child, &pa);
            perturb(&c, &child, smax * 2);
        } else if (construct_random(&c, &child)) {
            continue;
        }
        ils(&c, &child, &work, L_now, smin, smax);
        pthread_mutex_lock(&pool->mu);
        pool_offer(p, pool, &child);
        pthread_mutex_unlock(&pool->mu);
    }
    job->status = 0;
out:
    state_free(&work);
    state_free(&child);
    state_free(&pa);
    state_free(&pb);
    free(c.perm);
    free(c.tmp);
    free(c.tmp2);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Python binding                                                       */
/*                                                                      */
/* The entry point trusts nothing: every array's type, length and every  */
/* index or bound in it is checked before the search sees it, so a bad   */
/* call raises TypeError/ValueError/MemoryError instead of corrupting     */
/* memory.                                                               */

#define MAX_VIEWS 16
#define MAX_ATTRS 1000000

typedef struct {
    Py_buffer views[MAX_VIEWS];
    int nviews;
} Bufs;

static int little_endian(void) {
    const uint16_t one = 1;
    return *(const unsigned char *)&one == 1;
}

/* Does the buffer hold native int32 ('i') or float64 ('d') values? */
static int buf_kind_ok(const Py_buffer *v, char kind) {
    const char *f = v->format ? v->format : "B";
    if (*f == '@' || *f == '=' || (*f == '<' && little_endian()) || (*f == '>' && !little_endian()))
        f++;
    if (kind == 'i')
        return v->itemsize == 4 &&
               (strcmp(f, "i") == 0 || (sizeof(long) == 4 && strcmp(f, "l") == 0));
    return v->itemsize == 8 && strcmp(f, "d") == 0;
}

/* Borrow the buffer of `o` (int32 if kind 'i', float64 if 'd').  None gives
 * NULL, or a TypeError if `required`.  count >= 0: the number of values it
 * must hold; count < 0: any number, stored in *got. */
static int get_buf(Bufs *b, PyObject *o, const char *name, char kind, Py_ssize_t count,
                   int required, const void **out, Py_ssize_t *got) {
    const char *what = kind == 'i' ? "int32" : "float64";
    *out = NULL;
    if (got) *got = 0;
    if (o == Py_None) {
        if (required) {
            PyErr_Format(PyExc_TypeError, "%s is required (a C-contiguous %s array)", name, what);
            return -1;
        }
        return 0;
    }
    if (b->nviews >= MAX_VIEWS) {
        PyErr_SetString(PyExc_RuntimeError, "too many arrays");
        return -1;
    }
    Py_buffer *v = &b->views[b->nviews];
    if (PyObject_GetBuffer(o, v, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "%s must be a C-contiguous %s array, not %.100s", name,
                     what, Py_TYPE(o)->tp_name);
        return -1;
    }
    b->nviews++;
    if (!buf_kind_ok(v, kind)) {
        PyErr_Format(PyExc_TypeError, "%s must hold %s values, not format '%s'", name, what,
                     v->format ? v->format : "B");
        return -1;
    }
    Py_ssize_t len = v->len / v->itemsize;
    if (count >= 0 && len != count) {
        PyErr_Format(PyExc_ValueError, "%s must hold %zd values, got %zd", name, count, len);
        return -1;
    }
    if (got) *got = len;
    *out = v->buf;
    return 0;
}

static int all_finite(const double *a, size_t k) {
    for (size_t i = 0; i < k; i++)
        if (!isfinite(a[i])) return 0;
    return 1;
}

static int fail(PyObject *type, const char *msg) {
    PyErr_SetString(type, msg);
    return -1;
}

/* The checks that need the Problem assembled: rules and the initial
 * assignment.  Returns 0 or -1 with an exception set. */
static int check_problem(const Problem *p, const int *cat_sizes, const int *init) {
    int n = p->n, m = p->m;
    for (int a = 0; a < p->ncat; a++)
        if (cat_sizes[a] < 1) return fail(PyExc_ValueError, "cat_sizes must all be at least 1");
    for (int i = 0; i < n && p->cat; i++)
        for (int a = 0; a < p->ncat; a++) {
            int v = p->cat[(size_t)i * p->ncat + a];
            if (v < 0 || v >= cat_sizes[a])
                return fail(PyExc_ValueError, "category code out of range");
        }
    if (p->cw && !all_finite(p->cw, (size_t)p->ncat))
        return fail(PyExc_ValueError, "cat_w must be finite");
    for (int a = 0; a < p->ncat; a++)
        if (p->cw[a] < 0) return fail(PyExc_ValueError, "cat_w must not be negative");
    if (p->num && !all_finite(p->num, (size_t)n * (size_t)p->nnum))
        return fail(PyExc_ValueError, "num must be finite");
    if (p->D && !all_finite(p->D, (size_t)n * (size_t)n))
        return fail(PyExc_ValueError, "D must be finite");
    for (int r = 0; r < p->nmp; r++) {
        if (p->mp_attr[r] < 0 || p->mp_attr[r] >= p->ncat)
            return fail(PyExc_ValueError, "max-per attribute out of range");
        if (p->mp_lim[r] < 0) return fail(PyExc_ValueError, "mp_lim must not be negative");
    }
    if (p->ap_ptr) {
        if (p->ap_ptr[0] != 0) return fail(PyExc_ValueError, "ap_ptr must start at 0");
        for (int i = 0; i < n; i++)
            if (p->ap_ptr[i + 1] < p->ap_ptr[i])
                return fail(PyExc_ValueError, "ap_ptr must not decrease");
        for (int t = 0; t < p->ap_ptr[n]; t++)
            if (p->ap_idx[t] < 0 || p->ap_idx[t] >= n)
                return fail(PyExc_ValueError, "ap_idx holds an element out of range");
    }
    if (p->fixed) {
        int *pinned = xcalloc((size_t)m, sizeof(int));
        if (!pinned) {
            PyErr_NoMemory();
            return -1;
        }
        int bad = 0;
        for (int i = 0; i < n && !bad; i++) {
            int g = p->fixed[i];
            if (g < -1 || g >= m)
                bad = 1;
            else if (g >= 0 && ++pinned[g] > p->hi[g])
                bad = 2;
        }
        free(pinned);
        if (bad == 1) return fail(PyExc_ValueError, "fixed group out of range (-1 or 0..m-1)");
        if (bad == 2) return fail(PyExc_ValueError, "more fixed elements in a group than it holds");
    }
    if (!init) return 0;
    size_t nc = (size_t)m * (size_t)(p->totcat > 0 ? p->totcat : 1);
    int *size = xcalloc((size_t)m, sizeof(int));
    int *cnt = p->nmp ? xcalloc(nc, sizeof(int)) : NULL;
    if (!size || (p->nmp && !cnt)) {
        free(size);
        free(cnt);
        PyErr_NoMemory();
        return -1;
    }
    const char *err = NULL;
    for (int i = 0; i < n && !err; i++) {
        int g = init[i];
        if (g < 0 || g >= m)
            err = "init: group out of range (0..m-1)";
        else if (p->fixed && p->fixed[i] >= 0 && p->fixed[i] != g)
            err = "init: a fixed element is not in its group";
        else
            size[g]++;
    }
    for (int g = 0; g < m && !err; g++)
        if (size[g] < p->lo[g] || size[g] > p->hi[g]) err = "init: a group size is out of bounds";
    for (int i = 0; i < n && !err && p->nmp; i++)
        for (int r = 0; r < p->nmp && !err; r++) {
            int a = p->mp_attr[r];
            int *c = &cnt[(size_t)init[i] * p->totcat + p->catoff[a] +
                          p->cat[(size_t)i * p->ncat + a]];
            /* one counter per (group, attribute, category): count once per rule */
            int first = 1;
            for (int q = 0; q < r; q++)
                if (p->mp_attr[q] == a) first = 0;
            if (first) (*c)++;
            if (*c > p->mp_lim[r]) err = "init: breaks a max-per rule";
        }
    for (int i = 0; i < n && !err && p->ap_ptr; i++)
        for (int t = p->ap_ptr[i]; t < p->ap_ptr[i + 1]; t++)
            if (p->ap_idx[t] != i && init[p->ap_idx[t]] == init[i]) {
                err = "init: two elements kept apart share a group";
                break;
            }
    free(size);
    free(cnt);
    if (err) return fail(PyExc_ValueError, err);
    return 0;
}

static PyObject *py_solve(PyObject *self, PyObject *args, PyObject *kw) {
    static char *kwlist[] = {"n",         "m",        "lo",      "hi",      "D",
                             "cat",       "cat_sizes", "cat_w",   "num",     "nnum",
                             "fixed",     "mp_attr",  "mp_lim",  "ap_ptr",  "ap_idx",
                             "init",      "seed",     "time_limit", "max_iters", "threads",
                             "pop_size",  "sampled",  "use_table", "ils_limit", "smin", "smax", "shared", "ils_limit_end", NULL};
    int n, m, nnum = 0, threads = 1, pop_size = 10, sampled = 0, use_table = 1, ils_limit = 0,
        smin = 0, smax = 0, shared = -1, ils_limit_end = 0;
    PyObject *olo, *ohi, *oD = Py_None, *ocat = Py_None, *ocs = Py_None, *ocw = Py_None,
                         *onum = Py_None, *ofixed = Py_None, *ompa = Py_None, *ompl = Py_None,
                         *oapp = Py_None, *oapi = Py_None, *oinit = Py_None;
    unsigned long long seed = 0;
    double time_limit = 0.0;
    long long max_iters = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "iiOO|OOOOOiOOOOOOKdLiiiiiiiii", kwlist, &n, &m, &olo,
                                     &ohi, &oD, &ocat, &ocs, &ocw, &onum, &nnum, &ofixed, &ompa,
                                     &ompl, &oapp, &oapi, &oinit, &seed, &time_limit, &max_iters,
                                     &threads, &pop_size, &sampled, &use_table, &ils_limit, &smin,
                                     &smax, &shared, &ils_limit_end))
        return NULL;
    if (n < 1 || m < 1) {
        PyErr_SetString(PyExc_ValueError, "n and m must be positive");
        return NULL;
    }
    if (nnum < 0 || nnum > MAX_ATTRS) {
        PyErr_SetString(PyExc_ValueError, "nnum must be between 0 and 1000000");
        return NULL;
    }
    if (!isfinite(time_limit) || time_limit < 0) {
        PyErr_SetString(PyExc_ValueError, "time_limit must be a finite number >= 0");
        return NULL;
    }
    if (max_iters < 0) {
        PyErr_SetString(PyExc_ValueError, "max_iters must be >= 0");
        return NULL;
    }
    if (time_limit == 0 && max_iters == 0 && !sampled) {
        PyErr_SetString(PyExc_ValueError, "give a time_limit or max_iters, or the search never ends");
        return NULL;
    }
    if (pop_size < 0 || pop_size > 100000) {
        PyErr_SetString(PyExc_ValueError, "pop_size must be between 0 and 100000");
        return NULL;
    }
    if (ils_limit < 0 || smin < 0 || smax < 0 || ils_limit_end < 0) {
        PyErr_SetString(PyExc_ValueError, "ils_limit, smin, smax and ils_limit_end must be >= 0");
        return NULL;
    }
    if (shared < -1 || shared > 1 || sampled < 0 || sampled > 1 || use_table < 0 || use_table > 1) {
        PyErr_SetString(PyExc_ValueError, "shared must be -1, 0 or 1; sampled and use_table 0 or 1");
        return NULL;
    }
    Bufs b;
    b.nviews = 0;
    PyObject *result = NULL;
    Problem p;
    memset(&p, 0, sizeof(p));
    p.n = n;
    p.m = m;
    const void *ptr;
    Py_ssize_t len;
    int *catoff = NULL, *movable = NULL, *fixed_all = NULL;
    Job *jobs = NULL;
    pthread_t *tids = NULL;
    Pool *pools = NULL;
    int npools = 0, P = 0;
    if (get_buf(&b, olo, "lo", 'i', m, 1, &ptr, NULL)) goto done;
    p.lo = ptr;
    if (get_buf(&b, ohi, "hi", 'i', m, 1, &ptr, NULL)) goto done;
    p.hi = ptr;
    if (get_buf(&b, oD, "D", 'd', (Py_ssize_t)n * n, 0, &ptr, NULL)) goto done;
    p.D = ptr;
    const int *cat_sizes = NULL;
    if (get_buf(&b, ocs, "cat_sizes", 'i', -1, 0, &ptr, &len)) goto done;
    cat_sizes = ptr;
    if (len > MAX_ATTRS) {
        PyErr_SetString(PyExc_ValueError, "too many categorical attributes");
        goto done;
    }
    int ncat = (int)len;
    p.ncat = ncat;
    if (!cat_sizes && (ocat != Py_None || ocw != Py_None)) {
        PyErr_SetString(PyExc_ValueError, "cat and cat_w need cat_sizes");
        goto done;
    }
    if (get_buf(&b, ocat, "cat", 'i', (Py_ssize_t)n * ncat, ncat > 0, &ptr, NULL)) goto done;
    p.cat = ptr;
    if (get_buf(&b, ocw, "cat_w", 'd', ncat, ncat > 0, &ptr, NULL)) goto done;
    p.cw = ptr;
    p.nnum = nnum;
    if (onum != Py_None && nnum == 0) {
        PyErr_SetString(PyExc_ValueError, "num needs nnum > 0");
        goto done;
    }
    if (get_buf(&b, onum, "num", 'd', (Py_ssize_t)n * nnum, nnum > 0, &ptr, NULL)) goto done;
    p.num = ptr;
    if (get_buf(&b, ofixed, "fixed", 'i', n, 0, &ptr, NULL)) goto done;
    p.fixed = ptr;
    if (get_buf(&b, ompa, "mp_attr", 'i', -1, 0, &ptr, &len)) goto done;
    p.mp_attr = ptr;
    if (len > MAX_ATTRS) {
        PyErr_SetString(PyExc_ValueError, "too many max-per rules");
        goto done;
    }
    p.nmp = (int)len;
    if (!p.mp_attr && ompl != Py_None) {
        PyErr_SetString(PyExc_ValueError, "mp_lim needs mp_attr");
        goto done;
    }
    if (get_buf(&b, ompl, "mp_lim", 'i', p.nmp, p.nmp > 0, &ptr, NULL)) goto done;
    p.mp_lim = ptr;
    if (get_buf(&b, oapp, "ap_ptr", 'i', (Py_ssize_t)n + 1, 0, &ptr, NULL)) goto done;
    p.ap_ptr = ptr;
    if (!p.ap_ptr && oapi != Py_None) {
        PyErr_SetString(PyExc_ValueError, "ap_idx needs ap_ptr");
        goto done;
    }
    if (p.ap_ptr) {
        if (p.ap_ptr[n] < 0) {
            PyErr_SetString(PyExc_ValueError, "ap_ptr must not be negative");
            goto done;
        }
        if (get_buf(&b, oapi, "ap_idx", 'i', p.ap_ptr[n], p.ap_ptr[n] > 0, &ptr, NULL)) goto done;
        p.ap_idx = ptr;
    }
    const int *init = NULL;
    if (get_buf(&b, oinit, "init", 'i', n, 0, &ptr, NULL)) goto done;
    init = ptr;
    if (!p.D && ncat == 0 && nnum == 0) {
        PyErr_SetString(PyExc_ValueError, "need a matrix or attributes");
        goto done;
    }
    long long slo = 0, shi = 0;
    int maxb = 0;
    for (int g = 0; g < m; g++) {
        if (p.lo[g] < 0 || p.lo[g] > p.hi[g]) {
            PyErr_SetString(PyExc_ValueError, "bad size bounds (need 0 <= lo <= hi)");
            goto done;
        }
        if (p.hi[g] > maxb) maxb = p.hi[g];
        if (p.lo[g] < p.hi[g]) p.can_resize = 1;
        slo += p.lo[g];
        shi += p.hi[g];
    }
    if (slo > n || shi < n) {
        PyErr_SetString(PyExc_ValueError, "size bounds cannot hold n elements");
        goto done;
    }
    /* a group never holds more than n elements, whatever its upper bound */
    p.cap = (maxb < n ? maxb : n) + 2;
    catoff = xcalloc((size_t)ncat + 1, sizeof(int));
    if (!catoff) {
        PyErr_NoMemory();
        goto done;
    }
    long long totcat = 0;
    for (int a = 0; a < ncat; a++) {
        catoff[a] = (int)totcat;
        totcat += cat_sizes[a] > 0 ? cat_sizes[a] : 0;
        if (totcat > INT_MAX / 2) {
            PyErr_SetString(PyExc_ValueError, "too many categories");
            goto done;
        }
    }
    p.totcat = (int)totcat;
    p.catoff = catoff;
    if (check_problem(&p, cat_sizes, init)) goto done;
    if (!p.fixed) {
        fixed_all = xmalloc((size_t)n, sizeof(int));
        if (!fixed_all) {
            PyErr_NoMemory();
            goto done;
        }
        for (int i = 0; i < n; i++) fixed_all[i] = -1;
        p.fixed = fixed_all;
    }
    movable = xmalloc((size_t)n, sizeof(int));
    if (!movable) {
        PyErr_NoMemory();
        goto done;
    }
    p.nmov = 0;
    for (int i = 0; i < n; i++) {
        if (p.fixed[i] >= 0)
            p.has_fixed = 1;
        else
            movable[p.nmov++] = i;
    }
    p.movable = movable;
    p.has_maxper = p.nmp > 0;
    p.has_apart = p.ap_ptr != NULL && p.ap_ptr[n] > 0;
    p.use_table = p.D ? 1 : use_table;
    if (threads < 1) threads = 1;
    if (threads > 8) threads = 8;
    jobs = xcalloc((size_t)threads, sizeof(Job));
    tids = xcalloc((size_t)threads, sizeof(pthread_t));
    /* With a time limit the threads share one population; with an iteration
     * budget each thread has its own, so that runs are reproducible. */
    if (shared < 0) shared = max_iters == 0;
    if (sampled) shared = 0;
    npools = sampled ? 0 : (shared ? 1 : threads);
    pools = npools ? xcalloc((size_t)npools, sizeof(Pool)) : NULL;
    if (!jobs || !tids || (npools && !pools)) {
        npools = 0;
        PyErr_NoMemory();
        goto done;
    }
    P = pop_size < 2 ? 2 : pop_size;
    for (int k = 0; k < npools; k++) {
        pools[k].P = P;
        pools[k].cap = P;
        if (pthread_mutex_init(&pools[k].mu, NULL) != 0) {
            PyErr_SetString(PyExc_RuntimeError, "cannot create a mutex");
            goto done;
        }
        pools[k].mu_ok = 1;
        pools[k].pop = xcalloc((size_t)P, sizeof(State));
        if (!pools[k].pop || state_alloc(&p, &pools[k].best)) {
            PyErr_NoMemory();
            goto done;
        }
        for (int q = 0; q < P; q++)
            if (state_alloc(&p, &pools[k].pop[q])) {
                PyErr_NoMemory();
                goto done;
            }
    }
    double t0 = now_s();
    for (int t = 0; t < threads; t++) {
        jobs[t].p = &p;
        jobs[t].pool = npools ? &pools[shared ? 0 : t] : NULL;
        jobs[t].seed = (uint64_t)seed * 1000003ULL + (uint64_t)t * 7919ULL + 17ULL;
        jobs[t].t_start = t0;
        jobs[t].deadline = time_limit > 0 ? t0 + time_limit : 0.0;
        jobs[t].max_iters = max_iters;
        jobs[t].init = init;
        jobs[t].sampled = sampled;
        jobs[t].L = ils_limit;
        jobs[t].smin = smin;
        jobs[t].smax = smax;
        jobs[t].L_end = ils_limit_end;
        jobs[t].best_f = -1e300;
        jobs[t].status = -1;
        if (sampled) {
            jobs[t].best_x = xmalloc((size_t)n, sizeof(int));
            if (!jobs[t].best_x) {
                PyErr_NoMemory();
                goto done;
            }
        }
    }
    Py_BEGIN_ALLOW_THREADS;
    /* A thread that cannot be started runs its job here afterwards: with
     * separate populations the result is the same, with a shared one the
     * others have done the search by then. */
    for (int t = 1; t < threads; t++) jobs[t].started = xthread_create(&tids[t], run_job, &jobs[t]) == 0;
    run_job(&jobs[0]);
    for (int t = 1; t < threads; t++)
        if (jobs[t].started) pthread_join(tids[t], NULL);
    for (int t = 1; t < threads; t++)
        if (!jobs[t].started) run_job(&jobs[t]);
    Py_END_ALLOW_THREADS;
    long long gens = 0;
    const int *bx = NULL;
    double bf = -1e300;
    int failed = 0;
    for (int t = 0; t < threads; t++) {
        if (jobs[t].status < 0) {
            PyErr_NoMemory();
            goto done;
        }
        if (jobs[t].status != 0) failed = 1;
    }
    if (sampled) {
        for (int t = 0; t < threads; t++) {
            gens += jobs[t].gens;
            if (jobs[t].status == 0 && (!bx || jobs[t].best_f > bf + EPS)) {
                bx = jobs[t].best_x;
                bf = jobs[t].best_f;
            }
        }
    } else if (!failed) {
        for (int k = 0; k < npools; k++) {
            gens += pools[k].gens;
            if (pools[k].has_best && (!bx || pools[k].best.f > bf + EPS)) {
                bx = pools[k].best.x;
                bf = pools[k].best.f;
            }
        }
    }
    if (!bx) {
        result = Py_BuildValue("(OdLi)", Py_None, 0.0, gens, 1);
    } else {
        PyObject *xs = PyBytes_FromStringAndSize((const char *)bx, (Py_ssize_t)sizeof(int) * n);
        if (xs) result = Py_BuildValue("(NdLi)", xs, bf, gens, 0);
    }
done:
    for (int k = 0; k < npools; k++) {
        if (pools[k].pop)
            for (int q = 0; q < P; q++) state_free(&pools[k].pop[q]);
        free(pools[k].pop);
        state_free(&pools[k].best);
        if (pools[k].mu_ok) pthread_mutex_destroy(&pools[k].mu);
    }
    free(pools);
    if (jobs)
        for (int t = 0; t < threads; t++) free(jobs[t].best_x);
    for (int k = 0; k < b.nviews; k++) PyBuffer_Release(&b.views[k]);
    free(fixed_all);
    free(catoff);
    free(movable);
    free(jobs);
    free(tids);
    return result;
}

static PyObject *py_debug_fail_after(PyObject *self, PyObject *args) {
    long allocs = -1, threads_ = -1;
    if (!PyArg_ParseTuple(args, "l|l", &allocs, &threads_)) return NULL;
    pthread_mutex_lock(&fail_mu);
    fail_alloc_after = allocs;
    fail_thread_after = threads_;
    pthread_mutex_unlock(&fail_mu);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"solve", (PyCFunction)(void (*)(void))py_solve, METH_VARARGS | METH_KEYWORDS,
     "solve(n, m, lo, hi, D=None, cat=None, cat_sizes=None, cat_w=None, num=None, nnum=0, "
     "fixed=None, mp_attr=None, mp_lim=None, ap_ptr=None, ap_idx=None, init=None, seed=0, "
     "time_limit=0.0, max_iters=0, threads=1, pop_size=10, sampled=0, use_table=1, "
     "ils_limit=0, smin=0, smax=0, shared=-1, ils_limit_end=0) -> "
     "(assignment bytes | None, objective, iterations, status)"},
    {"_debug_fail_after", py_debug_fail_after, METH_VARARGS,
     "_debug_fail_after(allocs, threads=-1): tests only; the allocation (pthread_create) after "
     "`allocs` (`threads`) more succeed fails; -1 turns it off."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef moddef = {PyModuleDef_HEAD_INIT, "_mdgp",
                                    "Compiled search core of matching.mdgp.", -1, methods};

PyMODINIT_FUNC PyInit__mdgp(void) { return PyModule_Create(&moddef); }
