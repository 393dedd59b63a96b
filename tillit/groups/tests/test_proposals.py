"""Forming groups: the engine's proposal (inline and in the background), the
hard rules, moves by hand and the figures."""

from collections import Counter

import pytest
from django.utils import translation

from matching import Person as EnginePerson
from matching import form_groups
from tillit.core.tests.factories import PersonFactory
from tillit.groups import scoring, selectors, services, wording
from tillit.groups.models import Application, Proposal

from .factories import ApplicationFactory, organisations, pool_of


def groups_of(proposal):
    members = {}
    for pid, index in proposal.assignment.items():
        members.setdefault(index, set()).add(int(pid))
    return members


def test_forty_people_make_four_groups_inline(round_, facilitator):
    pool_of(round_, 40, orgs=organisations(12))

    proposal = services.request_proposal(round_, actor=facilitator)

    assert proposal.status == Proposal.Status.DONE
    assert len(proposal.assignment) == 40
    assert sorted(Counter(proposal.assignment.values()).values()) == [10, 10, 10, 10]


def test_no_group_has_two_from_one_organisation(round_, facilitator):
    applications = pool_of(round_, 40, orgs=organisations(10))

    proposal = services.request_proposal(round_, actor=facilitator)

    org_of = {a.person_id: a.person.organisation_id for a in applications}
    for members in groups_of(proposal).values():
        orgs = [org_of[pk] for pk in members]
        assert len(orgs) == len(set(orgs))


def test_a_manager_and_their_own_manager_are_apart(round_, facilitator):
    applications = pool_of(round_, 20)
    boss = applications[0].person
    for application in applications[1:4]:
        application.person.manager = boss
        application.person.save(update_fields=["manager"])

    proposal = services.request_proposal(round_, actor=facilitator)

    for application in applications[1:4]:
        assert (
            proposal.assignment[str(application.person_id)]
            != proposal.assignment[str(boss.pk)]
        )
    assert ["apart", True] in [
        [r["rule"], r["satisfied"]] for r in proposal.engine["rules"]
    ]


def test_only_accepted_active_applications_are_grouped(round_, facilitator):
    pool_of(round_, 16)
    waiting = ApplicationFactory(round=round_, status=Application.Status.PENDING)
    gone = ApplicationFactory(round=round_, person=PersonFactory(is_active=False))

    proposal = services.request_proposal(round_, actor=facilitator)

    assert len(proposal.assignment) == 16
    assert str(waiting.person_id) not in proposal.assignment
    assert str(gone.person_id) not in proposal.assignment


def test_rules_that_cannot_hold_fail_with_the_engines_reasons_in_words(
    round_, facilitator
):
    orgs = organisations(1)
    pool_of(round_, 16, orgs=orgs)

    proposal = services.request_proposal(round_, actor=facilitator)

    assert proposal.status == Proposal.Status.FAILED
    assert proposal.engine["reasons"][0]["code"] == "max_per"
    with translation.override("en"):
        (sentence,) = wording.reason_sentences(proposal)
    assert sentence.startswith("16 people come from Organisation 0")
    with translation.override("sv"):
        assert "16 personer kommer från Organisation 0" in str(
            wording.reason_sentences(proposal)
        )
    assert proposal.assignment == {}


def test_an_empty_pool_is_refused(round_, facilitator):
    with pytest.raises(services.GroupsError):
        services.request_proposal(round_, actor=facilitator)


def test_a_large_pool_runs_as_a_background_task(
    round_, facilitator, settings, django_capture_on_commit_callbacks
):
    settings.TILLIT_GROUPS_INLINE_LIMIT = 10
    settings.TILLIT_GROUPS_BACKGROUND_SECONDS = 0.3
    pool_of(round_, 30, orgs=organisations(15))

    with django_capture_on_commit_callbacks() as callbacks:
        queued = services.request_proposal(round_, actor=facilitator)
        queued.refresh_from_db()
        assert queued.status == Proposal.Status.QUEUED
        assert queued.progress == 0
        assert queued.is_running
    for callback in callbacks:
        callback()

    queued.refresh_from_db()
    assert queued.status == Proposal.Status.DONE
    assert queued.progress == 100
    assert len(queued.assignment) == 30
    assert "30" in queued.message


def test_a_second_request_while_running_is_refused(
    round_, facilitator, settings, django_capture_on_commit_callbacks
):
    settings.TILLIT_GROUPS_INLINE_LIMIT = 5
    pool_of(round_, 16)
    with django_capture_on_commit_callbacks():
        services.request_proposal(round_, actor=facilitator)

    with pytest.raises(services.GroupsError):
        services.request_proposal(round_, actor=facilitator)


def test_scoring_agrees_with_the_engine():
    people = [
        EnginePerson(
            str(i),
            {
                "branch": "sm"[i % 2],
                "organisation": f"o{i % 9}",
                "region": f"r{i % 4}",
                "years": None if i % 7 == 0 else (i * 3) % 20,
            },
        )
        for i in range(30)
    ]
    mix = {"branch": 3, "organisation": 2, "region": 1, "years": 1}

    result = form_groups(people, sizes=(8, 10), mix=mix, seed=3, time_limit=0.2)
    figures = scoring.score(
        {p.id: dict(p.attributes) for p in people},
        dict(result.assignment),
        weights=mix,
        groups=len(result.groups),
        sizes=(8, 10),
    )

    assert figures.objective == pytest.approx(result.objective)
    for engine_group, group in zip(result.groups, figures.groups, strict=True):
        assert group.diversity == pytest.approx(engine_group.diversity)
        assert group.mix["branch"] == dict(engine_group.mix["branch"])


# Moves by hand -------------------------------------------------------------------


@pytest.fixture
def proposed(round_, facilitator):
    applications = pool_of(round_, 40, orgs=organisations(12))
    proposal = services.request_proposal(round_, actor=facilitator)
    return proposal, applications


def _someone_who_can_move(proposal, applications):
    org_of = {str(a.person_id): a.person.organisation_id for a in applications}
    for pid, index in proposal.assignment.items():
        for target in range(4):
            others = [
                org_of[p]
                for p, g in proposal.assignment.items()
                if g == target and p != pid
            ]
            if target != index and org_of[pid] not in others:
                return int(pid), index, target
    raise AssertionError("nobody can move")


def test_a_move_changes_the_groups_and_their_figures(round_, facilitator, proposed):
    proposal, applications = proposed
    person_id, source, target = _someone_who_can_move(proposal, applications)
    before = selectors.figures_of(proposal)

    proposal = services.move(
        round_, actor=facilitator, person_id=person_id, group_number=target + 1
    )

    after = selectors.figures_of(proposal)
    assert proposal.assignment[str(person_id)] == target
    assert proposal.moves == 1
    assert after.groups[source].size == before.groups[source].size - 1
    assert after.groups[target].size == before.groups[target].size + 1
    assert after.objective != before.objective


def test_a_move_outside_the_size_range_is_allowed_and_flagged(
    round_, facilitator, proposed
):
    proposal, applications = proposed
    person_id, _source, target = _someone_who_can_move(proposal, applications)

    proposal = services.move(
        round_, actor=facilitator, person_id=person_id, group_number=target + 1
    )

    figures = selectors.figures_of(proposal)
    assert not figures.groups[target].size_ok
    assert figures.checks[0].rule == "sizes"
    assert not figures.checks[0].satisfied


def test_a_move_to_a_group_with_a_colleague_is_refused(round_, facilitator, proposed):
    proposal, applications = proposed
    org_of = {str(a.person_id): a.person.organisation_id for a in applications}
    pid, index = next(iter(proposal.assignment.items()))
    target = next(
        g
        for p, g in proposal.assignment.items()
        if g != index and org_of[p] == org_of[pid]
    )

    with pytest.raises(services.GroupsError, match="the most the round allows"):
        services.move(
            round_, actor=facilitator, person_id=int(pid), group_number=target + 1
        )

    proposal.refresh_from_db()
    assert proposal.assignment[pid] == index
    assert proposal.moves == 0


def test_a_move_next_to_ones_own_manager_is_refused(round_, facilitator):
    applications = pool_of(round_, 20, orgs=organisations(10))
    boss, report = applications[0].person, applications[1].person
    report.manager = boss
    report.save(update_fields=["manager"])
    round_.max_per_organisation = 0
    round_.save(update_fields=["max_per_organisation"])
    proposal = services.request_proposal(round_, actor=facilitator)

    with pytest.raises(services.GroupsError, match="own manager"):
        services.move(
            round_,
            actor=facilitator,
            person_id=report.pk,
            group_number=proposal.assignment[str(boss.pk)] + 1,
        )


def test_a_manager_moved_next_to_their_report_is_refused(round_, facilitator):
    applications = pool_of(round_, 20, orgs=organisations(10))
    boss, report = applications[0].person, applications[1].person
    report.manager = boss
    report.save(update_fields=["manager"])
    round_.max_per_organisation = 0
    round_.save(update_fields=["max_per_organisation"])
    proposal = services.request_proposal(round_, actor=facilitator)

    with pytest.raises(services.GroupsError, match="who reports to"):
        services.move(
            round_,
            actor=facilitator,
            person_id=boss.pk,
            group_number=proposal.assignment[str(report.pk)] + 1,
        )


def test_a_move_to_a_group_that_does_not_exist_is_refused(
    round_, facilitator, proposed
):
    _proposal, applications = proposed

    with pytest.raises(services.GroupsError, match="between 1 and 4"):
        services.move(
            round_,
            actor=facilitator,
            person_id=applications[0].person_id,
            group_number=5,
        )


def test_colleagues_in_one_group_are_flagged(round_, facilitator):
    round_.max_per_organisation = 2
    round_.save(update_fields=["max_per_organisation"])
    pool_of(round_, 16, orgs=organisations(4))

    proposal = services.request_proposal(round_, actor=facilitator)
    figures = selectors.figures_of(proposal)

    assert figures.flagged == 16
    assert all(len(group.colleagues) == group.size for group in figures.groups)


def test_proposal_figures_say_diversity_as_a_share_of_the_best_possible(
    round_, facilitator
):
    pool_of(round_, 40, orgs=organisations(12))
    proposal = services.request_proposal(round_, actor=facilitator)

    view = selectors.proposal_view(proposal)

    expected = round(100 * view.figures.objective / view.best)
    assert 0 < view.share_of_best == expected <= 100


def test_each_group_card_has_a_chart_of_its_mix(round_, facilitator):
    pool_of(round_, 40, orgs=organisations(12))
    proposal = services.request_proposal(round_, actor=facilitator)

    card = selectors.proposal_view(proposal).cards[0]

    assert card.chart.id == f"mix-chart-{card.number}"
    counted = sum(
        sum(counts.values())
        for name, counts in card.figures.mix.items()
        if name != "organisation"
    )
    assert sum(int(bar.text) for bar in card.chart.bars) == counted
