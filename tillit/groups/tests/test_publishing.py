"""Publishing groups in one transaction, and continuing them next year."""

from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from tillit.core.tests.factories import PersonFactory
from tillit.groups import services
from tillit.groups.models import (
    Application,
    GroupMember,
    GroupRound,
    PeerGroup,
)
from tillit.notifications.models import Notification

from .factories import ApplicationFactory, organisations, pool_of


@pytest.fixture
def proposed(round_, facilitator):
    pool_of(round_, 40, orgs=organisations(12))
    return services.request_proposal(round_, actor=facilitator)


def test_publishing_creates_the_groups_and_tells_every_member(
    round_, facilitator, proposed, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        groups = services.publish(round_, actor=facilitator)

    round_.refresh_from_db()
    assert round_.status == GroupRound.Status.PUBLISHED
    assert not round_.applications_open
    assert [g.number for g in groups] == [1, 2, 3, 4]
    assert GroupMember.objects.filter(round=round_).count() == 40
    for group in groups:
        members = {str(m.person_id) for m in group.members.all()}
        assert {proposed.assignment[pid] for pid in members} == {group.number - 1}
    assert len(mailoutbox) == 40
    assert Notification.objects.filter(kind="peer_group_published").count() == 40
    assert f"/groups/{groups[0].pk}/" in "".join(m.body for m in mailoutbox)


def test_forming_then_publishing_is_one_transaction(
    round_, facilitator, proposed, monkeypatch, django_capture_on_commit_callbacks
):
    real_notify = services.publishing.notifications.notify
    calls = []

    def failing_notify(person, **kwargs):
        calls.append(person)
        if len(calls) == 25:
            raise RuntimeError("the mail outbox is full")
        return real_notify(person, **kwargs)

    monkeypatch.setattr(services.publishing.notifications, "notify", failing_notify)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
    ):
        services.publish(round_, actor=facilitator)

    round_.refresh_from_db()
    assert len(calls) == 25
    assert round_.status == GroupRound.Status.DRAFT
    assert not PeerGroup.objects.filter(round=round_).exists()
    assert not GroupMember.objects.exists()
    assert not Notification.objects.exists()


def test_publishing_is_refused_when_the_pool_changed(round_, facilitator, proposed):
    ApplicationFactory(round=round_)

    with pytest.raises(services.GroupsError, match="pool has changed"):
        services.publish(round_, actor=facilitator)

    assert not PeerGroup.objects.exists()


def test_publishing_twice_is_refused(round_, facilitator, proposed):
    services.publish(round_, actor=facilitator)

    with pytest.raises(services.GroupsError):
        services.publish(round_, actor=facilitator)


def test_publishing_without_a_proposal_is_refused(round_, facilitator):
    pool_of(round_, 10)

    with pytest.raises(services.GroupsError, match="Form the groups"):
        services.publish(round_, actor=facilitator)


# Continuing next year ------------------------------------------------------------


@pytest.fixture
def published(round_, facilitator, proposed):
    services.publish(round_, actor=facilitator)
    return round_


def test_next_years_round_has_every_member_as_continuing(published, facilitator):
    new = services.continue_round(
        published, actor=facilitator, title="Smågrupper 2028", year=2028
    )

    assert new.continues == published
    assert list(new.facilitators.all()) == [facilitator]
    applications = new.applications.all()
    assert applications.count() == 40
    assert {a.source for a in applications} == {Application.Source.CONTINUING}
    assert {a.status for a in applications} == {Application.Status.ACCEPTED}
    assert all(a.continuing_group.round == published for a in applications)


def test_continuing_members_stay_together_and_newcomers_fill_the_groups(
    published, facilitator, mailoutbox
):
    new = services.continue_round(
        published, actor=facilitator, title="Smågrupper 2028", year=2028
    )
    by_group = {}
    for application in new.applications.order_by("pk"):
        by_group.setdefault(application.continuing_group_id, application)
    leavers = list(by_group.values())[:2]
    for leaver in leavers:
        services.withdraw(leaver, actor=leaver.person)
    left = {leaver.person_id for leaver in leavers}
    newcomers = pool_of(new, 18, orgs=organisations(9))

    proposal = services.request_proposal(new, actor=facilitator)

    assert proposal.status == proposal.Status.DONE, proposal.message
    assert len(proposal.assignment) == 38 + 18
    continuing_groups = set()
    for group in published.groups.all():
        stayed = [
            str(m.person_id) for m in group.members.all() if m.person_id not in left
        ]
        continuing_groups |= {proposal.assignment[pid] for pid in stayed}
        assert len({proposal.assignment[pid] for pid in stayed}) == 1
    sizes = Counter(proposal.assignment.values())
    assert all(8 <= size <= 10 for size in sizes.values())
    assert not left & {int(pid) for pid in proposal.assignment}
    newcomer_groups = Counter(proposal.assignment[str(a.person_id)] for a in newcomers)
    assert sum(newcomer_groups[g] for g in continuing_groups) == 2
    assert len(newcomer_groups) == 4  # two continuing groups with room, two new

    groups = services.publish(new, actor=facilitator)

    continued = [g for g in groups if g.continues_id]
    assert len(continued) == 4
    assert {g.continues.round_id for g in continued} == {published.pk}
    for group in continued:
        previous = {
            m.person_id
            for m in group.continues.members.all()
            if m.person_id not in left
        }
        assert previous <= {m.person_id for m in group.members.all()}
        assert all(
            m.continuing == (m.person_id in previous) for m in group.members.all()
        )


def test_a_continuing_member_cannot_be_moved_away(published, facilitator):
    new = services.continue_round(
        published, actor=facilitator, title="Smågrupper 2028", year=2028
    )
    pool_of(new, 16, orgs=organisations(8))
    proposal = services.request_proposal(new, actor=facilitator)
    member = new.applications.filter(source=Application.Source.CONTINUING).first()
    current = proposal.assignment[str(member.person_id)]

    with pytest.raises(services.GroupsError, match="stays together"):
        services.move(
            new,
            actor=facilitator,
            person_id=member.person_id,
            group_number=(current + 1) % proposal.engine["groups"] + 1,
        )


def test_a_round_that_is_not_published_cannot_continue(round_, facilitator):
    with pytest.raises(services.GroupsError):
        services.continue_round(round_, actor=facilitator, title="x", year=2028)


# The pool ------------------------------------------------------------------------


def test_applying_puts_the_person_in_the_waiting_pool(round_):
    person = PersonFactory()

    application = services.apply(
        round_, person, years_as_manager=12, motivation=" Erfarenhetsutbyte "
    )

    assert application.status == Application.Status.PENDING
    assert application.motivation == "Erfarenhetsutbyte"


def test_applying_again_after_withdrawing_asks_anew(round_):
    person = PersonFactory()
    application = services.apply(round_, person)
    services.withdraw(application, actor=person)

    again = services.apply(round_, person, years_as_manager=3)

    assert again.pk == application.pk
    assert again.status == Application.Status.PENDING


def test_a_closed_round_takes_no_applications(round_):
    round_.applications_open = False
    round_.save()

    with pytest.raises(services.GroupsError):
        services.apply(round_, PersonFactory())


def _network(round_, members):
    from tillit.networks.models import Membership, Network

    network = Network.objects.create(
        kind=Network.Kind.PEER,
        name="Smågruppsnätverket",
        slug="smagrupper",
        owner=round_.owner,
    )
    for person in members:
        Membership.objects.create(
            network=network, person=person, joined_at=timezone.now()
        )
    round_.network = network
    round_.save(update_fields=["network"])
    return network


def test_only_network_members_apply_to_a_network_round(round_):
    member = PersonFactory()
    _network(round_, [member])

    services.apply(round_, member)
    with pytest.raises(services.GroupsError, match="members of the network"):
        services.apply(round_, PersonFactory())


def test_adding_the_network_puts_every_active_member_in_the_pool(round_, facilitator):
    people = [PersonFactory() for _ in range(5)]
    _network(round_, people)
    waiting = services.apply(round_, people[0])
    removed = services.apply(round_, people[1])
    services.decide(removed, actor=facilitator, accept=False)

    added = services.add_network_members(round_, actor=facilitator)

    assert added == 4
    waiting.refresh_from_db()
    assert waiting.status == Application.Status.ACCEPTED
    removed.refresh_from_db()
    assert removed.status == Application.Status.REMOVED
    assert round_.applications.filter(status="accepted").count() == 4


def test_the_facilitator_accepts_and_removes_applications(round_, facilitator):
    application = services.apply(round_, PersonFactory())

    services.decide(application, actor=facilitator, accept=True)
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED
    services.decide(application, actor=facilitator, accept=False)
    application.refresh_from_db()

    assert application.status == Application.Status.REMOVED
    assert application.decided_by == facilitator


def test_a_round_needs_sensible_group_sizes(facilitator, round_):
    with pytest.raises(services.GroupsError):
        services.update_round(round_, actor=facilitator, min_size=9, max_size=8)


def test_publishing_through_the_page_asks_first_with_the_counts(
    client, round_, facilitator, proposed
):
    client.force_login(facilitator)
    url = reverse("groups:publish", args=[round_.pk])

    asked = client.post(url)
    round_.refresh_from_db()
    unpublished = round_.status
    client.post(url, {"confirmed": "yes"})

    round_.refresh_from_db()
    html = asked.content.decode()
    assert "4 groups are created as proposed." in html
    assert "40 members are told by e-mail" in html
    assert unpublished != GroupRound.Status.PUBLISHED
    assert round_.status == GroupRound.Status.PUBLISHED
