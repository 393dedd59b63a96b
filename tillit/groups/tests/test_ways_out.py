"""Five full continuing groups and newcomers: the engine's ways forward, chosen
by the facilitator on the proposal page, give groups that keep every rule."""

from collections import Counter

import pytest
from django.urls import reverse
from django.utils import translation

from tillit.core.models import Organisation, Sector
from tillit.core.tests.factories import OrganisationFactory
from tillit.groups import selectors, services, wording
from tillit.groups.models import Application, Proposal

from .factories import ApplicationFactory, PersonFactory, organisations, pool_of


@pytest.fixture
def five_full_groups(round_, facilitator):
    """Next year's round of a published round with five groups of ten (the
    largest size), everyone in the pool as continuing."""
    pool_of(round_, 50, orgs=organisations(50))
    services.request_proposal(round_, actor=facilitator)
    services.publish(round_, actor=facilitator)
    return services.continue_round(
        round_, actor=facilitator, title="Smågrupper 2028", year=2028
    )


def newcomers(round_, count):
    return [
        ApplicationFactory(
            round=round_,
            person=PersonFactory(
                organisation=OrganisationFactory(
                    name=f"Nykomlingens kommun {i}",
                    kind=Organisation.Kind.MUNICIPALITY,
                    sector=Sector.MUNICIPAL,
                )
            ),
        )
        for i in range(count)
    ]


def continuing_groups(round_):
    groups = {}
    for application in round_.applications.filter(source=Application.Source.CONTINUING):
        groups.setdefault(application.continuing_group_id, set()).add(
            str(application.person_id)
        )
    return list(groups.values())


@pytest.mark.parametrize("count", [1, 5, 12])
def test_full_continuing_groups_and_newcomers_get_a_way_forward(
    five_full_groups, facilitator, count
):
    newcomers(five_full_groups, count)

    proposal = services.request_proposal(five_full_groups, actor=facilitator)

    assert proposal.status == Proposal.Status.FAILED
    assert proposal.engine["ways_out"]
    assert proposal.engine["reasons"][0]["code"] == "clash"


@pytest.mark.parametrize("count", [1, 5, 12])
def test_choosing_each_way_forward_gives_groups_that_keep_every_rule(
    five_full_groups, facilitator, count
):
    newcomers(five_full_groups, count)
    proposal = services.request_proposal(five_full_groups, actor=facilitator)
    kept_before = continuing_groups(five_full_groups)

    for number, option in enumerate(proposal.engine["ways_out"], start=1):
        Proposal.objects.filter(pk=proposal.pk).update(
            status=Proposal.Status.FAILED, engine=proposal.engine, pool=proposal.pool
        )
        chosen = services.choose_way_out(
            five_full_groups, actor=facilitator, number=number
        )

        assert chosen.status == Proposal.Status.DONE
        figures = selectors.figures_of(chosen)
        assert figures.all_rules_met, (option["kind"], figures.checks)
        low, high = chosen.pool["sizes"]
        assert high <= 12 and low == 8
        sizes = Counter(chosen.assignment.values())
        assert all(low <= size <= high for size in sizes.values())
        assert len(chosen.assignment) == 50 + count
        volunteers = set(option["volunteers"])
        for members in kept_before:
            stayed = members - volunteers
            assert len({chosen.assignment[pid] for pid in stayed}) <= (
                2 if option["kind"] == "split_group" else 1
            )


def test_a_chosen_way_forward_can_be_published(five_full_groups, facilitator):
    newcomers(five_full_groups, 5)
    services.request_proposal(five_full_groups, actor=facilitator)

    services.choose_way_out(five_full_groups, actor=facilitator, number=1)
    groups = services.publish(five_full_groups, actor=facilitator)

    assert sum(group.members.count() for group in groups) == 55
    assert sum(1 for group in groups if group.continues_id) == 5


def test_a_way_forward_is_refused_when_the_pool_changed(five_full_groups, facilitator):
    newcomers(five_full_groups, 1)
    services.request_proposal(five_full_groups, actor=facilitator)
    newcomers(five_full_groups, 1)

    with pytest.raises(services.GroupsError, match="pool has changed"):
        services.choose_way_out(five_full_groups, actor=facilitator, number=1)


def test_a_way_forward_that_is_not_offered_is_refused(five_full_groups, facilitator):
    newcomers(five_full_groups, 1)
    services.request_proposal(five_full_groups, actor=facilitator)

    with pytest.raises(services.GroupsError):
        services.choose_way_out(five_full_groups, actor=facilitator, number=9)


def test_one_newcomer_may_join_a_group_named_with_its_new_size(
    five_full_groups, facilitator
):
    newcomers(five_full_groups, 1)
    proposal = services.request_proposal(five_full_groups, actor=facilitator)

    with translation.override("en"):
        cards = wording.way_out_cards(proposal)

    larger = next(card for card in cards if card.kind == "larger_groups")
    assert larger.title == "Allow up to 11 members in some groups"
    assert any("11 members" in line and "continues" in line for line in larger.details)
    new = next(card for card in cards if card.kind == "new_group")
    assert "7 members of continuing groups move to the new group" in new.details[0]


@pytest.mark.parametrize(
    ("language", "reason", "way", "button"),
    [
        (
            "sv",
            "Dessa regler kan inte alla gälla",
            "Tillåt upp till 11 medlemmar i vissa grupper",
            "Ja, föreslå grupperna så här",
        ),
        (
            "fi",
            "Nämä säännöt eivät voi olla voimassa yhtä aikaa",
            "Salli enintään 11 jäsentä joihinkin ryhmiin",
            "Kyllä, ehdota ryhmät näin",
        ),
    ],
)
def test_the_facilitator_chooses_a_way_forward_on_the_page_in_their_language(
    client, five_full_groups, facilitator, language, reason, way, button
):
    newcomers(five_full_groups, 1)
    services.request_proposal(five_full_groups, actor=facilitator)
    client.force_login(facilitator)
    client.cookies["django_language"] = language
    page_url = reverse("groups:proposal", kwargs={"pk": five_full_groups.pk})
    choose_url = reverse("groups:proposal-way-out", kwargs={"pk": five_full_groups.pk})

    page = client.get(page_url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    number = next(
        card.number
        for card in wording.way_out_cards(five_full_groups.proposal)
        if card.kind == "larger_groups"
    )
    asked = client.post(
        choose_url, {"way": number}, HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    done = client.post(
        choose_url, {"way": number, "confirmed": "yes"}, HTTP_ACCEPT_LANGUAGE=language
    )

    assert reason in page
    assert way in page
    assert "kept set" not in page and "clash" not in page
    assert button in asked and way in asked
    assert done.status_code == 302
    proposal = Proposal.objects.get(round=five_full_groups)
    assert proposal.status == Proposal.Status.DONE
    assert proposal.pool["sizes"] == [8, 11]


def test_only_the_rounds_facilitators_may_choose_a_way_forward(
    client, five_full_groups, facilitator
):
    newcomers(five_full_groups, 1)
    services.request_proposal(five_full_groups, actor=facilitator)
    client.force_login(PersonFactory())

    response = client.post(
        reverse("groups:proposal-way-out", kwargs={"pk": five_full_groups.pk}),
        {"way": 1, "confirmed": "yes"},
    )

    assert response.status_code == 404
    assert Proposal.objects.get(round=five_full_groups).status == Proposal.Status.FAILED
