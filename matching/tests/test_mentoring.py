import itertools
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.mentoring import (
    Mentee,
    Mentor,
    MentoringInfeasible,
    match_mentors,
)


@st.composite
def instances(draw, max_mentees=7, max_mentors=4):
    n = draw(st.integers(1, max_mentees))
    m = draw(st.integers(1, max_mentors))
    orgs = st.sampled_from(["a", "b", "c"])
    mentors = [
        Mentor(
            f"t{j}",
            draw(orgs),
            capacity=draw(st.integers(0, 3)),
            manager_chain=tuple(
                draw(st.lists(st.sampled_from([f"e{i}" for i in range(n)]), max_size=1))
            ),
        )
        for j in range(m)
    ]
    mentor_ids = [t.id for t in mentors]
    mentees = [
        Mentee(
            f"e{i}",
            draw(orgs),
            wishes=tuple(
                draw(st.lists(st.sampled_from(mentor_ids), unique=True, max_size=3))
            ),
            manager_chain=tuple(
                draw(st.lists(st.sampled_from(mentor_ids), max_size=1))
            ),
        )
        for i in range(n)
    ]
    fit = {
        (e.id, t.id): draw(st.sampled_from([0.0, 0.0, 0.25, 0.5, 1.0]))
        for e in mentees
        for t in mentors
    }
    pairs = [(e.id, t.id) for e in mentees for t in mentors]
    forbidden = draw(st.lists(st.sampled_from(pairs), max_size=3))
    return mentees, mentors, fit, forbidden


def is_forbidden(mentee, mentor, forbidden):
    return (
        mentee.organisation == mentor.organisation
        or mentor.id in mentee.manager_chain
        or mentee.id in mentor.manager_chain
        or (mentee.id, mentor.id) in set(forbidden)
    )


def utility(mentee, mentor, fit, longest, wish_weight=2.0):
    value = fit.get((mentee.id, mentor.id), 0.0)
    if mentor.id in mentee.wishes:
        rank = mentee.wishes.index(mentor.id) + 1
        value += wish_weight * (longest + 1 - rank) / longest
    return value


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_capacity_and_forbidden_pairs_are_never_violated(instance):
    mentees, mentors, fit, forbidden = instance
    result = match_mentors(mentees, mentors, fit=fit, forbidden=forbidden, seed=3)
    by_id = {t.id: t for t in mentors}
    mentee_by_id = {e.id: e for e in mentees}
    assert len({p.mentee_id for p in result.pairs}) == len(result.pairs)
    assert len(result.pairs) + len(result.unmatched) == len(mentees)
    for pair in result.pairs:
        assert not is_forbidden(
            mentee_by_id[pair.mentee_id], by_id[pair.mentor_id], forbidden
        )
    for load in result.loads:
        taken = sum(1 for p in result.pairs if p.mentor_id == load.mentor_id)
        assert taken == load.assigned <= by_id[load.mentor_id].capacity


def brute_force(mentees, mentors, fit, forbidden):
    """Best (matched count, total utility) over every assignment."""
    longest = max((len(e.wishes) for e in mentees), default=0) or 1
    options = []
    for e in mentees:
        opts = [None]
        for t in mentors:
            if is_forbidden(e, t, forbidden):
                continue
            if t.id in e.wishes or fit.get((e.id, t.id), 0.0) > 0:
                opts.append(t)
        options.append(opts)
    best = (0, 0.0)
    for choice in itertools.product(*options):
        used: dict[str, int] = {}
        for t in choice:
            if t is not None:
                used[t.id] = used.get(t.id, 0) + 1
        if any(used[t.id] > t.capacity for t in mentors if t.id in used):
            continue
        count = sum(1 for t in choice if t is not None)
        total = sum(
            utility(e, t, fit, longest)
            for e, t in zip(mentees, choice, strict=True)
            if t is not None
        )
        best = max(best, (count, round(total, 4)))
    return best


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_mentees=6, max_mentors=3))
def test_matching_is_lexicographically_optimal_against_brute_force(instance):
    mentees, mentors, fit, forbidden = instance
    result = match_mentors(
        mentees, mentors, fit=fit, forbidden=forbidden, seed=0, candidates_per_mentee=1
    )
    count, total = brute_force(mentees, mentors, fit, forbidden)
    assert result.matched_count == count
    assert result.total_utility == pytest.approx(total, abs=1e-3)


def test_pricing_adds_arcs_missing_from_the_candidate_subset():
    # Each mentee's single best pair is mentor x; only the full network matches both.
    mentees = [Mentee("a", "o1"), Mentee("b", "o1")]
    mentors = [Mentor("x", "o2", 1), Mentor("y", "o3", 1)]
    fit = {("a", "x"): 0.9, ("a", "y"): 0.8, ("b", "x"): 0.9, ("b", "y"): 0.1}
    result = match_mentors(mentees, mentors, fit=fit, candidates_per_mentee=1)
    assert result.pricing_rounds >= 2
    assert {(p.mentee_id, p.mentor_id) for p in result.pairs} == {
        ("a", "y"),
        ("b", "x"),
    }


def test_more_matches_beat_more_utility():
    # a's first wish is x, but only x can take b: both get matched when a takes y.
    mentees = [Mentee("a", "o1", wishes=("x", "y")), Mentee("b", "o1", wishes=("x",))]
    mentors = [Mentor("x", "o2", 1), Mentor("y", "o3", 1)]
    result = match_mentors(mentees, mentors, forbidden=[("b", "y")])
    assert result.mentor_of("a") == "y"
    assert result.mentor_of("b") == "x"


def test_wishes_are_honoured_in_rank_order_when_there_is_room():
    mentees = [Mentee("a", "o1", wishes=("x", "y", "z"))]
    mentors = [Mentor("x", "o2"), Mentor("y", "o3"), Mentor("z", "o4")]
    result = match_mentors(mentees, mentors, fit={("a", "z"): 1.0})
    assert result.mentor_of("a") == "x"
    assert result.pairs[0].wish_rank == 1
    assert result.wish_rank_counts == (1, 0, 0)


def test_unmatched_mentees_get_the_reason():
    mentees = [
        Mentee("same-org", "o1", wishes=("x",)),
        Mentee("no-wish", "o2"),
        Mentee("first", "o2", wishes=("y",)),
        Mentee("second", "o2", wishes=("y",)),
        Mentee("fixed-out", "o2", wishes=("z",)),
    ]
    mentors = [Mentor("x", "o1", 5), Mentor("y", "o3", 1), Mentor("z", "o4", 1)]
    result = match_mentors(
        mentees,
        mentors,
        fixed=[("first", "y"), ("no-wish", "z")],
        seed=1,
        fit={("second", "y"): 0.5},
        forbidden=[("same-org", "y"), ("same-org", "z")],
    )
    # "no-wish" is fixed to z although it fits z 0: fixed pairs only need to be allowed.
    reasons = {u.mentee_id: u.reason for u in result.unmatched}
    assert reasons == {
        "same-org": "no_allowed_mentor",
        "second": "mentors_full_fixed",
        "fixed-out": "mentors_full_fixed",
    }
    explanation = next(u for u in result.unmatched if u.mentee_id == "same-org")
    assert "same organisation: 1" in explanation.explanation
    assert "listed as forbidden: 2" in explanation.explanation
    assert result.mentor_of("first") == "y"


def test_mentors_full_reason_when_competition_leaves_someone_out():
    mentees = [
        Mentee("a", "o1", wishes=("x",)),
        Mentee("b", "o1", wishes=("x",)),
        Mentee("c", "o1"),
    ]
    mentors = [Mentor("x", "o2", 1), Mentor("y", "o2", 3)]
    result = match_mentors(mentees, mentors, fit={("a", "x"): 0.1}, seed=0)
    reasons = {u.mentee_id: u.reason for u in result.unmatched}
    assert reasons == {"b": "mentors_full", "c": "no_wish_or_fit"}
    assert result.unmatched[0].candidates == ("x",)


def test_line_of_management_is_forbidden_in_both_directions():
    mentees = [
        Mentee("a", "o1", wishes=("boss",), manager_chain=("boss",)),
        Mentee("b", "o1", wishes=("sub",)),
    ]
    mentors = [Mentor("boss", "o2", 2), Mentor("sub", "o3", 2, manager_chain=("b",))]
    result = match_mentors(mentees, mentors)
    assert result.matched_count == 0
    assert {u.reason for u in result.unmatched} == {"no_wish_or_fit"}


def test_fixed_pairs_are_kept_even_against_wishes():
    mentees = [Mentee("a", "o1", wishes=("x",)), Mentee("b", "o1", wishes=("x",))]
    mentors = [Mentor("x", "o2", 1), Mentor("y", "o3", 1)]
    result = match_mentors(mentees, mentors, fixed=[("b", "x")], fit={("a", "y"): 0.3})
    assert result.mentor_of("b") == "x"
    assert result.mentor_of("a") == "y"
    assert [p.fixed for p in result.pairs] == [False, True]


def test_forbidden_or_overfull_fixed_pairs_are_rejected():
    mentees = [Mentee("a", "o1"), Mentee("b", "o2")]
    mentors = [Mentor("x", "o1", 1)]
    with pytest.raises(MentoringInfeasible, match="same organisation"):
        match_mentors(mentees, mentors, fixed=[("a", "x")])
    mentors = [Mentor("x", "o3", 1)]
    with pytest.raises(MentoringInfeasible, match="capacity 1") as info:
        match_mentors(mentees, mentors, fixed=[("a", "x"), ("b", "x")])
    assert len(info.value.conflicts) == 1


def test_malformed_input_is_rejected():
    with pytest.raises(ValueError, match="duplicate mentee"):
        match_mentors([Mentee("a", "o"), Mentee("a", "o")], [Mentor("x", "p")])
    with pytest.raises(ValueError, match="unknown"):
        match_mentors([Mentee("a", "o", wishes=("nobody",))], [Mentor("x", "p")])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        match_mentors([Mentee("a", "o")], [Mentor("x", "p")], fit={("a", "x"): 2.0})


def test_fit_as_callable_mapping_or_array_gives_the_same_matching():
    rng = np.random.default_rng(5)
    mentees = [Mentee(f"e{i}", f"o{i % 4}") for i in range(30)]
    mentors = [Mentor(f"t{j}", f"o{j % 3}", 4) for j in range(6)]
    array = np.round(rng.random((30, 6)), 3)
    mapping = {
        (e.id, t.id): array[i, j]
        for i, e in enumerate(mentees)
        for j, t in enumerate(mentors)
    }
    results = [
        match_mentors(mentees, mentors, fit=f, seed=2)
        for f in (array, mapping, lambda e, t: mapping[e.id, t.id])
    ]
    assert results[0] == results[1] == results[2]


def test_same_seed_gives_the_same_matching():
    rng = np.random.default_rng(9)
    mentees = [
        Mentee(
            f"e{i}",
            f"o{i % 5}",
            wishes=tuple(f"t{j}" for j in rng.choice(10, 2, replace=False)),
        )
        for i in range(40)
    ]
    mentors = [Mentor(f"t{j}", f"o{j % 4}", 3) for j in range(10)]
    fit = (rng.random((40, 10)) > 0.5) * 0.5
    first = match_mentors(mentees, mentors, fit=fit, seed=4)
    again = match_mentors(mentees, mentors, fit=fit, seed=4)
    assert first == again


def test_large_sparse_network_matches_dense_optimum():
    rng = np.random.default_rng(1)
    mentees = [
        Mentee(
            f"e{i}",
            f"o{i % 20}",
            wishes=tuple(f"t{j}" for j in rng.choice(60, 3, replace=False)),
        )
        for i in range(600)
    ]
    mentors = [
        Mentor(f"t{j}", f"o{j % 20}", int(rng.integers(5, 15))) for j in range(60)
    ]
    fit = rng.random((600, 60)) * (rng.random((600, 60)) > 0.3)
    sparse = match_mentors(mentees, mentors, fit=fit, candidates_per_mentee=3)
    dense = match_mentors(mentees, mentors, fit=fit, candidates_per_mentee=60)
    assert sparse.candidate_arcs < dense.candidate_arcs
    assert sparse.matched_count == dense.matched_count
    assert sparse.total_utility == pytest.approx(dense.total_utility, abs=1e-6)


def test_module_loads_no_django():
    code = (
        "import sys, matching.mentoring, matching.planning; "
        "assert not any(m.startswith('django') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# The pair check that applications call for pairs made by hand --------------------


def test_a_pair_check_names_every_rule_the_matching_keeps():
    from matching.mentoring import pair_conflicts

    mentee = Mentee("anna", "kiruna", manager_chain=("boss",))
    assert pair_conflicts(mentee, Mentor("bo", "lulea")) == ()
    assert pair_conflicts(mentee, Mentor("bo", "kiruna")) == ("same_organisation",)
    assert pair_conflicts(mentee, Mentor("boss", "lulea")) == ("line_of_management",)
    assert pair_conflicts(
        Mentee("anna", "kiruna"), Mentor("bo", "lulea", manager_chain=("anna",))
    ) == ("line_of_management",)
    assert "same_person" in pair_conflicts(mentee, Mentor("anna", "kiruna"))
    assert pair_conflicts(
        mentee, Mentor("bo", "lulea"), forbidden=[("anna", "bo")]
    ) == ("listed",)
    assert pair_conflicts(mentee, Mentor("bo", "lulea", capacity=2), others=2) == (
        "mentor_full",
    )
    assert pair_conflicts(mentee, Mentor("bo", "lulea", capacity=2), others=1) == ()


def test_the_matching_never_pairs_a_person_with_themselves():
    from matching.mentoring import pair_conflicts

    anna_as_mentee = Mentee("anna", "none:anna")
    anna_as_mentor = Mentor("anna", "none:anna-mentor")

    result = match_mentors([anna_as_mentee], [anna_as_mentor], fit=lambda a, b: 1.0)

    assert pair_conflicts(anna_as_mentee, anna_as_mentor) == ("same_person",)
    assert result.matched_count == 0
