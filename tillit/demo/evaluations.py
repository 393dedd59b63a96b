"""Demo data for course evaluations, loaded after tillit.demo.core.

ESV's programme in strategic management gets two earlier cohorts (spring and
autumn of last year), each with six digital sessions, and the standard course
evaluation after every session of those and of the round running now (the
learning demo's round, where the participant login is; a round of its own only
when the learning demo is not loaded). Fictional participants (example.org)
have answered, so the results and the cross-cohort comparison are lived-in: the
spring cohort leans towards on-site participation, the later ones towards
digital, as the seed says. One session evaluation has only three answers and
shows the threshold message. The running round's latest session has an
evaluation open now that the demo participant deltagare.stat@example.org has
not answered yet.

Idempotent: rows are found by natural keys (e-mail, programme and cohort name,
session title, form title) and answers are written only for evaluations that
have none.
"""

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from tillit.core.models import ManagerialLevel, Organisation, Person, RoleCategory
from tillit.demo.core import (
    DEMO_PASSWORD,
    FIRST_NAMES,
    LAST_NAMES,
    DemoPart,
    NameBook,
    _ascii,
    at,
    cohort_named,
    session_titled,
    weekday_after,
)
from tillit.evaluations import services, standard
from tillit.evaluations.models import Evaluation, EvaluationForm, Question
from tillit.programmes.models import Cohort, Programme, Session
from tillit.registrations.models import Registration

PROGRAMME = "esv-strategisk-verksamhetsstyrning"
ORGANISER = "arrangor.esv@example.org"
PARTICIPANT = "deltagare.stat@example.org"
MINISTRY_PROGRAMME = "fm-smagrupper-hogsta-ledningen"
MINISTRY_ORGANISER = "arrangor.fm@example.org"
TEACHER = "larare.esv@example.org"
AGENCIES = [
    "Trafikverket",
    "Försäkringskassan",
    "Skatteverket",
    "Kammarkollegiet",
    "Statens servicecenter",
    "Lantmäteriet",
]
SESSION_TITLES = [
    "Styrningen i staten som helhet",
    "Myndighetens uppdrag och värdet för målgrupperna",
    "Att leda inom en styrning man inte själv utformar",
    "Strategiskt arbete: att lyfta blicken",
    "Samverkan kring komplexa samhällsproblem",
    "Förändring, innovation och vägen vidare",
]
COMMENTS = [
    "Mer tid för diskussion i smågrupper.",
    "Uppgiften inför tillfället var mycket givande.",
    "Bra exempel från andra myndigheter.",
    "Tekniken strulade i början, annars bra.",
    "Gärna kortare föreläsningar och fler pauser.",
    "Jag tar med mig modellen för målstyrning till min ledningsgrupp.",
    "Skicka gärna materialet i förväg.",
]


def load_demo(today) -> dict[str, int]:
    """Load the evaluation demo; returns counts of what it created."""
    with transaction.atomic():
        return _Loader(today).load()


class _Loader(DemoPart):
    def __init__(self, today):
        super().__init__(today)
        self.names = NameBook(FIRST_NAMES, LAST_NAMES)
        self.names.index = 500  # past the core demo's people
        self.password = make_password(DEMO_PASSWORD)

    def load(self):
        programme = Programme.objects.filter(slug=PROGRAMME).first()
        organiser = Person.objects.filter(email=ORGANISER).first()
        if programme is None or organiser is None:
            return self.counts  # the core demo is not loaded
        form = self.standard_form(programme.organiser, organiser)
        teacher = self.teacher(programme.organiser)
        year = self.today.year - 1
        cohorts = [
            ("Våren", f"Våren {year}", weekday_after(dt.date(year, 3, 16)), 0.35),
            ("Hösten", f"Hösten {year}", weekday_after(dt.date(year, 9, 7)), 0.7),
        ]
        for seed, (_season, name, start, digital) in enumerate(cohorts, start=1):
            cohort = self.cohort(programme, name, start, organiser, teacher)
            people = self.participants(cohort, 12, seed)
            self.evaluate(cohort, form, people, organiser, seed, digital)
        self.running(programme, form, organiser, teacher)
        self.ministry()
        return self.counts

    def ministry(self):
        """Finansministeriet's copy of the standard form, in Swedish, Finnish and
        English, attached to the whole of its small groups' year: a Finnish
        participant reads the questions and options in Finnish."""
        programme = Programme.objects.filter(slug=MINISTRY_PROGRAMME).first()
        lead = Person.objects.filter(email=MINISTRY_ORGANISER).first()
        if programme is None or lead is None:
            return
        cohort = programme.cohorts.order_by("starts_on").first()
        if cohort is None:
            return
        form = self.standard_form(programme.organiser, lead)
        if not Evaluation.objects.filter(
            form=form, cohort=cohort, session__isnull=True
        ).exists():
            services.attach(form, cohort, actor=lead)
            self.count("evaluations")

    # Rows -------------------------------------------------------------------

    def standard_form(self, organisation, organiser):
        form = EvaluationForm.objects.filter(
            organisation=organisation, title_sv=standard.TITLE
        ).first()
        if form is None:
            form = services.copy_standard_form(organisation, actor=organiser)
            self.count("evaluation forms")
        return form

    def teacher(self, organisation):
        person, created = Person.objects.get_or_create(
            email=TEACHER,
            defaults={
                "first_name": "Vera",
                "last_name": "Lärarsson",
                "title": "Utbildare i verksamhetsstyrning",
                "organisation": organisation,
                "preferred_language": "sv",
                "password": self.password,
            },
        )
        self.count("people", created)
        return person

    def cohort(self, programme, name, start, organiser, teacher):
        dates = [start + dt.timedelta(weeks=2 * i) for i in range(6)]
        cohort, created = cohort_named(
            programme,
            name,
            actor=organiser,
            starts_on=dates[0],
            ends_on=dates[-1],
            capacity=40,
            registration_opens_at=at(start - dt.timedelta(days=90), 9, 0),
            registration_closes_at=at(start - dt.timedelta(days=20), 23, 59),
            online_link="https://meet.example.org/esv-verksamhetsstyrning",
        )
        self.count("cohorts", created)
        for number, (day, title) in enumerate(
            zip(dates, SESSION_TITLES, strict=True), 1
        ):
            _session, created = session_titled(
                cohort,
                f"Sammankomst {number}: {title}",
                actor=organiser,
                teachers=[teacher],
                starts_at=at(day, 9, 0),
                ends_at=at(day, 12, 0),
                mode=Session.Mode.ONLINE,
                link=f"https://meet.example.org/esv-{number}",
            )
            self.count("sessions", created)
        return cohort

    def participants(self, cohort, number, seed):
        """Confirmed participants from state agencies. The seats of a past
        cohort are written directly: its registration closed long ago, so
        registrations.services.register would refuse them."""
        people = []
        for index in range(number):
            first, last = self.names.next()
            agency, created = Organisation.objects.get_or_create(
                name=AGENCIES[(index + seed) % len(AGENCIES)],
                country=Organisation.Country.SWEDEN,
                defaults={"kind": Organisation.Kind.AGENCY, "sector": "state"},
            )
            self.count("organisations", created)
            person, created = Person.objects.get_or_create(
                email=f"{_ascii(first)}.{_ascii(last)}.esv{seed}@example.org",
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "title": "Enhetschef",
                    "role_category": RoleCategory.UNIT_MANAGER,
                    "managerial_level": ManagerialLevel.MIDDLE,
                    "organisation": agency,
                    "password": "!demo-no-login",
                },
            )
            self.count("people", created)
            people.append(person)
        self.confirm(cohort, people)
        return people

    def confirm(self, cohort, people):
        for person in people:
            _registration, created = Registration.objects.get_or_create(
                cohort=cohort,
                person=person,
                defaults={
                    "status": Registration.Status.CONFIRMED,
                    "confirmed_at": cohort.registration_opens_at,
                },
            )
            self.count("registrations", created)

    def learning_round(self, programme, participant):
        """The running round the learning demo put the participant in, if any."""
        if participant is None:
            return None
        return (
            Cohort.objects.filter(
                programme=programme,
                starts_on__lte=self.today,
                ends_on__gte=self.today,
                registrations__person=participant,
                registrations__status=Registration.Status.CONFIRMED,
            )
            .order_by("starts_on")
            .first()
        )

    # Evaluations -------------------------------------------------------------

    def attach(self, form, session, organiser):
        evaluation = Evaluation.objects.filter(form=form, session=session).first()
        if evaluation is None:
            evaluation = services.attach(
                form, session.cohort, actor=organiser, session=session
            )
            self.count("evaluations")
        if evaluation.opens_at <= timezone.now() and evaluation.invited_at is None:
            # Demo people live at example.org: no invitations are mailed.
            evaluation.invited_at = evaluation.opens_at
            evaluation.save(update_fields=["invited_at"])
        return evaluation

    def evaluate(self, cohort, form, people, organiser, seed, digital, skip=()):
        """The form after every session; most participants answer. The last
        session of the autumn cohort gets three answers only."""
        rng = random.Random(seed)
        sessions = list(cohort.sessions.order_by("starts_at"))
        for number, session in enumerate(sessions, start=1):
            evaluation = self.attach(form, session, organiser)
            if session.pk in skip or evaluation.opens_at > timezone.now():
                continue
            if evaluation.responses.exists():
                continue
            few = seed == 2 and number == len(sessions)
            wanted = min(len(people), rng.randint(7, 11))
            respondents = people[:3] if few else rng.sample(people, wanted)
            for person in respondents:
                services.submit(
                    evaluation,
                    person,
                    self.answers(form, rng, digital, number),
                    now=evaluation.opens_at + dt.timedelta(hours=20),
                )
            self.count("responses", number=len(respondents))

    def answers(self, form, rng, digital, number):
        """Plausible answers: satisfaction grows over the programme."""
        Kind = Question.Kind
        values = {}
        for question in form.questions.all():
            if question.kind == Kind.LIKERT:
                values[question] = min(
                    5, max(1, round(rng.gauss(3.4 + number / 8, 0.9)))
                )
            elif question.kind == Kind.NPS:
                values[question] = min(10, max(0, round(rng.gauss(7.6, 1.8))))
            elif question.kind == Kind.SINGLE:
                draw = rng.random()
                options = [key for key, _label in question.options]
                pick = 0 if draw < digital else (1 if draw < digital + 0.25 else 2)
                values[question] = options[min(pick, len(options) - 1)]
            elif question.kind == Kind.MULTIPLE:
                values[question] = [
                    key for key, _label in question.options if rng.random() < 0.4
                ]
            elif rng.random() < 0.6:
                values[question] = rng.choice(COMMENTS)
        return values

    def running(self, programme, form, organiser, teacher):
        """The round running now, whose latest session's evaluation is open
        for the demo participant. That is the learning demo's round when it is
        loaded (one running round of the programme, not two); otherwise a
        round that started two months ago, with its own participants."""
        participant = Person.objects.filter(email=PARTICIPANT).first()
        cohort = self.learning_round(programme, participant)
        if cohort is not None:
            people = [
                registration.person
                for registration in cohort.registrations.filter(
                    status=Registration.Status.CONFIRMED
                )
                .exclude(person=participant)
                .select_related("person")
                .order_by("person__email")
            ]
        else:
            start = weekday_after(self.today - dt.timedelta(days=60))
            season = "hösten" if start.month >= 7 else "våren"
            cohort = self.cohort(
                programme, f"Omgång {season} {start.year}", start, organiser, teacher
            )
            people = self.participants(cohort, 10, seed=3)
            if participant is not None:
                self.confirm(cohort, [participant])
        sessions = list(cohort.sessions.order_by("starts_at"))
        open_now = [
            s
            for s in sessions
            if s.ends_at <= timezone.now() < s.ends_at + dt.timedelta(days=14)
        ]
        self.evaluate(
            cohort,
            form,
            people,
            organiser,
            seed=3,
            digital=0.6,
            skip={s.pk for s in open_now},
        )
        # Three colleagues have answered the open one: below the threshold.
        rng = random.Random(4)
        for session in open_now:
            evaluation = Evaluation.objects.get(form=form, session=session)
            if not evaluation.responses.exists():
                for person in people[:3]:
                    services.submit(
                        evaluation,
                        person,
                        self.answers(form, rng, 0.6, 5),
                        now=timezone.now(),
                    )
                self.count("responses", number=3)
