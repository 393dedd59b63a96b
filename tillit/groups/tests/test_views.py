"""Pages: permissions (404 for everyone else), the proposal page with its HTMX
move, the polling status, the group page and its forms, query counts."""

import datetime as dt

import pytest
from django.urls import reverse

from tillit.core.tests.factories import OrganiserFactory, PersonFactory
from tillit.groups import services
from tillit.groups.models import Agreement, GroupMeeting, LogEntry, Proposal

from .factories import organisations, pool_of


@pytest.fixture
def published(round_, facilitator):
    pool_of(round_, 20, orgs=organisations(10))
    services.request_proposal(round_, actor=facilitator)
    groups = services.publish(round_, actor=facilitator)
    return groups[0]


def test_a_group_page_is_seen_by_its_members_and_facilitators(
    client, published, facilitator
):
    member = published.members.first().person

    for person in (member, facilitator):
        client.force_login(person)
        response = client.get(published.get_absolute_url())
        assert response.status_code == 200
        assert member.get_full_name() in response.content.decode()


def test_everyone_else_gets_404_on_every_group_page(
    client, published, round_, facilitator
):
    meeting = services.plan_meeting(
        published,
        actor=facilitator,
        starts_at=dt.datetime(2027, 3, 1, 8, tzinfo=dt.UTC),
        ends_at=dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC),
    )
    other_group = round_.groups.exclude(pk=published.pk).first()
    outsiders = [
        PersonFactory(),
        OrganiserFactory(organiser_of=round_.owner),
        other_group.members.first().person,
    ]
    pk = published.pk
    urls = [
        ("get", reverse("groups:group", args=[pk])),
        ("post", reverse("groups:agreement", args=[pk])),
        ("post", reverse("groups:meeting-add", args=[pk])),
        ("post", reverse("groups:log-add", args=[pk])),
        ("get", reverse("groups:meeting-edit", args=[meeting.pk])),
        ("post", reverse("groups:meeting-edit", args=[meeting.pk])),
    ]

    for person in outsiders:
        client.force_login(person)
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 404, (person, url)
    assert not Agreement.objects.exists()


def test_facilitator_pages_are_404_for_others(client, round_, facilitator):
    pool_of(round_, 10)
    applicant = round_.applications.first().person
    pk = round_.pk
    urls = [
        ("get", reverse("groups:round", args=[pk])),
        ("get", reverse("groups:round-settings", args=[pk])),
        ("get", reverse("groups:proposal", args=[pk])),
        ("post", reverse("groups:propose", args=[pk])),
        ("post", reverse("groups:proposal-move", args=[pk])),
        ("post", reverse("groups:publish", args=[pk])),
        ("post", reverse("groups:accept-waiting", args=[pk])),
        ("post", reverse("groups:theme-add", args=[pk])),
        ("post", reverse("groups:facilitator-add", args=[pk])),
        ("post", reverse("groups:continue", args=[pk])),
        (
            "post",
            reverse("groups:application-decide", args=[round_.applications.first().pk]),
        ),
    ]

    for person in (PersonFactory(), applicant):
        client.force_login(person)
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 404, url
    assert not Proposal.objects.exists()


def test_owner_staff_may_facilitate(client, round_):
    client.force_login(OrganiserFactory(organiser_of=round_.owner))

    assert client.get(round_.get_absolute_url()).status_code == 200


def test_a_person_applies_with_errors_beside_the_field(client, round_):
    person = PersonFactory()
    client.force_login(person)
    url = reverse("groups:apply", args=[round_.pk])

    response = client.post(url, {"years_as_manager": "99", "motivation": "x"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_years_as_manager_error"' in html
    assert 'aria-describedby="id_years_as_manager_error"' in html or (
        "id_years_as_manager_error" in html.split('name="years_as_manager"')[1][:300]
    )
    assert not round_.applications.exists()
    response = client.post(url, {"years_as_manager": "12", "motivation": "Utbyte"})
    assert response.status_code == 302
    assert round_.applications.get().person == person


def test_taking_one_waiting_application_speaks_of_one_application(
    client, round_, facilitator
):
    client.force_login(PersonFactory())
    client.post(
        reverse("groups:apply", args=[round_.pk]),
        {"years_as_manager": "12", "motivation": "Utbyte"},
    )
    client.force_login(facilitator)
    client.cookies["django_language"] = "sv"

    response = client.post(
        reverse("groups:accept-waiting", args=[round_.pk]), follow=True
    )

    assert "1 ansökan togs in i poolen." in response.content.decode()


def test_a_closed_round_is_404_to_people_who_did_not_apply(client, round_):
    round_.applications_open = False
    round_.save()
    client.force_login(PersonFactory())

    assert client.get(reverse("groups:apply", args=[round_.pk])).status_code == 404


def test_the_proposal_page_shows_groups_mix_and_rules(client, round_, facilitator):
    pool_of(round_, 40, orgs=organisations(12))
    client.force_login(facilitator)

    response = client.post(reverse("groups:propose", args=[round_.pk]))

    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert page.count('class="card group-card') == 4
    assert 'id="rule-table"' in page
    assert "At most 1 from one organisation in a group" in page
    assert "Branch of government" in page
    assert page.count('name="group"') == 40


def test_a_move_without_javascript_redirects_with_a_message(
    client, round_, facilitator
):
    applications = pool_of(round_, 20, orgs=organisations(10))
    round_.max_per_organisation = 0
    round_.save()
    proposal = services.request_proposal(round_, actor=facilitator)
    pid = str(applications[0].person_id)
    target = 2 - proposal.assignment[pid]
    client.force_login(facilitator)

    response = client.post(
        reverse("groups:proposal-move", args=[round_.pk]),
        {"person": pid, "group": target},
        follow=True,
    )

    proposal.refresh_from_db()
    assert proposal.assignment[pid] == target - 1
    assert f"Moved to group {target}" in response.content.decode()


def test_a_move_with_htmx_returns_the_updated_cards_and_figures(
    client, round_, facilitator
):
    applications = pool_of(round_, 20, orgs=organisations(10))
    round_.max_per_organisation = 0
    round_.save()
    proposal = services.request_proposal(round_, actor=facilitator)
    pid = str(applications[0].person_id)
    target = 2 - proposal.assignment[pid]
    client.force_login(facilitator)

    response = client.post(
        reverse("groups:proposal-move", args=[round_.pk]),
        {"person": pid, "group": target},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="proposal-body">')
    assert "<html" not in html
    assert 'id="moves-count">1<' in html
    assert 'data-size="11"' in html
    assert "outside 8–10" in html


def test_a_refused_move_shows_the_reason(client, round_, facilitator):
    applications = pool_of(round_, 20, orgs=organisations(10))
    proposal = services.request_proposal(round_, actor=facilitator)
    org_of = {str(a.person_id): a.person.organisation_id for a in applications}
    pid = str(applications[0].person_id)
    target = next(
        g
        for p, g in proposal.assignment.items()
        if p != pid and org_of[p] == org_of[pid]
    )
    client.force_login(facilitator)

    response = client.post(
        reverse("groups:proposal-move", args=[round_.pk]),
        {"person": pid, "group": target + 1},
        headers={"HX-Request": "true"},
    )

    assert "the most the round allows" in response.content.decode()
    assert 'role="alert"' in response.content.decode()


def test_the_status_partial_polls_while_running_and_redirects_when_done(
    client, round_, facilitator, settings, django_capture_on_commit_callbacks
):
    settings.TILLIT_GROUPS_INLINE_LIMIT = 5
    settings.TILLIT_GROUPS_BACKGROUND_SECONDS = 0.2
    pool_of(round_, 16)
    client.force_login(facilitator)
    url = reverse("groups:proposal-status", args=[round_.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("groups:propose", args=[round_.pk]))

    running = client.get(url, headers={"HX-Request": "true"})
    page = client.get(reverse("groups:proposal", args=[round_.pk])).content.decode()
    for callback in callbacks:
        callback()
    done = client.get(url, headers={"HX-Request": "true"})

    assert 'hx-trigger="every 2s"' in running.content.decode()
    assert 'aria-live="polite"' in running.content.decode()
    assert "You can leave this page" in page
    assert done["HX-Redirect"] == reverse("groups:proposal", args=[round_.pk])


def test_the_proposal_page_needs_few_queries_whatever_the_pool(
    client, round_, facilitator, django_assert_max_num_queries
):
    pool_of(round_, 150, orgs=organisations(40))
    services.request_proposal(round_, actor=facilitator)
    client.force_login(facilitator)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("groups:proposal", args=[round_.pk]))

    assert response.status_code == 200
    assert 'aria-label="Pages of groups"' in response.content.decode()


def test_the_pool_page_needs_few_queries_whatever_the_pool(
    client, round_, facilitator, django_assert_max_num_queries
):
    pool_of(round_, 150, orgs=organisations(40))
    client.force_login(facilitator)

    with django_assert_max_num_queries(12):
        response = client.get(round_.get_absolute_url())

    assert response.content.decode().count("data-person=") == 100


def test_members_write_their_ways_of_working_and_log_meetings(client, published):
    member = published.members.first().person
    client.force_login(member)
    url = published.get_absolute_url()

    client.post(
        reverse("groups:agreement", args=[published.pk]),
        {"ways_of_working": "Vi träffas varannan månad.", "themes": "Tillit"},
    )
    client.post(
        reverse("groups:log-add", args=[published.pk]),
        {"log-held_on": "2026-01-10", "log-text": "Vi talade om förändring."},
    )
    client.post(
        reverse("groups:meeting-add", args=[published.pk]),
        {
            "meeting-date": "2027-02-01",
            "meeting-starts": "08:00",
            "meeting-ends": "09:30",
            "meeting-place": "Finansministeriet",
        },
    )

    page = client.get(url).content.decode()
    agreement = Agreement.objects.get()
    assert agreement.written_by == member
    assert "Vi träffas varannan månad." in page
    assert member.get_full_name() in page
    assert LogEntry.objects.get().text == "Vi talade om förändring."
    assert GroupMeeting.objects.get().place == "Finansministeriet"


def test_a_meeting_that_ends_before_it_starts_is_refused_beside_the_field(
    client, published
):
    client.force_login(published.members.first().person)

    response = client.post(
        reverse("groups:meeting-add", args=[published.pk]),
        {"meeting-date": "2027-02-01", "meeting-starts": "10:00", "meeting-ends": "09"},
    )

    assert response.status_code == 400
    assert 'id="id_meeting-ends_error"' in response.content.decode()
    assert not GroupMeeting.objects.exists()


def test_themes_raised_for_the_round_show_on_every_group_page(
    client, published, round_, facilitator
):
    services.raise_theme(round_, actor=facilitator, title="Ledarskap i kris")

    for group in round_.groups.all():
        client.force_login(group.members.first().person)
        assert (
            "Ledarskap i kris" in client.get(group.get_absolute_url()).content.decode()
        )


def test_my_groups_lists_a_members_groups(client, published):
    member = published.members.first().person
    client.force_login(member)

    page = client.get(reverse("groups:home")).content.decode()

    assert published.get_absolute_url() in page
    assert 'id="my-peer-groups-heading"' in page


def test_a_member_changes_a_meeting(client, published, facilitator):
    meeting = services.plan_meeting(
        published,
        actor=facilitator,
        starts_at=dt.datetime(2027, 3, 1, 8, tzinfo=dt.UTC),
        ends_at=dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC),
    )
    client.force_login(published.members.first().person)
    url = reverse("groups:meeting-edit", args=[meeting.pk])

    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"date": "2027-03-02", "starts": "10:00", "ends": "11:00", "place": "Esbo"},
    )

    meeting.refresh_from_db()
    assert response.status_code == 302
    assert meeting.place == "Esbo"
    assert meeting.ends_at - meeting.starts_at == dt.timedelta(hours=1)


def test_a_meeting_is_typed_and_shown_on_the_owner_organisations_clock(
    client, published, round_
):
    """A Swedish member of a Finnish-owned round types 08:00: that is 08:00
    Finnish time (06:00 UTC in February), and the page gives their own 07:00."""
    round_.owner.time_zone = "Europe/Helsinki"
    round_.owner.save(update_fields=["time_zone"])
    member = published.members.first().person
    member.organisation.time_zone = "Europe/Stockholm"
    member.organisation.save(update_fields=["time_zone"])
    member.preferred_language = "sv"
    member.save(update_fields=["preferred_language"])
    client.force_login(member)

    client.post(
        reverse("groups:meeting-add", args=[published.pk]),
        {
            "meeting-date": "2027-02-01",
            "meeting-starts": "08:00",
            "meeting-ends": "09:30",
        },
    )
    page = client.get(published.get_absolute_url()).content.decode()
    form = client.get(
        reverse("groups:meeting-edit", args=[GroupMeeting.objects.get().pk])
    ).content.decode()

    meeting = GroupMeeting.objects.get()
    assert meeting.starts_at == dt.datetime(2027, 2, 1, 6, tzinfo=dt.UTC)
    assert "08:00–09:30 finsk tid" in page
    assert "07:00–08:30 svensk tid" in page
    assert 'value="08:00"' in form
    assert "finsk tid" in form
