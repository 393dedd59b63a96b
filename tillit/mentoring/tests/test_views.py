import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tillit.core.tests.factories import OrganiserFactory, PersonFactory
from tillit.mentoring import services
from tillit.mentoring.models import Evaluation, Meeting, Note, Pair
from tillit.programmes.tests.factories import ProgrammeFactory

from .factories import (
    MeetingFactory,
    MentorFactory,
    MentoringProgrammeFactory,
    PairFactory,
    mentee_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentoring():
    return MentoringProgrammeFactory()


@pytest.fixture
def organiser(mentoring):
    return OrganiserFactory(organiser_of=mentoring.programme.organiser)


def url(name, *args):
    return reverse(f"mentoring:{name}", args=args)


# Permissions ------------------------------------------------------------------------


def test_a_pair_space_is_404_for_everyone_but_its_members(client, mentoring, organiser):
    pair = PairFactory(mentor__mentoring=mentoring)
    for outsider in (PersonFactory(), organiser, mentee_of(mentoring)):
        client.force_login(outsider)

        assert client.get(url("pair", pair.pk)).status_code == 404
        assert client.post(url("note-add", pair.pk), {}).status_code == 404


def test_both_members_open_the_pair_space(client):
    pair = PairFactory()
    for member in (pair.mentee, pair.mentor.person):
        client.force_login(member)

        assert client.get(url("pair", pair.pk)).status_code == 200


def test_the_pool_is_404_for_people_outside_the_programme(client, mentoring):
    client.force_login(PersonFactory())

    assert client.get(url("pool", mentoring.programme.pk)).status_code == 404
    assert client.get(url("wishes", mentoring.programme.pk)).status_code == 404


def test_organiser_pages_are_404_for_other_organisers(client, mentoring):
    client.force_login(OrganiserFactory(organiser_of=PersonFactory().organisation))
    mentor = MentorFactory(mentoring=mentoring)
    pk = mentoring.programme.pk

    for page in ("organiser-programme", "organiser-matching", "organiser-pairs"):
        assert client.get(url(page, pk)).status_code == 404
    assert client.get(url("organiser-mentor-edit", mentor.pk)).status_code == 404
    assert client.post(url("organiser-matching-run", pk)).status_code == 404


def test_marking_someone_elses_meeting_held_is_404(client):
    meeting = MeetingFactory(starts_at=timezone.now() - dt.timedelta(hours=1))
    client.force_login(PersonFactory())

    response = client.post(url("meeting-held", meeting.pk))

    assert response.status_code == 404
    meeting.refresh_from_db()
    assert not meeting.is_held


# Privacy ----------------------------------------------------------------------------


def test_private_notes_are_seen_only_by_their_author(client):
    pair = PairFactory()
    client.force_login(pair.mentee)
    client.post(
        url("note-add", pair.pk),
        {"note-body": "Mina egna tankar om budgeten", "note-visibility": "private"},
    )
    client.post(
        url("note-add", pair.pk),
        {"note-body": "Vi talar om nämnden", "note-visibility": "shared"},
    )

    client.force_login(pair.mentor.person)
    mentor_page = client.get(url("pair", pair.pk)).content.decode()
    client.force_login(pair.mentee)
    mentee_page = client.get(url("pair", pair.pk)).content.decode()

    assert "Vi talar om nämnden" in mentor_page
    assert "Mina egna tankar om budgeten" not in mentor_page
    assert "Mina egna tankar om budgeten" in mentee_page


def test_the_organiser_sees_meeting_counts_but_never_topics_or_notes(
    client, mentoring, organiser
):
    pair = PairFactory(mentor__mentoring=mentoring)
    held_at = timezone.now() - dt.timedelta(days=3)
    MeetingFactory(pair=pair, starts_at=held_at, is_held=True, topics="Hemligt ämne")
    MeetingFactory(pair=pair, topics="Framtida ämne")
    Note.objects.create(
        pair=pair, author=pair.mentee, body="Delad anteckning", visibility="shared"
    )
    Note.objects.create(
        pair=pair, author=pair.mentee, body="Privat anteckning", visibility="private"
    )
    client.force_login(organiser)

    response = client.get(url("organiser-pairs", mentoring.programme.pk))

    page = response.content.decode()
    assert response.status_code == 200
    row = response.context["rows"][0]
    assert (row.planned, row.held) == (1, 1)
    assert row.last_held == held_at
    for secret in (
        "Hemligt ämne",
        "Framtida ämne",
        "Delad anteckning",
        "Privat anteckning",
        "Stadshuset",
    ):
        assert secret not in page


def test_evaluation_results_are_shown_only_from_five_answers(
    client, mentoring, organiser
):
    answers = {"useful": 4, "trust": 5, "often": 3, "recommend": 4}
    pairs = [PairFactory(mentor__mentoring=mentoring) for _ in range(5)]
    for pair in pairs[:4]:
        Evaluation.objects.create(
            pair=pair,
            respondent=pair.mentee,
            side="mentee",
            comment="Bra samtal",
            **answers,
        )
    client.force_login(organiser)
    before = client.get(url("organiser-pairs", mentoring.programme.pk))
    pair = pairs[4]
    Evaluation.objects.create(
        pair=pair, respondent=pair.mentee, side="mentee", **answers
    )

    after = client.get(url("organiser-pairs", mentoring.programme.pk))

    assert not before.context["results"][0].shown
    assert "Bra samtal" not in before.content.decode()
    assert after.context["results"][0].shown
    assert after.context["results"][0].means[0][1] == 4.0


# Mentees ----------------------------------------------------------------------------


def test_a_mentee_ranks_mentors_with_ordered_select_boxes(client, mentoring):
    a, b = MentorFactory.create_batch(2, mentoring=mentoring)
    mentee = mentee_of(mentoring)
    client.force_login(mentee)

    response = client.post(
        url("wishes", mentoring.programme.pk),
        {"choice_1": b.pk, "choice_2": a.pk, "areas": ["finance"], "note": "Gärna"},
    )

    assert response.status_code == 302
    wishlist = mentee.wishlists.get()
    assert [w.mentor for w in wishlist.wishes.all()] == [b, a]
    assert wishlist.note == "Gärna"


def test_ranking_a_mentor_twice_shows_an_error_beside_the_field(client, mentoring):
    a = MentorFactory(mentoring=mentoring)
    mentee = mentee_of(mentoring)
    client.force_login(mentee)

    response = client.post(
        url("wishes", mentoring.programme.pk), {"choice_1": a.pk, "choice_2": a.pk}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_choice_2_error"' in page
    assert 'aria-describedby="id_choice_2_error"' in page
    assert not mentee.wishlists.exists()


def test_the_pool_filters_by_area_and_answers_htmx_with_the_results(client, mentoring):
    MentorFactory(mentoring=mentoring, areas=["finance"], person__last_name="Ekonom")
    MentorFactory(mentoring=mentoring, areas=["digital"], person__last_name="Digital")
    client.force_login(mentee_of(mentoring))

    response = client.get(
        url("pool", mentoring.programme.pk), {"area": "finance"}, HTTP_HX_REQUEST="true"
    )

    page = response.content.decode()
    assert "Ekonom" in page and "Digital" not in page
    assert "<html" not in page


def test_a_member_plans_a_meeting_and_marks_it_held(client):
    pair = PairFactory()
    client.force_login(pair.mentor.person)
    when = timezone.localtime() - dt.timedelta(hours=2)

    client.post(
        url("meeting-plan", pair.pk),
        {
            "meeting-starts_at": when.strftime("%Y-%m-%dT%H:%M"),
            "meeting-place": "Kommunhuset",
            "meeting-topics": "Budgetdialogen",
        },
    )
    meeting = Meeting.objects.get(pair=pair)
    client.post(url("meeting-held", meeting.pk))

    meeting.refresh_from_db()
    assert meeting.is_held


def test_a_meeting_without_place_or_link_shows_an_error_beside_the_place(client):
    pair = PairFactory()
    client.force_login(pair.mentee)

    response = client.post(
        url("meeting-plan", pair.pk), {"meeting-starts_at": "2030-05-01T10:00"}
    )

    assert response.status_code == 400
    assert 'id="id_meeting-place_error"' in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_member_moves_a_planned_meeting_from_the_pair_space(client):
    meeting = MeetingFactory(place="Kommunhuset")
    client.force_login(meeting.pair.mentee)

    page = client.get(url("pair", meeting.pair.pk)).content.decode()
    form = client.get(url("meeting-edit", meeting.pk)).content.decode()
    response = client.post(
        url("meeting-edit", meeting.pk),
        {"starts_at": "2031-02-03T14:30", "place": "", "link": "https://m.example/x"},
    )

    meeting.refresh_from_db()
    assert url("meeting-edit", meeting.pk) in page
    assert 'value="Kommunhuset"' in form
    assert response.status_code == 302
    assert timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M") == (
        "2031-02-03 14:30"
    )
    assert (meeting.place, meeting.link) == ("", "https://m.example/x")


def test_a_changed_meeting_without_place_or_link_keeps_its_old_values(client):
    meeting = MeetingFactory(place="Kommunhuset")
    client.force_login(meeting.pair.mentor.person)

    response = client.post(
        url("meeting-edit", meeting.pk), {"starts_at": "2031-02-03T14:30"}
    )

    meeting.refresh_from_db()
    assert response.status_code == 400
    assert 'id="id_place_error"' in response.content.decode()
    assert meeting.place == "Kommunhuset"


def test_a_member_cancels_a_planned_meeting_but_not_a_held_one(client):
    planned = MeetingFactory()
    held = MeetingFactory(pair=planned.pair, is_held=True)
    client.force_login(planned.pair.mentor.person)

    asked = client.post(url("meeting-cancel", planned.pk))
    client.post(url("meeting-cancel", planned.pk), {"confirmed": "yes"})
    client.post(url("meeting-cancel", held.pk), {"confirmed": "yes"})
    edit = client.get(url("meeting-edit", held.pk))

    assert "is told by e-mail" in asked.content.decode()
    assert list(Meeting.objects.all()) == [held]
    assert edit.status_code == 302


def test_changing_or_cancelling_someone_elses_meeting_is_404(client):
    meeting = MeetingFactory()
    client.force_login(PersonFactory())

    assert client.get(url("meeting-edit", meeting.pk)).status_code == 404
    assert client.post(url("meeting-cancel", meeting.pk)).status_code == 404
    assert Meeting.objects.exists()


def test_home_lists_the_mentees_programme_and_the_mentors_pairs(client):
    pair = PairFactory()
    client.force_login(pair.mentor.person)

    response = client.get(url("home"))

    assert pair.mentee.get_full_name() in response.content.decode()


# Organisers -------------------------------------------------------------------------


def test_the_organiser_runs_moves_and_publishes_through_the_pages(
    client, mentoring, organiser, mailoutbox, django_capture_on_commit_callbacks
):
    a = MentorFactory(mentoring=mentoring, capacity=1)
    b = MentorFactory(mentoring=mentoring, capacity=1)
    mentee = mentee_of(mentoring)
    services.save_wishes(mentoring, mentee, mentors=[a])
    pk = mentoring.programme.pk
    client.force_login(organiser)

    client.post(url("organiser-matching-run", pk))
    client.post(
        url("organiser-matching-assign", pk), {"mentee": mentee.pk, "mentor": b.pk}
    )
    page = client.get(url("organiser-matching", pk)).content.decode()
    asked = client.post(url("organiser-matching-publish", pk)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("organiser-matching-publish", pk), {"confirmed": "yes"}
        )

    published = client.get(response.url).content.decode()

    assert "1 new pair is created." in asked
    assert "Changed by hand" in page
    assert response.status_code == 302
    assert "1 pair was published; the mentee and mentor are told" in published
    assert Pair.objects.get().mentor == b
    assert len(mailoutbox) == 2
    assert all(m.subject for m in mailoutbox)


def test_a_refused_move_is_explained_and_changes_nothing(client, mentoring, organiser):
    same = MentorFactory(mentoring=mentoring)
    MentorFactory(mentoring=mentoring)
    mentee = mentee_of(mentoring, organisation=same.person.organisation)
    pk = mentoring.programme.pk
    client.force_login(organiser)
    client.post(url("organiser-matching-run", pk))

    response = client.post(
        url("organiser-matching-assign", pk),
        {"mentee": mentee.pk, "mentor": same.pk},
        follow=True,
    )

    assert "conflict of interest" in response.content.decode()
    assert response.context["run"].rows.get(mentee=mentee).mentor != same


def test_the_organiser_adds_an_external_mentor_by_name(client, mentoring, organiser):
    client.force_login(organiser)

    response = client.post(
        url("organiser-mentor-add", mentoring.programme.pk),
        {
            "add-email": "kommundirektor.ny@example.org",
            "add-first_name": "Eva",
            "add-last_name": "Strand",
            "add-capacity": 2,
            "add-areas": ["politics"],
        },
    )

    assert response.status_code == 302
    assert mentoring.mentors.get().person.last_name == "Strand"


def test_an_unknown_email_without_names_asks_for_them(client, mentoring, organiser):
    client.force_login(organiser)

    response = client.post(
        url("organiser-mentor-add", mentoring.programme.pk),
        {"add-email": "okand@example.org", "add-capacity": 2},
    )

    assert response.status_code == 400
    assert 'id="id_add-first_name_error"' in response.content.decode()
    assert not mentoring.mentors.exists()


def test_the_organiser_switches_mentoring_on(client):
    organiser = OrganiserFactory(organiser_of=PersonFactory().organisation)
    programme = ProgrammeFactory(organiser=organiser.organiser_for.get())
    client.force_login(organiser)

    client.post(url("organiser-set-up", programme.pk))

    assert client.get(url("organiser-programme", programme.pk)).status_code == 200


def test_the_pairs_page_takes_as_many_queries_for_many_pairs_as_for_one(
    client, mentoring, organiser, django_assert_max_num_queries
):
    PairFactory(mentor__mentoring=mentoring)
    client.force_login(organiser)
    client.get(url("organiser-pairs", mentoring.programme.pk))
    with CaptureQueriesContext(connection) as one:
        client.get(url("organiser-pairs", mentoring.programme.pk))
    for _ in range(4):
        PairFactory(mentor__mentoring=mentoring)

    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url("organiser-pairs", mentoring.programme.pk))


def test_a_meeting_is_typed_and_shown_on_the_programme_organisers_clock(client):
    """A Swedish mentee in a Finnish organiser's programme types 14:30 in summer:
    that is 14:30 Finnish time (11:30 UTC), and the page gives their own 13:30."""
    pair = PairFactory()
    organiser = pair.mentoring.programme.organiser
    organiser.time_zone = "Europe/Helsinki"
    organiser.save(update_fields=["time_zone"])
    pair.mentee.organisation.time_zone = "Europe/Stockholm"
    pair.mentee.organisation.save(update_fields=["time_zone"])
    pair.mentee.preferred_language = "sv"
    pair.mentee.save(update_fields=["preferred_language"])
    client.force_login(pair.mentee)

    client.post(
        url("meeting-plan", pair.pk),
        {"meeting-starts_at": "2031-06-03T14:30", "meeting-place": "Helsingfors"},
    )
    meeting = Meeting.objects.get(pair=pair)
    page = client.get(url("pair", pair.pk)).content.decode()
    form = client.get(url("meeting-edit", meeting.pk)).content.decode()

    assert meeting.starts_at == dt.datetime(2031, 6, 3, 11, 30, tzinfo=dt.UTC)
    assert "14:30 finsk tid" in page
    assert "13:30 svensk tid" in page
    assert 'value="2031-06-03T14:30"' in form
