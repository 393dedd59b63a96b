"""The fixture world of the access matrix (tests/test_access_matrix.py).

Two sides, each an organisation that organises programmes and sends its own
managers. Every object a URL can name belongs to side A; the roles that act
on side A's objects are A's participant, teacher, organiser and HR contact,
A's mentor and A's network member, and, from the other side, B's organiser
and B's HR contact. Side B has the same kind of objects, so B's organiser and
HR contact have pages of their own that must show nothing of A.

Side A's private people have e-mail addresses on PRIVATE_DOMAIN: no page
answered to someone of side B (or to nobody signed in) may contain it.
"""

import datetime as dt

from django.utils import timezone

from tillit.accounts import services as accounts
from tillit.core.models import Person
from tillit.core.tests.factories import (
    OrganisationFactory,
    OrganiserFactory,
    PersonFactory,
    pdf_upload,
)
from tillit.evaluations.tests.factories import EvaluationFactory, QuestionFactory
from tillit.events import services as event_services
from tillit.events.models import Talk
from tillit.events.tests.factories import make_event
from tillit.groups.models import Application, GroupMeeting, GroupRound, Proposal
from tillit.groups.tests.factories import (
    ApplicationFactory,
    GroupMemberFactory,
    GroupRoundFactory,
    PeerGroupFactory,
)
from tillit.learning import services as learning_services
from tillit.learning.models import Certificate, Milestone, SubmissionFile
from tillit.learning.tests.factories import (
    AssignmentFactory,
    PreparationFactory,
    SubmissionFactory,
)
from tillit.mentoring.models import MatchingRun, MentoringProgramme, ProposedPair
from tillit.mentoring.tests.factories import MeetingFactory as MentoringMeetingFactory
from tillit.mentoring.tests.factories import MentorFactory, PairFactory
from tillit.networks.models import Membership, Network
from tillit.networks.tests.factories import (
    AnnouncementFactory,
    MeetingFactory,
    MembershipFactory,
    NetworkFactory,
    SharedFileFactory,
)
from tillit.notifications import services as notification_services
from tillit.notifications.models import CalendarFeed, Notification
from tillit.privacy.models import PrivacyContact
from tillit.privacy.selectors import notice_slug
from tillit.privacy.services import request_erasure
from tillit.programmes.tests.factories import (
    CohortFactory,
    ProgrammeFactory,
    SessionFactory,
)
from tillit.registrations.models import (
    ExceptionRequest,
    Registration,
    Reservation,
)
from tillit.registrations.tests.factories import RegistrationFactory
from tillit.registrations.tokens import approval_token
from tillit.rollouts.models import Exclusion, FollowUp, ImportBatch, RolloutCohort
from tillit.rollouts.tests.factories import EmploymentFactory, plan_for

PRIVATE_DOMAIN = "side-a.example.org"

# The columns of the matrix, in order.
ROLES = (
    "anon",  # nobody signed in
    "part",  # A's participant: confirmed in A's cohort, a mentee, owns the answers
    "teach",  # a teacher of A's programme
    "org",  # organiser staff of A (owns every object of the table)
    "xorg",  # organiser staff of B: another organiser
    "hr",  # A's employer contact (HR director)
    "xhr",  # B's employer contact: HR of another organisation
    "ment",  # the mentor in A's mentoring pair
    "memb",  # an active member of A's network and of A's peer group
    "non",  # a person of A's organisation in no network, group or cohort
    "staff",  # platform staff (superuser)
)


class World(dict):
    """Objects by key; `world.person(role)` is the person playing the role."""

    def person(self, role):
        return None if role == "anon" else self[f"person:{role}"]


def _side(world, letter, organisation):
    """A programme and a cohort in progress (it ends in ten days, so the
    mentoring evaluation is open; employers may reserve seats), with a
    session held yesterday."""
    today = timezone.localdate()
    programme = ProgrammeFactory(organiser=organisation)
    cohort = CohortFactory(
        programme=programme,
        starts_on=today - dt.timedelta(days=60),
        ends_on=today + dt.timedelta(days=10),
        naming_deadline=timezone.now() + dt.timedelta(days=5),
    )
    session = SessionFactory(
        cohort=cohort,
        starts_at=timezone.now() - dt.timedelta(days=1),
        ends_at=timezone.now() - dt.timedelta(days=1) + dt.timedelta(hours=3),
    )
    world[f"programme{letter}"] = programme
    world[f"cohort{letter}"] = cohort
    world[f"session{letter}"] = session
    return programme, cohort, session


def build_world():
    w = World()
    org_a = OrganisationFactory(name="Myndigheten A", kind="agency", sector="state")
    org_b = OrganisationFactory(name="Myndigheten B", kind="agency", sector="state")
    w["orgA"], w["orgB"] = org_a, org_b

    def private(name, **fields):
        return PersonFactory(
            email=f"{name}@{PRIVATE_DOMAIN}",
            last_name="Hemligsson",
            organisation=org_a,
            **fields,
        )

    people = {
        "part": private("deltagare"),
        "teach": PersonFactory(email="larare@a.example.org", organisation=org_a),
        "org": OrganiserFactory(
            email="arrangor@a.example.org", organisation=org_a, organiser_of=org_a
        ),
        "xorg": OrganiserFactory(
            email="arrangor@b.example.org", organisation=org_b, organiser_of=org_b
        ),
        "hr": PersonFactory(email="hr@a.example.org", organisation=org_a),
        "xhr": PersonFactory(email="hr@b.example.org", organisation=org_b),
        "ment": private("mentor", title="Kommundirektör"),
        "memb": private("medlem"),
        "non": PersonFactory(email="utanfor@a.example.org", organisation=org_a),
        "staff": Person.objects.create_superuser(
            email="plattform@example.org", password="demo-password-1"
        ),
    }
    org_a.employer_contacts.add(people["hr"])
    org_b.employer_contacts.add(people["xhr"])
    for role, person in people.items():
        w[f"person:{role}"] = person
        record, w[f"token:{role}"] = accounts.create_api_key(
            person, name="matrix", days=1
        )
        w[f"api_key:{role}"] = record.digest

    part, org = people["part"], people["org"]
    w["part"] = part
    programme, cohort, session = _side(w, "A", org_a)
    _side(w, "B", org_b)
    CohortFactory(programme=w["programmeB"])
    w["cohortA2"] = CohortFactory(programme=programme)  # with an offer
    w["cohortA3"] = CohortFactory(programme=programme)  # a cohort to move people to
    programme.teachers.add(people["teach"])

    # Registrations: the participant's seat, and seats in every state.
    w["registration"] = RegistrationFactory(cohort=cohort, person=part)
    colleague = private("kollega")
    w["colleague"] = colleague
    w["held"] = RegistrationFactory(
        cohort=cohort,
        person=colleague,
        status=Registration.Status.HELD,
        approver=people["hr"],
        booked_by=people["hr"],
        expires_at=timezone.now() + dt.timedelta(days=2),
    )
    w["approval"] = approval_token(w["held"], people["hr"])
    w["offered"] = RegistrationFactory(
        cohort=w["cohortA2"],
        person=part,
        status=Registration.Status.OFFERED,
        expires_at=timezone.now() + dt.timedelta(days=2),
    )
    w["reservation"] = Reservation.objects.create(
        cohort=cohort,
        organisation=org_a,
        booked_by=people["hr"],
        seats=2,
        unnamed_seats=2,
    )
    w["exception"] = ExceptionRequest.objects.create(
        programme=programme, person=private("undantag"), motivation="Jag leder chefer."
    )

    # Learning: preparation with a file, an assignment with a milestone and a
    # submitted answer with a file, attendance and a certificate.
    PreparationFactory(session=session)
    w["prep_file"] = learning_services.add_preparation_file(
        session, actor=org, upload=pdf_upload("inför.pdf")
    )
    assignment = AssignmentFactory(session=SessionFactory(cohort=cohort), cohort=cohort)
    w["assignment"] = assignment
    w["milestone"] = Milestone.objects.create(
        assignment=assignment,
        title="Utkast",
        due_at=timezone.now() + dt.timedelta(days=5),
    )
    submission = SubmissionFactory(assignment=assignment, person=part)
    w["submission"] = submission
    w["sub_file"] = SubmissionFile.objects.create(
        submission=submission,
        file=pdf_upload("svar.pdf"),
        original_name="svar.pdf",
        file_type="pdf",
        size=100,
        uploaded_by=part,
    )
    w["certificate"] = Certificate.objects.create(
        person=part,
        cohort=cohort,
        code="ABCD-EFGH-JKLM",
        participant_name=str(part),
        programme_title=programme.title,
        cohort_name=cohort.name,
        organiser_name=org_a.name,
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
        hours=12,
        issued_by=org,
    )

    # Evaluations: a form with a question, attached to the cohort, open now.
    evaluation = EvaluationFactory(cohort=cohort)
    w["evaluation"] = evaluation
    w["form"] = evaluation.form
    w["question"] = QuestionFactory(form=evaluation.form)

    # Mentoring: the programme's mentoring, a mentor and a pair with the
    # participant as mentee, and a planned meeting.
    mentoring = MentoringProgramme.objects.create(programme=programme)
    w["mentoring"] = mentoring
    mentor = MentorFactory(mentoring=mentoring, person=people["ment"])
    w["mentor"] = mentor
    w["pair"] = PairFactory(mentor=mentor, mentoring=mentoring, mentee=part)
    w["m_meeting"] = MentoringMeetingFactory(pair=w["pair"])
    w["mentor2"] = MentorFactory(mentoring=mentoring)
    run = MatchingRun.objects.create(mentoring=mentoring, created_by=org)
    ProposedPair.objects.create(run=run, mentee=colleague, mentor=mentor)

    # Networks: a peer network owned by A with the member, an applicant, an
    # invited person, an announcement, a meeting and a shared file.
    network = NetworkFactory(
        owner=org_a, kind=Network.Kind.PEER, slug="natverk-a", name="Nätverk A"
    )
    w["network"] = network
    w["membership"] = MembershipFactory(network=network, person=people["memb"])
    w["applicant"] = MembershipFactory(
        network=network,
        person=part,
        status=Membership.Status.APPLIED,
        joined_at=None,
    )
    w["invitation"] = MembershipFactory(
        network=network,
        person=people["non"],
        status=Membership.Status.INVITED,
        joined_at=None,
    )
    w["announcement"] = AnnouncementFactory(network=network, author=org)
    w["n_meeting"] = MeetingFactory(network=network)
    w["shared_file"] = SharedFileFactory(network=network, uploaded_by=org)

    # Peer groups: a round of A's network, facilitated by A's organiser, with
    # an application and a published group holding the member.
    group_round = GroupRoundFactory(
        owner=org_a,
        network=network,
        status=GroupRound.Status.PUBLISHED,
        facilitators=[org],
    )
    w["round"] = group_round
    w["application"] = ApplicationFactory(
        round=group_round,
        person=private("smagrupp"),
        status=Application.Status.PENDING,
    )
    group = PeerGroupFactory(round=group_round)
    w["group"] = group
    GroupMemberFactory(group=group, round=group_round, person=people["memb"])
    w["open_round"] = GroupRoundFactory(
        owner=org_a,
        network=network,
        status=GroupRound.Status.DRAFT,
        applications_open=True,
        facilitators=[org],
    )
    ApplicationFactory(round=w["open_round"], person=people["memb"])
    Proposal.objects.create(
        round=w["open_round"], status=Proposal.Status.RUNNING, requested_by=org
    )
    w["g_meeting"] = GroupMeeting.objects.create(
        group=group,
        starts_at=timezone.now() + dt.timedelta(days=3),
        ends_at=timezone.now() + dt.timedelta(days=3, hours=2),
        created_by=people["memb"],
    )

    # Events: A's published event with a talk, a material file and the
    # participant registered.
    event = make_event(org_a, actor=org, title="Ledarskapsdagen A")
    w["event"] = event
    w["talk"] = Talk.objects.create(
        event=event,
        starts_at=event.starts_at,
        ends_at=event.starts_at + dt.timedelta(hours=1),
        title="Tillit i styrningen",
        speaker="Talare",
    )
    w["material"] = event_services.add_material_file(
        event, actor=org, upload=pdf_upload("bilder.pdf")
    )
    event_services.register(part, event)
    make_event(org_b, actor=people["xorg"], title="Ledarskapsdagen B")

    # Side B's own objects, for forms that name an object in their body.
    w["networkB"] = NetworkFactory(owner=org_b, slug="natverk-b", name="Nätverk B")
    MembershipFactory(network=w["networkB"], person=private("b-medlem"))
    w["formB"] = EvaluationFactory(cohort=w["cohortB"]).form
    mentoring_b = MentoringProgramme.objects.create(programme=w["programmeB"])
    w["mentorB"] = MentorFactory(mentoring=mentoring_b)

    # Rollouts: A's HR has imported managers (an employment for the
    # participant), a pending import, a plan with a cohort and a follow-up.
    w["employment"] = EmploymentFactory(organisation=org_a, person=part)
    w["import"] = ImportBatch.objects.create(
        organisation=org_a, uploaded_by=people["hr"], filename="chefer.csv"
    )
    plan = plan_for(org_a, people["hr"], programme, cohorts=1, size=5)
    w["plan"] = plan
    w["rcohort"] = RolloutCohort.objects.filter(plan=plan).first()
    w["follow_up"] = FollowUp.objects.create(
        plan=plan, employment=w["employment"], cohort=cohort
    )

    w["exclusion"] = Exclusion.objects.create(
        plan=plan, employment=EmploymentFactory(organisation=org_a)
    )

    # Personal links: a calendar feed and an unsubscribe link for the participant.
    w["feed"] = CalendarFeed.objects.create(person=part).token
    w["unsubscribe"] = notification_services.unsubscribe_token(
        part, Notification.Kind.SESSION_REMINDER
    )
    # Links with a secret that is not valid (expired or forged): the pages
    # that answer them must work for anyone and show nothing.
    w["uid"], w["bad_token"], w["sso"] = "MQ", "0-badtoken", "no-such-provider"

    # Data protection: A's HR contact answers for A's personal data; a person
    # of A has asked for erasure.
    PrivacyContact.objects.create(organisation=org_a, person=people["hr"])
    w["notice"] = notice_slug(org_a)
    w["erasure"] = request_erasure(private("radera"))
    return w
