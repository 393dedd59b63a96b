import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tillit.core.models import Organisation, Person, SecurityEvent
from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.evaluations.models import Answer, Response
from tillit.learning.tests.factories import SubmissionFactory
from tillit.privacy import services
from tillit.privacy.models import ErasureRequest, PrivacyContact
from tillit.privacy.tests.factories import certificate_for, free_text_answer
from tillit.programmes.tests.factories import CohortFactory, ProgrammeFactory
from tillit.registrations.models import Registration
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture
def staff():
    return PersonFactory(is_staff=True, is_superuser=True)


def _past_cohort(organiser):
    today = timezone.localdate()
    return CohortFactory(
        programme=ProgrammeFactory(organiser=organiser),
        starts_on=today - dt.timedelta(days=100),
        ends_on=today - dt.timedelta(days=30),
        registration_opens_at=timezone.now() - dt.timedelta(days=200),
        registration_closes_at=timezone.now() - dt.timedelta(days=120),
    )


def _erase(person, staff):
    return services.erase(services.request_erasure(person), actor=staff)


def test_dry_run_changes_nothing_and_the_real_run_does_what_it_said(staff):
    person = PersonFactory()
    RegistrationFactory(person=person)
    SubmissionFactory(person=person, text="Mitt svar")
    free_text_answer(person, CohortFactory())
    before = Person.objects.get(pk=person.pk)
    erasure = services.request_erasure(person)

    planned = services.plan(person)

    assert Person.objects.get(pk=person.pk).email == before.email
    done = services.erase(erasure, actor=staff)
    assert services.totals(done) == services.totals(planned)
    assert services.totals(planned)["anonymise"] >= 3


def test_erasure_anonymises_the_person_but_keeps_their_rows(staff):
    person = PersonFactory(first_name="Greta", last_name="Lind")
    registration = RegistrationFactory(
        person=person, cohort=_past_cohort(OrganisationFactory())
    )

    _erase(person, staff)

    person.refresh_from_db()
    assert person.first_name == "" and person.last_name == ""
    assert person.email.endswith("@erased.invalid")
    assert not person.is_active and not person.has_usable_password()
    assert Registration.objects.filter(pk=registration.pk).exists()


def test_free_text_is_blanked_and_evaluation_numbers_stay(staff):
    person = PersonFactory()
    answer = free_text_answer(person, CohortFactory())

    _erase(person, staff)

    answer.refresh_from_db()
    assert answer.text == ""
    assert Response.objects.get(pk=answer.response_id).person is None
    assert Answer.objects.filter(pk=answer.pk).exists()


def test_a_certificate_holder_can_be_erased(staff):
    company = OrganisationFactory(kind=Organisation.Kind.COMPANY)
    person = PersonFactory()
    certificate = certificate_for(person, _past_cohort(company))

    _erase(person, staff)

    certificate.refresh_from_db()
    assert certificate.participant_name == ""
    assert certificate.person_id == person.pk


def test_a_public_organisers_certificate_is_kept_under_the_archive_law(staff):
    agency = OrganisationFactory(kind=Organisation.Kind.AGENCY)
    person = PersonFactory(first_name="Greta", last_name="Lind")
    certificate = certificate_for(person, _past_cohort(agency))

    lines = services.plan(person)
    _erase(person, staff)

    certificate.refresh_from_db()
    assert certificate.participant_name == "Greta Lind"
    assert any(
        line.label == "learning.Certificate" and line.action == "archive"
        for line in lines
    )


def test_an_upcoming_seat_is_cancelled_and_the_waitlist_moves_up(staff):
    cohort = CohortFactory(capacity=1)
    person = PersonFactory()
    seat = RegistrationFactory(cohort=cohort, person=person, status=Status.CONFIRMED)
    waiting = RegistrationFactory(cohort=cohort, status=Status.WAITLISTED)

    lines = services.plan(person)
    _erase(person, staff)

    seat.refresh_from_db()
    waiting.refresh_from_db()
    assert seat.status == Status.CANCELLED
    assert waiting.status != Status.WAITLISTED
    assert [line.count for line in lines if line.action == "cancel"] == [1]


def test_erasure_is_in_the_security_log(staff):
    person = PersonFactory()

    _erase(person, staff)

    kinds = set(SecurityEvent.objects.values_list("kind", flat=True))
    assert {
        SecurityEvent.Kind.ERASURE_REQUESTED,
        SecurityEvent.Kind.PERSON_ERASED,
    } <= kinds


def test_a_person_may_not_confirm_their_own_erasure(staff):
    person = PersonFactory(is_superuser=True)
    erasure = services.request_erasure(person)

    with pytest.raises(services.ErasureError):
        services.erase(erasure, actor=person)


def test_the_person_asks_and_sees_the_dry_run(client):
    person = PersonFactory()
    RegistrationFactory(person=person)
    client.force_login(person)

    page = client.get(reverse("privacy:erasure-request"))
    refused = client.post(reverse("privacy:erasure-request"))
    sent = client.post(reverse("privacy:erasure-request"), {"confirm": "yes"})

    assert page.status_code == 200
    assert b"Anonymised" in page.content
    assert refused.status_code == 400
    assert sent.status_code == 302
    assert ErasureRequest.objects.get(person=person).status == "pending"


def test_the_privacy_contact_confirms_after_the_page_with_counts(client):
    organisation = OrganisationFactory()
    person = PersonFactory(organisation=organisation)
    contact = PersonFactory(organisation=organisation)
    PrivacyContact.objects.create(organisation=organisation, person=contact)
    erasure = services.request_erasure(person)
    client.force_login(contact)
    url = reverse("privacy:erasure-decide", args=[erasure.pk])

    listed = client.get(reverse("privacy:erasures"))
    page = client.get(url)
    unconfirmed = client.post(url, {"decision": "erase"})
    done = client.post(url, {"decision": "erase", "confirm": "yes"})

    assert str(person).encode() in listed.content
    assert b"rows anonymised" in page.content or b"row anonymised" in page.content
    assert unconfirmed.status_code == 400
    assert done.status_code == 302
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.ERASED


def test_another_organisations_privacy_contact_cannot_see_the_request(client):
    person = PersonFactory()
    other = PersonFactory()
    PrivacyContact.objects.create(organisation=OrganisationFactory(), person=other)
    erasure = services.request_erasure(person)
    client.force_login(other)

    response = client.get(reverse("privacy:erasure-decide", args=[erasure.pk]))

    assert response.status_code == 404


def test_a_declined_request_says_why(client, staff):
    erasure = services.request_erasure(PersonFactory())
    client.force_login(staff)
    url = reverse("privacy:erasure-decide", args=[erasure.pk])

    without = client.post(url, {"decision": "decline"})
    declined = client.post(url, {"decision": "decline", "reason": "Pågående ärende"})

    assert without.status_code == 400
    assert declined.status_code == 302
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.DECLINED


def test_erasure_clears_the_audit_trail_of_the_persons_name_and_values(staff):
    from auditlog.models import LogEntry

    person = PersonFactory(first_name="Greta", last_name="Lind")
    person.title = "Enhetschef"
    person.save()
    contact = PrivacyContact.objects.create(
        organisation=OrganisationFactory(), person=person
    )
    named = LogEntry.objects.get_for_object(contact).get()
    assert "Greta Lind" in named.object_repr

    _erase(person, staff)

    assert not LogEntry.objects.filter(object_repr__contains="Greta").exists()
    own = LogEntry.objects.get_for_object(Person.objects.get(pk=person.pk))
    assert own.exists()
    assert all(
        entry.changes in (None, {}, "") or "Greta" not in str(entry.changes)
        for entry in own
    )
