import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tillit.core.tests.factories import OrganisationFactory, PersonFactory, pdf_upload
from tillit.networks import services
from tillit.networks.models import Membership, Network

from .factories import (
    AnnouncementFactory,
    ChairFactory,
    MeetingFactory,
    MembershipFactory,
    NetworkFactory,
    SharedFileFactory,
)

Status = Membership.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    """A network with a chair, a member, a meeting, an announcement and a file."""
    chair = ChairFactory()
    network = chair.network
    network.chair = chair
    network.member = MembershipFactory(network=network)
    network.meeting = MeetingFactory(network=network)
    network.announcement = AnnouncementFactory(network=network)
    network.shared = SharedFileFactory(network=network, uploaded_by=chair.person)
    return network


def inner_urls(network):
    """Every page and file only members (or leaders) may reach."""
    slug = network.slug
    member = network.member.pk
    return [
        ("get", reverse("networks:network-home", args=[slug])),
        ("get", reverse("networks:network-members", args=[slug])),
        ("post", reverse("networks:network-members", args=[slug])),
        ("get", reverse("networks:network-announcements", args=[slug])),
        ("post", reverse("networks:network-announcements", args=[slug])),
        (
            "post",
            reverse(
                "networks:announcement-delete", args=[slug, network.announcement.pk]
            ),
        ),
        ("get", reverse("networks:network-meetings", args=[slug])),
        ("post", reverse("networks:network-meetings", args=[slug])),
        ("get", reverse("networks:meeting-edit", args=[slug, network.meeting.pk])),
        ("post", reverse("networks:meeting-delete", args=[slug, network.meeting.pk])),
        ("get", reverse("networks:network-ics", args=[slug])),
        ("get", reverse("networks:network-files", args=[slug])),
        ("post", reverse("networks:network-files", args=[slug])),
        ("get", reverse("networks:network-file", args=[slug, network.shared.pk])),
        ("post", reverse("networks:file-delete", args=[slug, network.shared.pk])),
        ("post", reverse("networks:network-leave", args=[slug])),
        ("get", reverse("networks:network-manage", args=[slug])),
        ("post", reverse("networks:network-invite", args=[slug])),
        ("post", reverse("networks:network-settings", args=[slug])),
        ("post", reverse("networks:member-approve", args=[slug, member])),
        ("post", reverse("networks:member-refuse", args=[slug, member])),
        ("post", reverse("networks:member-remove", args=[slug, member])),
        ("post", reverse("networks:member-role", args=[slug, member])),
    ]


LEADER_ONLY = ("/manage/", "/delete/", "/edit/")


def assert_all_404(client, network, *, skip=()):
    for method, url in inner_urls(network):
        if any(part in url for part in skip):
            continue
        response = getattr(client, method)(url, {"role": "chair"})
        assert response.status_code == 404, (method, url, response.status_code)


def test_a_non_member_gets_404_on_every_inner_page_and_file(client, network):
    client.force_login(PersonFactory())

    assert_all_404(client, network)


@pytest.mark.parametrize(
    "status", [Status.INVITED, Status.APPLIED, Status.REFUSED, Status.LEFT]
)
def test_anyone_not_yet_or_no_longer_a_member_gets_404(client, network, status):
    outsider = MembershipFactory(network=network, status=status, joined_at=None)
    client.force_login(outsider.person)

    assert_all_404(client, network)


def test_an_ordinary_member_gets_404_on_every_leader_page(client, network):
    client.force_login(network.member.person)

    for method, url in inner_urls(network):
        if "/files/" in url and url.endswith("/delete/"):
            continue  # a member may remove their own files; tested below
        if any(part in url for part in LEADER_ONLY):
            response = getattr(client, method)(url, {"role": "chair"})
            assert response.status_code == 404, (method, url)


def test_anonymous_visitors_are_sent_to_log_in(client, network):
    for method, url in inner_urls(network):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login"))


def test_a_member_who_leaves_loses_the_inner_pages_at_once(client, network):
    client.force_login(network.member.person)
    home = reverse("networks:network-home", args=[network.slug])
    assert client.get(home).status_code == 200

    url = reverse("networks:network-leave", args=[network.slug])
    asked = client.post(url)
    still_in = client.get(home).status_code
    response = client.post(url, {"confirmed": "yes"})

    assert 'id="confirm-button"' in asked.content.decode()
    assert still_in == 200
    assert response.status_code == 302
    assert response.url == reverse("networks:my-networks")
    assert_all_404(client, network)


def test_a_member_sees_every_inner_page(client, network):
    client.force_login(network.member.person)

    for name in [
        "network-home",
        "network-members",
        "network-announcements",
        "network-meetings",
        "network-files",
    ]:
        response = client.get(reverse(f"networks:{name}", args=[network.slug]))
        assert response.status_code == 200, name
        assert b"Leave " in response.content


def test_a_member_downloads_a_shared_file_as_an_attachment(client, network):
    client.force_login(network.member.person)

    response = client.get(
        reverse("networks:network-file", args=[network.slug, network.shared.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_file_address_under_another_network_does_not_leak_it(client, network):
    other = MembershipFactory(person=network.member.person)
    client.force_login(network.member.person)

    response = client.get(
        reverse("networks:network-file", args=[other.network.slug, network.shared.pk])
    )

    assert response.status_code == 302
    assert network.slug in response.url


def test_a_member_uploads_a_file(client, network):
    client.force_login(network.member.person)

    response = client.post(
        reverse("networks:network-files", args=[network.slug]),
        {"upload": pdf_upload("program.pdf"), "description": "Seminariets program"},
    )

    assert response.status_code == 302
    assert network.files.filter(original_name="program.pdf").exists()


def test_a_wrong_file_gets_a_message_beside_the_field(client, network):
    from tillit.core.tests.factories import EXE_BYTES, upload

    client.force_login(network.member.person)

    response = client.post(
        reverse("networks:network-files", args=[network.slug]),
        {"upload": upload("program.pdf", EXE_BYTES)},
    )

    assert response.status_code == 400
    assert b'id="id_upload_error"' in response.content
    assert network.files.count() == 1


def test_a_member_removes_their_own_file(client, network):
    shared = SharedFileFactory(network=network, uploaded_by=network.member.person)
    client.force_login(network.member.person)

    url = reverse("networks:file-delete", args=[network.slug, shared.pk])
    asked = client.post(url)
    kept = network.files.filter(pk=shared.pk).exists()
    client.post(url, {"confirmed": "yes"})

    assert "members can no longer open it" in asked.content.decode()
    assert kept
    assert not network.files.filter(pk=shared.pk).exists()


def test_the_directory_honours_each_members_choices(client, network):
    hidden = MembershipFactory(network=network, person__email="dold@example.org")
    shown = MembershipFactory(
        network=network, person__email="synlig@example.org", show_email=True
    )
    client.force_login(network.member.person)

    response = client.get(reverse("networks:network-members", args=[network.slug]))

    assert hidden.person.get_full_name().encode() in response.content
    assert b"dold@example.org" not in response.content
    assert shown.person.email.encode() in response.content


def test_a_member_changes_what_others_see(client, network):
    client.force_login(network.member.person)

    response = client.post(
        reverse("networks:network-members", args=[network.slug]),
        {"show_email": "on", "show_title": "on", "phone": ""},
    )

    assert response.status_code == 302
    network.member.refresh_from_db()
    assert network.member.show_email and network.member.show_title
    assert not network.member.show_organisation


def test_changing_visibility_by_htmx_returns_the_members_partial(client, network):
    client.force_login(network.member.person)

    response = client.post(
        reverse("networks:network-members", args=[network.slug]),
        {"show_organisation": "on"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert b"<h1" not in response.content
    assert b'id="directory"' in response.content
    assert b'hx-swap-oob="innerHTML:#messages"' in response.content


def test_showing_a_phone_without_a_number_is_an_error_beside_the_field(client, network):
    client.force_login(network.member.person)

    response = client.post(
        reverse("networks:network-members", args=[network.slug]),
        {"show_phone": "on", "phone": ""},
    )

    assert response.status_code == 400
    assert b'id="id_phone_error"' in response.content
    network.member.refresh_from_db()
    assert not network.member.show_phone


def test_the_directory_page_query_count_does_not_grow_with_members(
    client, network, django_assert_max_num_queries
):
    MembershipFactory.create_batch(10, network=network, show_organisation=True)
    client.force_login(network.member.person)
    url = reverse("networks:network-members", args=[network.slug])
    client.get(url)

    with django_assert_max_num_queries(12):
        client.get(url)


def test_the_chair_posts_an_announcement_that_members_get_by_mail(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(network.chair.person)
    url = reverse("networks:network-announcements", args=[network.slug])
    announcement = {"title": "Årligt seminarium", "body": "Den 12 maj i Helsingfors."}

    asked = client.post(url, announcement).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, announcement | {"confirmed": "yes"})

    assert "It is mailed to 1 member." in asked
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [[network.member.person.email]]
    assert "Årligt seminarium" in mailoutbox[0].subject


def test_members_see_no_announcement_form(client, network):
    client.force_login(network.member.person)

    response = client.get(
        reverse("networks:network-announcements", args=[network.slug])
    )

    assert b"Post an announcement" not in response.content
    assert network.announcement.title.encode() in response.content


def test_the_chair_adds_a_meeting(client, network):
    client.force_login(network.chair.person)

    response = client.post(
        reverse("networks:network-meetings", args=[network.slug]),
        {
            "title": "Morgonträff om kompetensförsörjning",
            "starts_at": "2027-03-10T08:00",
            "ends_at": "2027-03-10T09:00",
            "place": "Finansministeriet",
        },
    )

    assert response.status_code == 302
    assert network.meetings.filter(title__startswith="Morgonträff om").exists()


def test_a_meeting_ending_before_it_starts_is_refused_beside_the_field(client, network):
    client.force_login(network.chair.person)

    response = client.post(
        reverse("networks:network-meetings", args=[network.slug]),
        {
            "title": "Fel",
            "starts_at": "2027-03-10T09:00",
            "ends_at": "2027-03-10T08:00",
        },
    )

    assert response.status_code == 400
    assert b'id="id_ends_at_error"' in response.content
    assert not network.meetings.filter(title="Fel").exists()


def test_the_chair_changes_a_meeting(client, network):
    client.force_login(network.chair.person)
    start = timezone.localtime(network.meeting.starts_at) + dt.timedelta(days=1)

    response = client.post(
        reverse("networks:meeting-edit", args=[network.slug, network.meeting.pk]),
        {
            "title": "Flyttad morgonträff",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )

    assert response.status_code == 302
    network.meeting.refresh_from_db()
    assert network.meeting.title == "Flyttad morgonträff"
    assert network.meeting.sequence == 1


def test_public_list_and_public_face(client, network):
    response = client.get(reverse("networks:network-list"))
    assert network.name.encode() in response.content

    response = client.get(network.get_absolute_url())
    assert response.status_code == 200
    assert network.description.encode() in response.content
    assert network.member.person.get_full_name().encode() not in response.content


def test_a_network_by_invitation_is_not_listed_but_has_a_public_face(client):
    network = NetworkFactory(join_policy=Network.JoinPolicy.INVITATION)

    assert (
        network.name.encode()
        not in client.get(reverse("networks:network-list")).content
    )
    assert client.get(network.get_absolute_url()).status_code == 200


def test_applying_through_the_public_face(client, network):
    person = PersonFactory()
    client.force_login(person)

    response = client.post(
        reverse("networks:network-apply", args=[network.slug]),
        {"text": "Jag är HR-direktör vid ett ämbetsverk."},
    )

    assert response.status_code == 302
    assert network.memberships.get(person=person).status == Status.APPLIED


def test_an_empty_application_gets_a_message_beside_the_field(client, network):
    client.force_login(PersonFactory())

    response = client.post(
        reverse("networks:network-apply", args=[network.slug]), {"text": ""}
    )

    assert response.status_code == 400
    assert b'id="id_text_error"' in response.content


def test_an_outsiders_application_is_refused_with_a_message(client, network):
    outsider = PersonFactory(organisation=OrganisationFactory(sector="private"))
    client.force_login(outsider)

    response = client.post(
        reverse("networks:network-apply", args=[network.slug]), {"text": "Konsult"}
    )

    assert response.status_code == 400
    assert b"public sector" in response.content
    assert not network.memberships.filter(person=outsider).exists()


def test_the_chair_approves_an_application(client, network):
    applicant = services.apply(PersonFactory(), network, text="Gärna")
    client.force_login(network.chair.person)

    client.post(reverse("networks:member-approve", args=[network.slug, applicant.pk]))

    applicant.refresh_from_db()
    assert applicant.status == Status.ACTIVE


def test_the_chair_invites_by_email_and_the_invitee_accepts(client, network):
    invitee = PersonFactory()
    client.force_login(network.chair.person)
    client.post(
        reverse("networks:network-invite", args=[network.slug]),
        {"email": invitee.email},
    )
    membership = network.memberships.get(person=invitee)
    client.force_login(invitee)

    page = client.get(reverse("networks:my-networks"))
    response = client.post(reverse("networks:invitation-accept", args=[membership.pk]))

    assert network.name.encode() in page.content
    assert response.url == reverse("networks:network-home", args=[network.slug])
    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE


def test_an_invitation_refused_by_the_sector_rule_is_shown_beside_the_address(
    client, network
):
    outsider = PersonFactory(organisation=None)
    client.force_login(network.chair.person)

    response = client.post(
        reverse("networks:network-invite", args=[network.slug]),
        {"email": outsider.email},
    )

    assert response.status_code == 400
    assert b'id="id_email_error"' in response.content
    assert not network.memberships.filter(person=outsider).exists()


def test_nobody_accepts_another_persons_invitation(client, network):
    membership = services.invite(network, PersonFactory(), actor=network.chair.person)
    client.force_login(PersonFactory())

    response = client.post(reverse("networks:invitation-accept", args=[membership.pk]))

    assert response.status_code == 404


def test_the_chair_makes_a_member_facilitator(client, network):
    client.force_login(network.chair.person)

    client.post(
        reverse("networks:member-role", args=[network.slug, network.member.pk]),
        {"role": "facilitator"},
    )

    network.member.refresh_from_db()
    assert network.member.role == Membership.Role.FACILITATOR


def test_the_manage_page_query_count_does_not_grow_with_members(
    client, network, django_assert_max_num_queries
):
    MembershipFactory.create_batch(10, network=network)
    for _ in range(3):
        services.apply(PersonFactory(), network, text="Gärna")
    client.force_login(network.chair.person)
    url = reverse("networks:network-manage", args=[network.slug])
    client.get(url)

    with django_assert_max_num_queries(14):
        client.get(url)


def test_my_networks_page_query_count_does_not_grow(
    client, django_assert_max_num_queries
):
    person = PersonFactory()
    MembershipFactory.create_batch(6, person=person)
    client.force_login(person)
    url = reverse("networks:my-networks")
    client.get(url)

    with django_assert_max_num_queries(12):
        response = client.get(url)

    assert response.status_code == 200


def test_an_organiser_creates_a_network(client):
    organiser = PersonFactory()
    owner = OrganisationFactory(name="Finansministeriet")
    owner.staff.add(organiser)
    client.force_login(organiser)

    response = client.post(
        reverse("networks:network-create"),
        {
            "name": "Kehikko",
            "slug": "kehikko",
            "kind": "open",
            "owner": owner.pk,
            "description": "Ministeriernas utvecklingschefer.",
            "join_policy": "application",
        },
    )

    assert response.status_code == 302
    assert Network.objects.get(slug="kehikko").memberships.get().person == organiser


def test_only_organisers_may_create_networks(client):
    client.force_login(PersonFactory())

    assert client.get(reverse("networks:network-create")).status_code == 404


def test_a_reserved_address_is_refused(client):
    organiser = PersonFactory()
    owner = OrganisationFactory()
    owner.staff.add(organiser)
    client.force_login(organiser)

    response = client.post(
        reverse("networks:network-create"),
        {
            "name": "Mine",
            "slug": "mine",
            "kind": "open",
            "owner": owner.pk,
            "join_policy": "application",
        },
    )

    assert response.status_code == 400
    assert b'id="id_slug_error"' in response.content


def test_an_htmx_visibility_error_comes_back_in_the_partial(client, network):
    client.force_login(network.member.person)

    response = client.post(
        reverse("networks:network-members", args=[network.slug]),
        {"show_phone": "on", "phone": ""},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert b'id="id_phone_error"' in response.content


@pytest.mark.parametrize("what", ["meeting", "member", "announcement"])
def test_removing_asks_first_and_removes_only_when_confirmed(client, network, what):
    slug = network.slug
    urls = {
        "meeting": reverse("networks:meeting-delete", args=[slug, network.meeting.pk]),
        "member": reverse("networks:member-remove", args=[slug, network.member.pk]),
        "announcement": reverse(
            "networks:announcement-delete", args=[slug, network.announcement.pk]
        ),
    }
    still_there = {
        "meeting": lambda: network.meetings.filter(pk=network.meeting.pk).exists(),
        "member": lambda: (
            network.memberships.active().filter(pk=network.member.pk).exists()
        ),
        "announcement": lambda: network.announcements.filter(
            pk=network.announcement.pk
        ).exists(),
    }
    client.force_login(network.chair.person)

    asked = client.post(urls[what])
    kept = still_there[what]()
    client.post(urls[what], {"confirmed": "yes"})

    assert 'id="confirm-button"' in asked.content.decode()
    assert kept
    assert not still_there[what]()
